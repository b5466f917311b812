"""The batched CKY (models/chart.py) finds the trees the recursive reference finds."""

import numpy as np
import pytest
import torch

from models.chart import best_trees, reference_best_tree, tree_spans


def _score_of(children, n, scores) -> float:
    return sum(float(scores[i, j]) for i, j in tree_spans(children, n))


@pytest.mark.parametrize("seed", range(4))
def test_batched_cky_equals_the_recursive_reference(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 13, 9).tolist()
    scores = torch.from_numpy(rng.normal(size=(len(lengths), 13, 13)).astype(np.float32))
    for b, (tree, n) in enumerate(zip(best_trees(scores, lengths), lengths, strict=True)):
        best, reference = reference_best_tree(lambda i, j, b=b: float(scores[b, i, j]), n)
        assert tree == reference
        assert _score_of(tree, n, scores[b]) == pytest.approx(best, abs=1e-4)
        assert len(tree) == n - 1


def test_a_span_scored_high_is_in_the_tree_and_one_word_has_no_internal_node():
    scores = torch.zeros(2, 6, 6)
    scores[0, 1, 4] = 5.0
    trees = best_trees(scores, [5, 1])
    assert (1, 4) in tree_spans(trees[0], 5) and trees[1] == []


def test_tree_spans_in_post_order():
    # ((w0 w1) (w2 w3)): nodes 4 = (0, 1), 5 = (2, 3), 6 = (4, 5)
    assert tree_spans([(0, 1), (2, 3), (4, 5)], 4) == [(0, 2), (2, 4), (0, 4)]
