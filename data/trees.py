"""Binary trees with a class on every node, and their batched layout for the parse-tree RAE.

A sentence of n leaves has n - 1 internal nodes, numbered leaves first (in word order) and then
internal nodes in post-order, so a node's children always come before it and the root is last.
`children[j]` holds the two children of internal node n + j.

A batch of trees is one table of nodes: all leaves first, then the internal nodes level by level
(a node's level is one more than its higher child's), so every level can be composed at once from
rows already in the table: a level is a (k, 2) array of its nodes' children's rows, and
`table[level]` gathers every child of the level in one product (one gather, and one scatter in
the backward pass, where a pair of left and right arrays made two of each). A tree's levels are
worked out once (LabelledTree.shape) and a batch's table by array operations over all its nodes
(TreeBatch.build), since every epoch batches the trees again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

import numpy as np
import torch

Leaf = TypeVar("Leaf", str, int)


@dataclass
class LabelledTree(Generic[Leaf]):
    leaves: list[Leaf]  # words as read, or their vocabulary ids, in order
    children: list[tuple[int, int]]  # per internal node, post-order: (left, right) node numbers
    node_labels: list[int]  # class of every node (leaves, then internal), -1: unlabelled

    def encoded(self, vocab) -> LabelledTree[int]:
        """The same tree over the words' ids in `vocab` (a data.vocab.Vocabulary)."""
        return LabelledTree(vocab.encode(self.leaves), self.children, self.node_labels)

    @cached_property
    def shape(self) -> TreeShape:
        """Its internal nodes' levels and every node's word count, worked out once: a tree
        is batched again every epoch."""
        n, m = len(self.leaves), len(self.children)
        level, words = np.zeros(n + m, dtype=np.int64), np.ones(n + m, dtype=np.int64)
        for j, (left, right) in enumerate(self.children):
            level[n + j] = max(level[left], level[right]) + 1
            words[n + j] = words[left] + words[right]
        return TreeShape(np.asarray(self.children, dtype=np.int64).reshape(m, 2), level[n:],
                         words)


@dataclass(frozen=True)
class TreeShape:
    children: np.ndarray  # (m, 2) node numbers of each internal node's children
    levels: np.ndarray  # (m,) each internal node's level, from 1
    words: np.ndarray  # (n + m,) words under each node


@dataclass
class TreeBatch:
    leaf_ids: torch.Tensor  # (L,) word id of each leaf, the batch's leaves in a row
    levels: list[torch.Tensor]  # per level (k, 2): table rows of its nodes' left, right child
    counts: torch.Tensor  # (N,) words under each table row
    labels: torch.Tensor  # (N,) class of each table row, -1: unlabelled
    node_rows: list[torch.Tensor]  # per sentence: table row of each node, in node order

    def internal_children(self) -> torch.Tensor:
        """(M, 2) the table rows of the children of every internal row, in table order (no
        rows when every tree is one word)."""
        return torch.cat([self.leaf_ids.new_zeros(0, 2), *self.levels])

    @classmethod
    def build(cls, trees: list[LabelledTree[int]], device: torch.device) -> TreeBatch:
        """The table of the trees, by array operations over all their nodes at once (each
        tree's shape is worked out once, then reused); build_reference does it node by node."""
        shapes = [tree.shape for tree in trees]
        n = np.array([len(tree.leaves) for tree in trees])
        sizes = 2 * n - 1
        # every node of every tree, in node order: its sentence, and whether it is a leaf
        sentence = np.repeat(np.arange(len(trees)), sizes)
        local = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        leaf = local < n[sentence]
        # internal nodes level by level; within a level, by sentence and post-order (stable)
        levels = np.concatenate([shape.levels for shape in shapes])
        order = np.argsort(levels, kind="stable")
        rows = np.empty(len(local), dtype=np.int64)  # each node's table row, in node order
        rows[leaf] = np.arange(n.sum())
        internal = np.empty(len(order), dtype=np.int64)
        internal[order] = n.sum() + np.arange(len(order))
        rows[~leaf] = internal
        node_start = (np.cumsum(sizes) - sizes)[sentence[~leaf]]
        children = np.concatenate([shape.children for shape in shapes])
        pairs = rows[node_start[:, None] + children][order]  # (internal nodes, 2), by level
        ends = np.searchsorted(levels[order], np.arange(1, levels.max(initial=0) + 1), "right")
        pairs = torch.from_numpy(pairs).to(device)
        counts, labels = np.empty(len(rows), dtype=np.float32), np.empty(len(rows), np.int64)
        counts[rows] = np.concatenate([shape.words for shape in shapes])
        labels[rows] = np.concatenate([tree.node_labels for tree in trees])
        return cls(torch.tensor([i for t in trees for i in t.leaves], device=device),
                   [pairs[a:b] for a, b in zip(np.r_[0, ends][:-1], ends, strict=True)],
                   torch.from_numpy(counts).to(device), torch.from_numpy(labels).to(device),
                   list(torch.from_numpy(rows).to(device).split(sizes.tolist())))

    @classmethod
    def build_reference(cls, trees: list[LabelledTree[int]], device: torch.device) -> TreeBatch:
        """build, node by node in Python: the short, obviously right version, for tests."""
        row, by_level = {}, []  # (sentence, node) -> table row; internal nodes per level
        for s, tree in enumerate(trees):
            n = len(tree.leaves)
            row.update({(s, i): len(row) + i for i in range(n)})
            level = [0] * n
            for j, (left, right) in enumerate(tree.children):
                level.append(max(level[left], level[right]) + 1)
                if len(by_level) < level[-1]:
                    by_level.append([])
                by_level[level[-1] - 1].append((s, n + j))
        for nodes in by_level:
            row.update({key: len(row) + k for k, key in enumerate(nodes)})
        counts = np.ones(len(row), dtype=np.float32)
        labels = np.full(len(row), -1, dtype=np.int64)
        levels = []
        for nodes in by_level:
            pairs = []
            for s, node in nodes:
                left, right = trees[s].children[node - len(trees[s].leaves)]
                pairs.append((row[s, left], row[s, right]))
                counts[row[s, node]] = counts[row[s, left]] + counts[row[s, right]]
            levels.append(torch.tensor(pairs, device=device))
        node_rows = []
        for s, tree in enumerate(trees):
            rows = [row[s, node] for node in range(len(tree.node_labels))]
            labels[rows] = tree.node_labels
            node_rows.append(torch.tensor(rows, device=device))
        return cls(torch.tensor([i for t in trees for i in t.leaves], device=device), levels,
                   torch.from_numpy(counts).to(device), torch.from_numpy(labels).to(device),
                   node_rows)
