"""Binary trees with a class on every node, and their batched layout for the parse-tree RAE.

A sentence of n leaves has n - 1 internal nodes, numbered leaves first (in word order) and then
internal nodes in post-order, so a node's children always come before it and the root is last.
`children[j]` holds the two children of internal node n + j.

A batch of trees is one table of nodes: all leaves first, then the internal nodes level by level
(a node's level is one more than its higher child's), so every level can be composed at once from
rows already in the table (flat index arrays, as in DGL's Tree-LSTM example).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import torch

Leaf = TypeVar("Leaf", str, int)


@dataclass
class LabelledTree(Generic[Leaf]):
    leaves: list[Leaf]  # words as read, or their vocabulary ids, in order
    children: list[tuple[int, int]]  # per internal node, post-order: (left, right) node numbers
    node_labels: list[int]  # class of every node (leaves, then internal), -1: unlabelled


@dataclass
class TreeBatch:
    leaf_ids: torch.Tensor  # (L,) word id of each leaf, the batch's leaves in a row
    levels: list[tuple[torch.Tensor, torch.Tensor]]  # per level: table rows of the children
    counts: torch.Tensor  # (N,) words under each table row
    labels: torch.Tensor  # (N,) class of each table row, -1: unlabelled
    node_rows: list[torch.Tensor]  # per sentence: table row of each node, in node order

    @classmethod
    def build(cls, trees: list[LabelledTree[int]], device: torch.device) -> TreeBatch:
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
            pairs = torch.tensor(pairs, device=device)
            levels.append((pairs[:, 0], pairs[:, 1]))
        node_rows = []
        for s, tree in enumerate(trees):
            rows = [row[s, node] for node in range(len(tree.node_labels))]
            labels[rows] = tree.node_labels
            node_rows.append(torch.tensor(rows, device=device))
        return cls(torch.tensor([i for t in trees for i in t.leaves], device=device), levels,
                   torch.from_numpy(counts).to(device), torch.from_numpy(labels).to(device),
                   node_rows)
