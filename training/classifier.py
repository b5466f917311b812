"""Fit and apply the softmax head on RAE codes: frozen encoder, or fine-tuned jointly."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from data.batching import length_batches, pad
from models.classifier import RAEClassifier
from models.word_rae import WordRAE
from training.divergence import check_finite
from training.early_stopping import Curve, EarlyStopping
from training.progress import progress
from training.resume import Checkpoint, TrainingLoop


def clipped_lengths(sentences: list[list[int]], max_length: int) -> list[int]:
    """Lengths as pad() makes them: at most max_length, and an empty sentence is one <unk>."""
    return [min(len(s), max_length) or 1 for s in sentences]


def padded_batches(sentences: list[list[int]], batch_size: int, max_length: int,
                   device: torch.device):
    """(indices, ids, lengths) batches of similar length, in a fixed order (for evaluation)."""
    for batch in length_batches(clipped_lengths(sentences, max_length), batch_size, None):
        yield batch, *padded(sentences, batch, max_length, device)


@torch.no_grad()
def encode_codes(encoder: WordRAE, sentences: list[list[int]], max_length: int,
                 device: torch.device, batch_size: int = 512) -> torch.Tensor:
    """Final codes h_n (N, h) in the order of `sentences`."""
    encoder.eval()
    codes = torch.empty(len(sentences), encoder.rae.config.hidden, device=device)
    for batch, ids, lengths in padded_batches(sentences, batch_size, max_length, device):
        codes[torch.as_tensor(batch, device=device)] = encoder(ids, lengths)[0]
    return codes


@torch.no_grad()
def predict_proba(model: RAEClassifier, sentences: list[list[int]], max_length: int,
                  device: torch.device, batch_size: int = 512) -> np.ndarray:
    """Class probabilities (N, classes) in the order of `sentences`."""
    model.eval()
    probs = np.empty((len(sentences), model.head.out_features), dtype=np.float32)
    for batch, ids, lengths in padded_batches(sentences, batch_size, max_length, device):
        probs[batch] = F.softmax(model(ids, lengths)[0], -1).cpu().numpy()
    return probs


def _accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(-1) == labels).float().mean().item()


def fit_head(head: nn.Linear, train_codes: torch.Tensor, train_labels: torch.Tensor,
             dev_codes: torch.Tensor, dev_labels: torch.Tensor, epochs: int, lr: float,
             patience: int) -> Curve:
    """Full-batch training of a softmax head on fixed codes, early-stopped on dev accuracy."""
    optimizer = torch.optim.Adam(head.parameters(), lr=lr)
    stopper = EarlyStopping(patience)
    for _ in range(epochs):
        loss = F.cross_entropy(head(train_codes), train_labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            dev_accuracy = _accuracy(head(dev_codes), dev_labels)
        if stopper.update(head, loss.item(), dev_accuracy):
            break
    return stopper.finish(head)


def train_supervised(model: nn.Module, lengths: list[int],
                     batch_loss: Callable[[nn.Module, np.ndarray], torch.Tensor],
                     dev_accuracy: Callable[[nn.Module], float], epochs: int, batch_size: int,
                     lr: float, clip_norm: float, patience: int, seed: int, description: str,
                     checkpoint: Checkpoint | None = None) -> Curve:
    """Minibatch Adam on batch_loss(model, training indices), batches of similar `lengths`,
    gradients clipped to clip_norm (a recursive net has occasional exploding steps); after each
    epoch dev_accuracy(model) decides early stopping, and the best epoch's parameters are kept.
    With a checkpoint, a killed run picks up where it stopped."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    stopper = EarlyStopping(patience)
    loop = TrainingLoop(checkpoint or Checkpoint.in_memory(), description, model, optimizer,
                        np.random.default_rng(seed), stopper=stopper)
    for epoch in loop.epochs(epochs):
        model.train()
        batches = list(length_batches(lengths, batch_size, loop.rng))
        for batch in progress(loop.steps(batches), f"{description} epoch {epoch + 1}",
                              total=len(batches)):
            loss = batch_loss(model, batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            loop.record(check_finite(loss.item(), f"{description}, epoch {epoch + 1}")
                        * len(batch), len(batch))
        if stopper.update(model, loop.end_epoch(), dev_accuracy(model)):
            break
    loop.finish()
    return stopper.finish(model)


def padded(sentences: list[list[int]], batch: np.ndarray, max_length: int, device: torch.device
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, lengths) of the batch's sentences, on the device."""
    ids, lengths = pad([sentences[i] for i in batch], max_length)
    return ids.to(device), lengths.to(device)


def fine_tune(model: RAEClassifier, train: tuple[list[list[int]], np.ndarray],
              dev: tuple[list[list[int]], np.ndarray], alpha: float, epochs: int,
              batch_size: int, lr: float, clip_norm: float, patience: int, max_length: int,
              seed: int, device: torch.device, checkpoint: Checkpoint | None = None) -> Curve:
    """Train word vectors, encoder and head on alpha * reconstruction + (1 - alpha) * CE,
    reconstruction as the mean error per token."""
    sentences, labels = train[0], torch.as_tensor(train[1], device=device)

    def batch_loss(model, batch):
        ids, lengths = padded(sentences, batch, max_length, device)
        logits, error = model(ids, lengths)
        cross_entropy = F.cross_entropy(logits, labels[torch.as_tensor(batch, device=device)])
        return alpha * error.sum() / lengths.sum() + (1 - alpha) * cross_entropy

    def dev_accuracy(model):
        return float((predict_proba(model, dev[0], max_length, device).argmax(1) == dev[1]).mean())

    return train_supervised(model, clipped_lengths(sentences, max_length), batch_loss,
                            dev_accuracy, epochs, batch_size, lr, clip_norm, patience, seed,
                            f"fine-tune α={alpha}", checkpoint)
