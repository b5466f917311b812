"""The Recursive Neural Tensor Network (Socher et al. 2013) along given parse trees: one
composition for every pair of children, a tensor V giving each pair a quadratic term, and a
softmax at every node (words included).

    c = [a; b]                                   (2d,)
    p = tanh(cᵀ V[1:d] c + W c + b)              V: (2d, 2d, d), W: (d, 2d)

`forward` composes a TreeBatch (data/trees.py) level by level, every level's pairs in one
batched product; `reference_nodes` composes one tree recursively, for tests. The start follows
CoreNLP's trainer (SentimentModel): each d x d block of W is uniform in ±1/(2√d) plus the
identity, so a parent begins close to the mean of its children, and V is uniform in ±1/(4d).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from data.trees import LabelledTree, TreeBatch
from models.parse_tree_rae import TreeNodes

# Word vectors start uniform in ±RANDOM_WORDS (the "random" start; the pretrained one
# overwrites them).
RANDOM_WORDS = 0.1


@dataclass
class RNTNConfig:
    vocab_size: int
    dim: int  # word and node vector size d (the paper: 25-35)
    classes: int = 2


class RNTN(nn.Module):
    def __init__(self, config: RNTNConfig):
        super().__init__()
        d = config.dim
        self.config = config
        self.embeddings = nn.Embedding(config.vocab_size, d, padding_idx=0)
        self.compose = nn.Linear(2 * d, d)  # W, b
        self.tensor = nn.Parameter(torch.empty(2 * d, 2 * d, d))  # V
        self.node_classifier = nn.Linear(d, config.classes)  # softmax at every node
        with torch.no_grad():
            self.embeddings.weight.uniform_(-RANDOM_WORDS, RANDOM_WORDS)
            bound = 1 / (2 * math.sqrt(d))
            self.compose.weight.uniform_(-bound, bound)
            self.compose.weight += torch.eye(d).repeat(1, 2)
            self.compose.bias.zero_()
            self.tensor.uniform_(-1 / (4 * d), 1 / (4 * d))

    def parent(self, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        """(..., d) children -> (..., d) parents."""
        c = torch.cat([left, right], -1)  # (..., 2d)
        d = self.config.dim
        # cᵀ V[k] c for every k at once: c (.., 2d) x V (2d, 2d·d) -> (.., 2d, d), then · c
        quadratic = (c @ self.tensor.view(2 * d, 2 * d * d)).view(*c.shape, d)
        return torch.tanh((quadratic * c.unsqueeze(-1)).sum(-2) + self.compose(c))

    def forward(self, batch: TreeBatch) -> TreeNodes:
        table = self.embeddings(batch.leaf_ids)
        for left, right in batch.levels:
            table = torch.cat([table, self.parent(table[left], table[right])])
        return TreeNodes(table, table.new_zeros(0))  # no reconstruction

    def penalties(self) -> dict[str, list[nn.Parameter]]:
        """The weights each L2 weight of the config applies to (no biases; the word vectors'
        own weight applies to a batch's words, training/parse_tree.py)."""
        return {"compose": [self.compose.weight, self.tensor],
                "classifier": [self.node_classifier.weight]}


def reference_nodes(model: RNTN, tree: LabelledTree[int]) -> list[torch.Tensor]:
    """One tree, recursively from the root, each product written out: every node's vector in
    node order."""
    n, d = len(tree.leaves), model.config.dim
    vectors: dict[int, torch.Tensor] = {}

    def compose(node: int) -> torch.Tensor:
        if node < n:
            vectors[node] = model.embeddings.weight[tree.leaves[node]]
            return vectors[node]
        left, right = tree.children[node - n]
        c = torch.cat([compose(left), compose(right)])
        quadratic = torch.stack([c @ model.tensor[:, :, k] @ c for k in range(d)])
        vectors[node] = torch.tanh(quadratic + model.compose.weight @ c + model.compose.bias)
        return vectors[node]

    compose(n + len(tree.children) - 1 if tree.children else 0)
    return [vectors[i] for i in range(len(vectors))]
