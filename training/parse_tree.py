"""Training along given parse trees, and the node predictions: the RAE (semi-supervised,
Adam) and the phrase models, RNTN and Tree-LSTM (every labelled node's cross-entropy plus L2,
AdaGrad, as CoreNLP and Tai et al. train them)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from data.trees import LabelledTree, TreeBatch
from models.parse_tree_rae import ParseTreeRAE, reference_nodes
from training.early_stopping import Curve
from training.optimizer import adagrad, restart_adagrad
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


def fold_predictions(model: nn.Module, test: list[LabelledTree[int]],
                     dev: list[LabelledTree[int]], device: torch.device) -> dict:
    """What a tree family's row keeps of a fold: the test roots' probabilities, every test
    node's predicted class (for the all-phrase accuracy), and the dev roots' probabilities."""
    nodes = node_probabilities(model, test, device)
    return {"probs": torch.stack([p[-1] for p in nodes]),
            "node_predictions": torch.cat([p.argmax(1) for p in nodes]),
            "dev_probs": root_probabilities(model, dev, device)}


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

    return train_supervised(model, [len(tree.leaves) for tree in train], batch_loss,
                            root_accuracy(dev, device), schedule, seed, f"tree RAE α={alpha}",
                            checkpoint)


def root_accuracy(dev: tuple[list[LabelledTree[int]], np.ndarray], device: torch.device):
    """model -> the accuracy of its root softmax on the dev trees (what early stopping reads)."""

    def accuracy(model) -> float:
        predicted = root_probabilities(model, dev[0], device).argmax(1).numpy()
        return float((predicted == dev[1]).mean())
    return accuracy


def l2_weights(section) -> dict[str, float]:
    """A phrase model's L2 weights ([rntn] or [treelstm]) by group of model.penalties()."""
    return {"compose": section.l2_compose, "classifier": section.l2_classifier,
            "words": section.l2_words}


def l2_penalty(model: nn.Module, l2: dict[str, float], words: torch.Tensor) -> torch.Tensor:
    """Σ over model.penalties()' groups of l2[group] / 2 · the squared norm of its tensors; of
    the word vectors, only those of `words` (a batch's), as CoreNLP regularises them: a
    penalty on every word at every step would move all of them at AdaGrad's full rate."""
    groups = {**model.penalties(), "words": [model.embeddings(words.unique())]}
    return sum(l2[group] / 2 * sum(p.pow(2).sum() for p in tensors)
               for group, tensors in groups.items())


def phrase_loss(model: nn.Module, batch: TreeBatch, dropout: float, l2: dict[str, float]
                ) -> torch.Tensor:
    """CoreNLP's cost: the cross-entropy of every labelled node (phrases and words), summed
    over each tree and averaged over the batch's trees, the softmax reading the node vectors
    through dropout while training; plus the L2 penalty."""
    nodes = model(batch)
    labelled = batch.labels >= 0
    features = F.dropout(nodes.table[labelled], dropout, training=model.training)
    cross_entropy = F.cross_entropy(model.node_classifier(features), batch.labels[labelled],
                                    reduction="sum")
    return cross_entropy / len(batch.node_rows) + l2_penalty(model, l2, batch.leaf_ids)


def train_phrase_tree(model: nn.Module, train: list[LabelledTree[int]],
                      dev: tuple[list[LabelledTree[int]], np.ndarray], section, seed: int,
                      device: torch.device, checkpoint: Checkpoint | None = None) -> Curve:
    """A phrase model by AdaGrad ([rntn] or [treelstm]: its rates, L2 and dropout), the
    squared gradients forgotten after every epoch; early stopping on the root's dev
    accuracy."""
    l2 = l2_weights(section)

    def batch_loss(model, batch):
        return phrase_loss(model, TreeBatch.build([train[i] for i in batch], device),
                           section.dropout, l2)

    return train_supervised(model, [len(tree.leaves) for tree in train], batch_loss,
                            root_accuracy(dev, device), section.schedule, seed,
                            type(model).__name__, checkpoint,
                            adagrad(model, section.lr, section.word_lr), restart_adagrad)


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


def reference_phrase_cross_entropy(model: nn.Module, tree: LabelledTree[int],
                                   reference_nodes) -> torch.Tensor:
    """phrase_loss's cross-entropy for one tree, from the model's recursive reference_nodes (no
    dropout): the mean of these over a batch's trees, plus l2_penalty, is phrase_loss."""
    vectors = torch.stack(reference_nodes(model, tree))
    labels = torch.tensor(tree.node_labels, device=vectors.device)
    labelled = labels >= 0
    return F.cross_entropy(model.node_classifier(vectors[labelled]), labels[labelled],
                           reduction="sum")
