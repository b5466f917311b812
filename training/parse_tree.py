"""Semi-supervised training of the RAE along given parse trees, and its node predictions."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from data.trees import LabelledTree, TreeBatch
from models.parse_tree_rae import ParseTreeRAE, reference_nodes
from training.early_stopping import Curve
from training.resume import Checkpoint
from training.schedule import Schedule
from training.supervised import train_supervised


def tree_loss(model: ParseTreeRAE, batch: TreeBatch, alpha: float, dropout: float = 0.0
              ) -> torch.Tensor:
    """alpha * mean reconstruction error of the internal nodes + (1 - alpha) * mean
    cross-entropy of the node softmax over every labelled node (phrases and words), the
    softmax reading the node vectors through dropout while training."""
    nodes = model(batch)
    labelled = batch.labels >= 0
    features = F.dropout(nodes.table[labelled], dropout, training=model.training)
    cross_entropy = F.cross_entropy(model.node_classifier(features), batch.labels[labelled])
    reconstruction = nodes.reconstruction.mean() if len(nodes.reconstruction) else 0.0
    return alpha * reconstruction + (1 - alpha) * cross_entropy


@torch.no_grad()
def node_probabilities(model: ParseTreeRAE, trees: list[LabelledTree[int]],
                       device: torch.device, batch_size: int = 256) -> list[torch.Tensor]:
    """Per tree, the node softmax of every node (nodes, classes) in node order; on the CPU."""
    model.eval()
    probabilities = []
    for start in range(0, len(trees), batch_size):
        batch = TreeBatch.build(trees[start : start + batch_size], device)
        table = F.softmax(model.node_classifier(model(batch).table), -1)
        probabilities += [table[rows].cpu() for rows in batch.node_rows]
    return probabilities


def root_probabilities(model: ParseTreeRAE, trees: list[LabelledTree[int]],
                       device: torch.device) -> torch.Tensor:
    return torch.stack([p[-1] for p in node_probabilities(model, trees, device)])


def train_parse_tree(model: ParseTreeRAE, train: list[LabelledTree[int]],
                     dev: tuple[list[LabelledTree[int]], np.ndarray], alpha: float,
                     schedule: Schedule, dropout: float, seed: int, device: torch.device,
                     checkpoint: Checkpoint | None = None) -> Curve:
    """Early stopping reads the dev accuracy of the root's node softmax."""

    def batch_loss(model, batch):
        return tree_loss(model, TreeBatch.build([train[i] for i in batch], device), alpha,
                         dropout)

    def dev_accuracy(model):
        predicted = root_probabilities(model, dev[0], device).argmax(1).numpy()
        return float((predicted == dev[1]).mean())

    return train_supervised(model, [len(tree.leaves) for tree in train], batch_loss,
                            dev_accuracy, schedule, seed, f"tree RAE α={alpha}", checkpoint)


def reference_tree_loss(model: ParseTreeRAE, tree: LabelledTree[int], alpha: float
                        ) -> torch.Tensor:
    """tree_loss for one tree from the recursive reference_nodes (no dropout): the slow,
    obviously right version."""
    vectors, errors = reference_nodes(model, tree)
    labels = torch.tensor(tree.node_labels, device=vectors[0].device)
    labelled = labels >= 0
    cross_entropy = F.cross_entropy(model.node_classifier(torch.stack(vectors)[labelled]),
                                    labels[labelled])
    reconstruction = torch.stack(errors).mean() if errors else 0.0
    return alpha * reconstruction + (1 - alpha) * cross_entropy
