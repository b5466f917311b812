"""The RAE along given parse trees (SST): the greedy RAE's composition, normalisation,
reconstruction and node softmax, applied to a tree that is known instead of searched for.

A batch of trees is one table of node vectors: all leaves first, then the internal nodes
level by level (a node's level is one more than its higher child's), so every level is one
batched composition of children already in the table (flat index arrays, as in DGL's
Tree-LSTM example). `reference_nodes` composes one tree recursively, for tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from models.greedy_rae import GreedyRAE


@dataclass
class SentenceTree:
    ids: list[int]  # word ids, in order
    children: list[tuple[int, int]]  # per internal node, post-order (see data/sst.py)
    node_labels: list[int]  # class of every node (leaves, then internal), -1: unlabeled


@dataclass
class TreeBatch:
    leaf_ids: torch.Tensor  # (L,) word id of each leaf, the batch's leaves in a row
    levels: list[tuple[torch.Tensor, torch.Tensor]]  # per level: table rows of the children
    counts: torch.Tensor  # (N,) words under each table row
    labels: torch.Tensor  # (N,) class of each table row, -1: unlabeled
    node_rows: list[torch.Tensor]  # per sentence: table row of each node, in node order
    roots: torch.Tensor  # (B,) table row of each root

    @classmethod
    def build(cls, trees: list[SentenceTree], device: torch.device) -> TreeBatch:
        row, by_level = {}, []  # (sentence, node) -> table row; internal nodes per level
        for s, tree in enumerate(trees):
            n = len(tree.ids)
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
                left, right = trees[s].children[node - len(trees[s].ids)]
                pairs.append((row[s, left], row[s, right]))
                counts[row[s, node]] = counts[row[s, left]] + counts[row[s, right]]
            pairs = torch.tensor(pairs, device=device)
            levels.append((pairs[:, 0], pairs[:, 1]))
        node_rows = []
        for s, tree in enumerate(trees):
            rows = [row[s, node] for node in range(len(tree.node_labels))]
            labels[rows] = tree.node_labels
            node_rows.append(torch.tensor(rows, device=device))
        return cls(torch.tensor([i for t in trees for i in t.ids], device=device), levels,
                   torch.from_numpy(counts).to(device), torch.from_numpy(labels).to(device),
                   node_rows, torch.stack([rows[-1] for rows in node_rows]))


@dataclass
class TreeNodes:
    table: torch.Tensor  # (N, d) every node's vector, in table order
    reconstruction: torch.Tensor  # (N - L,) weighted reconstruction error of each internal row


def encode_trees(model: GreedyRAE, batch: TreeBatch) -> TreeNodes:
    table = F.normalize(model.embeddings(batch.leaf_ids), dim=-1)
    errors = [table.new_zeros(0)]
    for left, right in batch.levels:
        left_vectors, right_vectors = table[left], table[right]
        parents = model.parent(left_vectors, right_vectors)
        errors.append(model.reconstruction_error(left_vectors, right_vectors,
                                                 batch.counts[left], batch.counts[right], parents))
        table = torch.cat([table, parents])
    return TreeNodes(table, torch.cat(errors))


def reference_nodes(model: GreedyRAE, tree: SentenceTree
                    ) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """One tree, recursively from the root: -> (vector of every node in node order,
    reconstruction error of every internal node in post-order)."""
    n = len(tree.ids)
    vectors: dict[int, torch.Tensor] = {}
    words: dict[int, int] = {}
    errors: dict[int, torch.Tensor] = {}

    def compose(node: int) -> torch.Tensor:
        if node < n:
            vectors[node], words[node] = F.normalize(model.embeddings.weight[tree.ids[node]],
                                                     dim=-1), 1
            return vectors[node]
        left, right = tree.children[node - n]
        left_vector, right_vector = compose(left), compose(right)
        parent = model.parent(left_vector, right_vector)
        errors[node] = model.reconstruction_error(
            left_vector, right_vector, parent.new_tensor(float(words[left])),
            parent.new_tensor(float(words[right])), parent)
        vectors[node], words[node] = parent, words[left] + words[right]
        return parent

    compose(n + len(tree.children) - 1 if tree.children else 0)
    return ([vectors[i] for i in range(len(vectors))],
            [errors[i] for i in range(n, n + len(tree.children))])
