"""The RAE along SST's given parse trees: tree-rae and tree-rae-sentence.

The parse-tree RAE is trained on alpha * reconstruction + (1 - alpha) * cross-entropy (alpha
picked on dev), along the treebank's trees:
- tree-rae: the cross-entropy is against the treebank's own label of every phrase and word.
- tree-rae-sentence: the sentence's label at every internal node and none on the words, the
  supervision greedy-rae gets; so it differs from greedy-rae in the tree alone.
A sentence's class is the root's node softmax; every node's prediction is kept for the
all-phrase accuracy.
"""

from __future__ import annotations

import time

import numpy as np

from data.trees import LabelledTree
from models.binary_tree_rae import TreeRAEConfig
from models.parse_tree_rae import ParseTreeRAE
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.config import Config
from training.parse_tree import fold_predictions, train_parse_tree
from training.supervised import best_alpha


def build_model(config: Config, vocab_size: int, classes: int) -> ParseTreeRAE:
    return ParseTreeRAE(TreeRAEConfig(vocab_size, config.embeddings.dim, classes))


def sentence_labelled(trees: list[LabelledTree[int]], labels: np.ndarray
                      ) -> list[LabelledTree[int]]:
    """The same trees with the sentence's label on every internal node, none on the words; a
    one-word sentence's word is its root, and keeps the label (else a batch of them would
    have nothing to learn from, and a mean over no node)."""
    return [LabelledTree(t.leaves, t.children,
                         [-1] * len(t.leaves) + [int(y)] * len(t.children) if t.children
                         else [int(y)])
            for t, y in zip(trees, labels, strict=True)]


def _row(fold: FoldInputs, train: list[LabelledTree[int]], checkpoint) -> tuple[dict, dict]:
    start, t = time.perf_counter(), fold.config.tree

    def new_model():
        model = build_model(fold.config, fold.vocab_size, fold.classes)
        fold.start_from_word_vectors(model.embeddings)
        return model.to(fold.device)

    (alpha, model, curve), dev_accuracy = best_alpha(
        t.alphas, fold.seed, new_model,
        lambda model, alpha: train_parse_tree(model, train, fold.parts["dev"], alpha, t.schedule,
                                              t.dropout, fold.seed, fold.device, checkpoint))
    row = {**fold_predictions(model, fold.parts["test"][0], fold.parts["dev"][0], fold.device),
           "curve": vars(curve), "alpha": alpha, "dev_accuracy": dev_accuracy,
           "seconds": time.perf_counter() - start}
    return row, model.state_dict()


def train_fold(fold: FoldInputs) -> tuple[dict, dict]:
    """parts: {train|dev|test: (trees of word ids, root classes)} -> ({row: test root
    probabilities, every test node's predicted class, curve, ...}, tree-rae's state)."""
    trees, labels = fold.parts["train"]
    rows, states = {}, {}
    for name, train in (("tree-rae", trees),
                        ("tree-rae-sentence", sentence_labelled(trees, labels))):
        rows[name], states[name] = _row(fold, train, fold.checkpoint.scope(name))
    return rows, states["tree-rae"]


FAMILIES = (Family(
    name="tree", order=40, rows=("tree-rae", "tree-rae-sentence"), saved_row="tree-rae",
    datasets=("sst2", "sst5"), needs_trees=True,
    about="tree-rae: the RAE along the parse trees, learning from the label of every phrase and "
          "word; tree-rae-sentence: the same trees with greedy-rae's supervision (the "
          "sentence's label at every internal node).",
    section="tree", build_model=build_model, train_fold=train_fold),)
