"""Semi-supervised training of the greedy tree RAE, and the features its trees give."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from data.batching import clipped_lengths, padded, padded_batches
from models.greedy_rae import GreedyRAE, GreedyTrees, reference_tree
from training.early_stopping import Curve
from training.resume import Checkpoint
from training.schedule import Schedule
from training.supervised import train_supervised


def _cross_entropy(model: GreedyRAE, vectors: torch.Tensor, labels: torch.Tensor
                   ) -> torch.Tensor:
    """(B, N, d) vectors -> (B, N) cross-entropy of the node softmax against each row's label."""
    logits = model.node_classifier(vectors)
    targets = labels[:, None].expand(-1, logits.shape[1])
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten(),
                           reduction="none").view_as(targets)


def node_loss(model: GreedyRAE, trees: GreedyTrees, labels: torch.Tensor, alpha: float,
              word_weight: float = 0.0) -> torch.Tensor:
    """Per merge, alpha * reconstruction + (1 - alpha) * cross-entropy of the node's softmax
    against its sentence's label; with word_weight > 0 each word's softmax is supervised too,
    at word_weight * (1 - alpha) (the released code: 2, i.e. internal nodes at half the words'
    weight). Summed over the batch and divided by its number of merges."""
    cross_entropy = _cross_entropy(model, trees.parents, labels)
    per_node = alpha * trees.reconstruction + (1 - alpha) * cross_entropy
    total = (per_node * trees.active).sum()
    if word_weight:
        words = _cross_entropy(model, trees.leaves, labels)
        total = total + word_weight * (1 - alpha) * (words * trees.words).sum()
    return total / trees.active.sum().clamp(min=1)


@torch.no_grad()
def tree_features(model: GreedyRAE, sentences: list[list[int]], max_length: int,
                  device: torch.device, batch_size: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    """(top nodes (N, d), mean of all nodes (N, d)) in the order of `sentences`; inference,
    so the search's own parents serve (GreedyRAE.infer), not a second composition."""
    model.eval()
    d = model.config.dim
    top, mean = torch.empty(len(sentences), d, device=device), torch.empty(len(sentences), d,
                                                                            device=device)
    for batch, ids, lengths in padded_batches(sentences, batch_size, max_length, device):
        trees = model.infer(ids, lengths)
        index = torch.as_tensor(batch, device=device)
        top[index], mean[index] = trees.top, trees.mean
    return top, mean


def train_greedy(model: GreedyRAE, train: tuple[list[list[int]], np.ndarray],
                 dev: tuple[list[list[int]], np.ndarray] | None, alpha: float,
                 schedule: Schedule, max_length: int, seed: int, device: torch.device,
                 checkpoint: Checkpoint | None = None, word_weight: float = 0.0) -> Curve:
    """Early stopping reads the dev accuracy of the node softmax on each sentence's root; no
    dev (a refit): every epoch of the schedule runs."""
    sentences, labels = train[0], torch.as_tensor(train[1], device=device)

    def batch_loss(model, batch):
        trees = model(*padded(sentences, batch, max_length, device))
        return node_loss(model, trees, labels[torch.as_tensor(batch, device=device)], alpha,
                         word_weight)

    def dev_accuracy(model):
        top, _ = tree_features(model, dev[0], max_length, device)
        predicted = model.node_classifier(top).argmax(1).cpu().numpy()
        return float((predicted == dev[1]).mean())

    return train_supervised(model, clipped_lengths(sentences, max_length), batch_loss,
                            dev_accuracy if dev is not None else None, schedule, seed,
                            f"greedy RAE α={alpha}", checkpoint)


def reference_node_loss(model: GreedyRAE, ids: list[int], label: int, alpha: float,
                        word_weight: float = 0.0) -> torch.Tensor:
    """node_loss for one sentence from reference_tree: the slow, obviously right version."""
    _, error, parents = reference_tree(model, ids)
    total = alpha * error
    words = model.leaves(torch.tensor(ids, device=model.embeddings.weight.device))
    vectors = [(parents, 1.0), (list(words), word_weight)]
    for nodes, weight in vectors:
        if nodes and weight:
            logits = model.node_classifier(torch.stack(nodes))
            targets = torch.full((len(nodes),), label, device=logits.device)
            total = total + weight * (1 - alpha) * F.cross_entropy(logits, targets,
                                                                   reduction="sum")
    return total / max(len(parents), 1)
