"""The linear RAE as a classifier: its final codes, and fine-tuning it with its head."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from data.batching import clipped_lengths, padded, padded_batches
from models.classifier import LinearRAEClassifier
from training.early_stopping import Curve
from training.inference import predict_proba
from training.resume import Checkpoint
from training.schedule import Schedule
from training.supervised import train_supervised


@torch.no_grad()
def encode_features(model: LinearRAEClassifier, sentences: list[list[int]], max_length: int,
                    device: torch.device, batch_size: int = 512) -> torch.Tensor:
    """What model's head reads (N, h or 2h), in the order of `sentences`."""
    model.eval()
    features = torch.empty(len(sentences), model.head.in_features, device=device)
    for batch, ids, lengths in padded_batches(sentences, batch_size, max_length, device):
        features[torch.as_tensor(batch, device=device)] = model.features(ids, lengths)[0]
    return features


def fine_tune(model: LinearRAEClassifier, train: tuple[list[list[int]], np.ndarray],
              dev: tuple[list[list[int]], np.ndarray] | None, alpha: float,
              schedule: Schedule, max_length: int, seed: int, device: torch.device,
              checkpoint: Checkpoint | None = None) -> Curve:
    """Train word vectors, encoder and head on alpha * reconstruction + (1 - alpha) * CE,
    reconstruction as the mean error per token; early stopping on dev accuracy, or with no
    dev (a refit) every epoch of the schedule."""
    sentences, labels = train[0], torch.as_tensor(train[1], device=device)

    def batch_loss(model, batch):
        ids, lengths = padded(sentences, batch, max_length, device)
        logits, error = model(ids, lengths)
        cross_entropy = F.cross_entropy(logits, labels[torch.as_tensor(batch, device=device)])
        return alpha * error.sum() / lengths.sum() + (1 - alpha) * cross_entropy

    def dev_accuracy(model):
        return float((predict_proba(model, dev[0], max_length, device).argmax(1) == dev[1]).mean())

    return train_supervised(model, clipped_lengths(sentences, max_length), batch_loss,
                            dev_accuracy if dev is not None else None, schedule, seed,
                            f"fine-tune α={alpha}", checkpoint)
