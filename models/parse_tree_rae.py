"""The RAE along given parse trees (SST): BinaryTreeRAE's composition, reconstruction and node
softmax, applied to a tree that is known instead of searched for.

`forward` composes a TreeBatch (data/trees.py) level by level, each level one batched
composition of rows already in the table; `reference_nodes` composes one tree recursively, for
tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from data.trees import LabelledTree, TreeBatch
from models.binary_tree_rae import BinaryTreeRAE


@dataclass
class TreeNodes:
    table: torch.Tensor  # (N, d) every node's vector, in table order
    reconstruction: torch.Tensor  # (N - L,) weighted reconstruction error of each internal row


class ParseTreeRAE(BinaryTreeRAE):
    def forward(self, batch: TreeBatch) -> TreeNodes:
        table = self.leaves(batch.leaf_ids)
        for level in batch.levels:
            table = torch.cat([table, self.parent_of(table[level].flatten(1))])
        # No parent reads an error, so the errors of all levels are one batched product
        # after the last level: a level's step is a few small kernels, and their count is
        # what bounds the speed.
        pairs = batch.internal_children()
        children, counts = table[pairs], batch.counts[pairs]
        return TreeNodes(table, self.reconstruction_error(
            children[:, 0], children[:, 1], counts[:, 0], counts[:, 1],
            table[len(batch.leaf_ids):]))


def reference_nodes(model: BinaryTreeRAE, tree: LabelledTree[int]
                    ) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """One tree, recursively from the root: -> (vector of every node in node order,
    reconstruction error of every internal node in post-order)."""
    n = len(tree.leaves)
    vectors: dict[int, torch.Tensor] = {}
    words: dict[int, int] = {}
    errors: dict[int, torch.Tensor] = {}

    def compose(node: int) -> torch.Tensor:
        if node < n:
            vectors[node], words[node] = F.normalize(model.embeddings.weight[tree.leaves[node]],
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
