"""The best binary tree of each sentence under span scores, by CKY, batched across sentences.

A sentence of n words has fenceposts 0..n; span (i, j) covers words i..j-1. A binary tree's
score is the sum of its internal nodes' span scores (single words score nothing), so

    best(i, i+1) = 0,   best(i, j) = score(i, j) + max over i < k < j of best(i, k) + best(k, j).

`best_trees` fills the chart one span length at a time, every sentence and every start at
once (n steps of a few tensor operations, where a loop over spans would take n³/6 Python
steps), then reads each tree back from the chosen splits. `reference_best_tree` is the
recursive textbook version, for tests. Trees come back as LabelledTree's `children`
(data/trees.py): words 0..n-1, then the internal nodes in post-order.
"""

from __future__ import annotations

from functools import cache

import torch


def best_trees(scores: torch.Tensor, lengths: list[int]) -> list[list[tuple[int, int]]]:
    """scores (B, N+1, N+1), [b, i, j] the score of span (i, j) of sentence b (N at least its
    length; entries outside a sentence are never read) -> each sentence's best tree."""
    scores = scores.detach().float().cpu()
    batch, fences = scores.shape[0], scores.shape[1]
    best = torch.zeros_like(scores)
    split = torch.zeros(scores.shape, dtype=torch.long)
    for length in range(2, fences):
        starts = torch.arange(fences - length)
        ends = starts + length
        middles = starts[:, None] + torch.arange(1, length)  # (starts, length - 1)
        totals = best[:, starts[:, None], middles] + best[:, middles, ends[:, None]]
        top, arg = totals.max(-1)
        best[:, starts, ends] = scores[:, starts, ends] + top
        split[:, starts, ends] = starts + 1 + arg
    chosen = split.tolist()  # one conversion for the batch; the read-back is Python
    return [tree_from_splits(n, lambda i, j, b=b: chosen[b][i][j])
            for b, n in zip(range(batch), lengths, strict=True)]


def tree_from_splits(n: int, split) -> list[tuple[int, int]]:
    """The tree of n words that splits each span (i, j) at split(i, j), as post-order
    children."""
    children: list[tuple[int, int]] = []

    def node(i: int, j: int) -> int:
        if j - i == 1:
            return i
        k = split(i, j)
        left, right = node(i, k), node(k, j)
        children.append((left, right))
        return n + len(children) - 1

    node(0, n)
    return children


def tree_spans(children: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The span (i, j) of each internal node of a tree of n words, in post-order (the root
    last)."""
    spans = [(i, i + 1) for i in range(n)]
    for left, right in children:
        spans.append((spans[left][0], spans[right][1]))
    return spans[n:]


def reference_best_tree(score, n: int) -> tuple[float, list[tuple[int, int]]]:
    """score(i, j) -> (the best tree's score, the tree), recursively, one sentence: the slow,
    obviously right version of best_trees. Ties go to the leftmost split, as there."""

    @cache
    def best(i: int, j: int) -> tuple[float, int]:
        if j - i == 1:
            return 0.0, -1
        options = [(best(i, k)[0] + best(k, j)[0], k) for k in range(i + 1, j)]
        total, k = max(options, key=lambda option: (option[0], -option[1]))
        return score(i, j) + total, k

    return best(0, n)[0], tree_from_splits(n, lambda i, j: best(i, j)[1])
