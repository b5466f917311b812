"""How close parsed trees come to SST's: unlabeled bracket F1 and exact match, and the trees
of the simple baselines every parser is read against.

The brackets scored are the internal spans other than the whole sentence (single words and
the root are in every tree). Binary trees over the same words have equally many brackets, so
precision, recall and F1 are one number; it is summed over the sentences (evalb's way), not
averaged per sentence.
"""

from __future__ import annotations

from models.chart import tree_from_splits, tree_spans

Children = list[tuple[int, int]]


def brackets(children: Children, n: int) -> set[tuple[int, int]]:
    return set(tree_spans(children, n)[:-1])  # the root, last, is every tree's


def bracket_scores(predicted: list[Children], gold: list[Children], lengths: list[int]
                   ) -> dict[str, float]:
    """-> {"f1": % of gold brackets found (= of those predicted), "exact": % of trees equal
    to the gold ones}."""
    found = total = exact = 0
    for tree, gold_tree, n in zip(predicted, gold, lengths, strict=True):
        ours, theirs = brackets(tree, n), brackets(gold_tree, n)
        found, total, exact = found + len(ours & theirs), total + len(theirs), exact + (
            ours == theirs)
    return {"f1": 100 * found / max(total, 1), "exact": 100 * exact / max(len(gold), 1)}


def right_branching(n: int) -> Children:
    """(w1 (w2 (... wn))): English's usual direction of attachment."""
    return tree_from_splits(n, lambda i, j: i + 1)


def left_branching(n: int) -> Children:
    return tree_from_splits(n, lambda i, j: j - 1)


def balanced(n: int) -> Children:
    """Each span split in the middle (the left half the shorter one when odd)."""
    return tree_from_splits(n, lambda i, j: (i + j) // 2)


BASELINES = {"right-branching": right_branching, "left-branching": left_branching,
             "balanced": balanced}
