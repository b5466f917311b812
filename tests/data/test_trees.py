"""TreeBatch.build (array operations over all nodes) lays out a batch exactly as the
node-by-node build_reference does."""

import numpy as np
import pytest
import torch

from data.trees import TreeBatch

CPU = torch.device("cpu")


def _same(a: TreeBatch, b: TreeBatch) -> None:
    assert torch.equal(a.leaf_ids, b.leaf_ids) and torch.equal(a.counts, b.counts)
    assert torch.equal(a.labels, b.labels) and len(a.levels) == len(b.levels)
    assert all(torch.equal(x, y) for x, y in zip(a.levels, b.levels, strict=True))
    assert len(a.node_rows) == len(b.node_rows)
    assert all(torch.equal(x, y) for x, y in zip(a.node_rows, b.node_rows, strict=True))


@pytest.mark.parametrize("seed", range(5))
def test_the_array_build_equals_the_node_by_node_reference(seed, random_tree):
    rng = np.random.default_rng(seed)
    trees = [random_tree(rng, int(n), 50) for n in rng.integers(1, 40, int(rng.integers(1, 60)))]
    _same(TreeBatch.build(trees, CPU), TreeBatch.build_reference(trees, CPU))


def test_one_word_trees_and_a_tree_built_twice(random_tree):
    rng = np.random.default_rng(0)
    trees = [random_tree(rng, 1, 50), random_tree(rng, 7, 50), random_tree(rng, 1, 50)]
    _same(TreeBatch.build(trees, CPU), TreeBatch.build_reference(trees, CPU))
    _same(TreeBatch.build(trees[1:], CPU), TreeBatch.build_reference(trees[1:], CPU))
    assert TreeBatch.build(trees[:1], CPU).levels == []
