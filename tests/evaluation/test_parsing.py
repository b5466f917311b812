"""Bracket F1, exact match and the baseline trees."""

import pytest

from evaluation.parsing import BASELINES, balanced, bracket_scores, left_branching, right_branching
from models.chart import tree_spans


def test_bracket_f1_and_exact_match():
    n = 4
    assert bracket_scores([right_branching(n)], [right_branching(n)], [n]) == {
        "f1": 100.0, "exact": 100.0}
    # right: (1, 4), (2, 4); left: (0, 2), (0, 3); balanced: (0, 2), (2, 4)
    assert bracket_scores([right_branching(n)], [left_branching(n)], [n])["f1"] == 0.0
    scores = bracket_scores([balanced(n), right_branching(n)],
                            [left_branching(n), right_branching(n)], [n, n])
    assert scores == {"f1": 75.0, "exact": 50.0}  # found 1 + 2 of 2 + 2 brackets


@pytest.mark.parametrize("name", BASELINES)
@pytest.mark.parametrize("n", [1, 2, 7])
def test_every_baseline_is_a_binary_tree_over_the_words(name, n):
    children = BASELINES[name](n)
    used = [node for pair in children for node in pair]
    assert len(children) == n - 1 and sorted(used) == list(range(2 * n - 2))
    assert n == 1 or tree_spans(children, n)[-1] == (0, n)
