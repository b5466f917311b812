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


def word_vectors(vocab_size: int, dim: int) -> nn.Embedding:
    """A phrase model's word vectors, random, with sparse gradients: a batch holds a few
    hundred of the vocabulary's words, and AdaGrad then steps their rows only. With a dense
    gradient, stepping the whole table was most of a training step's time."""
    embeddings = nn.Embedding(vocab_size, dim, padding_idx=0, sparse=True)
    with torch.no_grad():
        embeddings.weight.uniform_(-RANDOM_WORDS, RANDOM_WORDS)
    return embeddings


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
        self.embeddings = word_vectors(config.vocab_size, d)
        self.compose = nn.Linear(2 * d, d)  # W, b
        self.tensor = nn.Parameter(torch.empty(2 * d, 2 * d, d))  # V
        self.node_classifier = nn.Linear(d, config.classes)  # softmax at every node
        with torch.no_grad():
            bound = 1 / (2 * math.sqrt(d))
            self.compose.weight.uniform_(-bound, bound)
            self.compose.weight += torch.eye(d).repeat(1, 2)
            self.compose.bias.zero_()
            self.tensor.uniform_(-1 / (4 * d), 1 / (4 * d))

    def parent(self, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        """(..., d) children -> (..., d) parents."""
        return self.parent_of(torch.cat([left, right], -1))

    def parent_of(self, c: torch.Tensor) -> torch.Tensor:
        """(..., 2d) children, [left; right] -> (..., d) parents."""
        d = self.config.dim
        # cᵀ V[k] c for every k at once: c (.., 2d) x V (2d, 2d·d) -> (.., 2d, d), then · c
        quadratic = (c @ self.tensor.view(2 * d, 2 * d * d)).view(*c.shape, d)
        return torch.tanh((quadratic * c.unsqueeze(-1)).sum(-2) + self.compose(c))

    def forward(self, batch: TreeBatch) -> TreeNodes:
        table = self.embeddings(batch.leaf_ids)
        for level in batch.levels:
            table = torch.cat([table, self.parent_of(table[level].flatten(1))])
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
