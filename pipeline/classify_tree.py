"""Classify SST with the RAE along its given parse trees: tree-rae and tree-rae-sentence.

The greedy RAE's model (composition, normalisation, reconstruction, node softmax) is trained
on alpha * reconstruction + (1 - alpha) * cross-entropy (alpha picked on dev), along the
treebank's trees:
- tree-rae: the cross-entropy is against the treebank's own label of every phrase and word.
- tree-rae-sentence: the sentence's label at every internal node and none on the words, the
  supervision greedy-rae gets; so it differs from greedy-rae in the tree alone.
A sentence's class is the root's node softmax; every node's prediction is kept for the
all-phrase accuracy.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from models.greedy_rae import GreedyRAE, GreedyRAEConfig
from models.tree_rae import SentenceTree
from pipeline.options import Run
from training.early_stopping import best_alpha
from training.resume import Checkpoint
from training.tree import node_probabilities, train_tree


def build_model(config: dict, vocab_size: int, classes: int) -> GreedyRAE:
    return GreedyRAE(GreedyRAEConfig(vocab_size, config["embeddings"]["dim"], classes))


def sentence_labelled(trees: list[SentenceTree], labels: np.ndarray) -> list[SentenceTree]:
    """The same trees with the sentence's label on every internal node, none on the words."""
    return [SentenceTree(t.ids, t.children, [-1] * len(t.ids) + [int(y)] * len(t.children))
            for t, y in zip(trees, labels, strict=True)]


def _row(pretrained: dict, run: Run, train: list[SentenceTree], parts: dict, classes: int,
         fold_seed: int, checkpoint: Checkpoint) -> tuple[dict, dict]:
    start, t = time.perf_counter(), run.config.tree

    def train_one(alpha):
        torch.manual_seed(fold_seed)
        model = build_model(run.config.to_dict(), len(pretrained["vocab"]), classes)
        with torch.no_grad():
            model.embeddings.weight.copy_(pretrained["encoder"]["embeddings.weight"])
        model.to(run.device)
        return model, train_tree(model, train, parts["dev"], alpha, t.epochs, t.batch_size,
                                 t.lr, t.clip_norm, t.patience, t.dropout, fold_seed,
                                 run.device, checkpoint)

    (alpha, model, curve), dev_accuracy = best_alpha(t.alphas, train_one)
    nodes = node_probabilities(model, parts["test"][0], run.device)
    row = {"probs": torch.stack([p[-1] for p in nodes]),
           "node_predictions": torch.cat([p.argmax(1) for p in nodes]),
           "curve": vars(curve), "alpha": alpha, "dev_accuracy": dev_accuracy,
           "seconds": time.perf_counter() - start}
    return row, model.state_dict()


def train_fold(pretrained: dict, run: Run, parts: dict, classes: int, fold_seed: int,
               checkpoint: Checkpoint) -> tuple[dict, dict]:
    """parts: {train|dev|test: (SentenceTrees, root classes)} -> ({row name: test root
    probabilities, every test node's predicted class, curve, ...}, tree-rae's state)."""
    trees, labels = parts["train"]
    rows, states = {}, {}
    for name, train in (("tree-rae", trees),
                        ("tree-rae-sentence", sentence_labelled(trees, labels))):
        rows[name], states[name] = _row(pretrained, run, train, parts, classes, fold_seed,
                                        checkpoint.scope(name))
    return rows, states["tree-rae"]
