"""The batched, level-by-level parse-tree RAE equals the recursive one-tree reference."""

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from data.sst import parse_tree
from data.trees import LabelledTree, TreeBatch
from models.binary_tree_rae import TreeRAEConfig
from models.parse_tree_rae import ParseTreeRAE, reference_nodes
from pipeline.families.tree import sentence_labelled
from training.parse_tree import reference_tree_loss, tree_loss

CPU = torch.device("cpu")


def _check_batch_equals_reference(model: ParseTreeRAE, trees: list[LabelledTree[int]]) -> None:
    batch = TreeBatch.build(trees, CPU)
    nodes = model(batch)
    leaves = len(batch.leaf_ids)
    for tree, rows in zip(trees, batch.node_rows, strict=True):
        vectors, errors = reference_nodes(model, tree)
        assert torch.allclose(nodes.table[rows], torch.stack(vectors), atol=1e-6)
        if errors:
            internal = rows[len(tree.leaves):] - leaves
            assert torch.allclose(nodes.reconstruction[internal], torch.stack(errors), atol=1e-5)
        assert batch.labels[rows].tolist() == tree.node_labels
        assert batch.counts[rows[-1]] == len(tree.leaves)


def test_batched_trees_equal_the_recursive_reference(random_tree):
    torch.manual_seed(0)
    model = ParseTreeRAE(TreeRAEConfig(vocab_size=50, dim=8, classes=2))
    rng = np.random.default_rng(0)
    trees = [random_tree(rng, int(n), 50) for n in rng.integers(1, 15, 40)]
    _check_batch_equals_reference(model, trees)


def test_real_sst_trees_batch_like_the_reference():
    data = os.environ.get("RAE_DATA_DIR")
    if not data:
        pytest.skip("RAE_DATA_DIR is not set: this test reads SST's test trees")
    lines = (Path(data) / "sst" / "test.txt").read_text(encoding="utf-8").split("\n")[:60]
    parsed = [parse_tree(line) for line in lines]
    assert all(len(t.node_labels) == 2 * len(t.leaves) - 1 for t in parsed)
    torch.manual_seed(0)
    model = ParseTreeRAE(TreeRAEConfig(vocab_size=500, dim=10, classes=5))
    ids = {word: 2 + i % 498 for i, word in enumerate({w for t in parsed for w in t.leaves})}
    trees = [LabelledTree([ids[w] for w in t.leaves], t.children, t.node_labels) for t in parsed]
    _check_batch_equals_reference(model, trees)


def test_tree_loss_equals_the_reference_loss(random_tree):
    torch.manual_seed(1)
    model = ParseTreeRAE(TreeRAEConfig(vocab_size=30, dim=6, classes=2))
    rng = np.random.default_rng(1)
    for words in (1, 2, 5, 9):
        tree = random_tree(rng, words, 30)
        tree.node_labels[-1] = 1  # at least one labelled node
        batched = tree_loss(model, TreeBatch.build([tree], CPU), alpha=0.3)
        assert torch.allclose(batched, reference_tree_loss(model, tree, alpha=0.3), atol=1e-6)


def test_sentence_labels_go_on_internal_nodes_only():
    tree = LabelledTree([5, 6, 7], [(1, 2), (0, 3)], [2, 3, 4, 3, 1])
    [relabelled] = sentence_labelled([tree], np.array([0]))
    assert relabelled.node_labels == [-1, -1, -1, 0, 0] and relabelled.children == tree.children


def test_a_batch_of_one_word_sentences_learns_from_their_labels():
    """A one-word sentence's word is its root: the sentence's label stays on it."""
    trees = sentence_labelled([LabelledTree([5], [], [-1]), LabelledTree([6], [], [-1])],
                              np.array([1, 0]))
    assert [t.node_labels for t in trees] == [[1], [0]]
    torch.manual_seed(0)
    model = ParseTreeRAE(TreeRAEConfig(vocab_size=10, dim=4, classes=2))
    loss = tree_loss(model, TreeBatch.build(trees, CPU), alpha=0.1)
    assert torch.isfinite(loss) and loss > 0
