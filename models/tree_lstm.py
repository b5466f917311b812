"""The binary constituency Tree-LSTM (Tai et al. 2015) along given parse trees, with a softmax
at every node (words included).

A word is a leaf: its memory and state come from the word vector alone,
    i, o, u = σ(W_i x), σ(W_o x), tanh(W_u x),  c = i ⊙ u,  h = o ⊙ tanh(c);
a phrase reads no word, only its two children's states, with a forget gate for each child:
    i, f_l, f_r, o, u from U [h_l; h_r] + b,  c = i ⊙ u + f_l ⊙ c_l + f_r ⊙ c_r,  h = o ⊙ tanh(c).
The softmax reads h through dropout. `forward` composes a TreeBatch (data/trees.py) level by
level; `reference_nodes` composes one tree recursively, for tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from data.trees import LabelledTree, TreeBatch
from models.parse_tree_rae import TreeNodes
from models.rntn import word_vectors


@dataclass
class TreeLSTMConfig:
    vocab_size: int
    dim: int  # word vector size
    memory: int = 150  # size of c and h (the paper's 150)
    classes: int = 2


class TreeLSTM(nn.Module):
    def __init__(self, config: TreeLSTMConfig):
        super().__init__()
        m = config.memory
        self.config = config
        self.embeddings = word_vectors(config.vocab_size, config.dim)
        self.leaf_gates = nn.Linear(config.dim, 3 * m)  # i, o, u of a word
        self.node_gates = nn.Linear(2 * m, 5 * m)  # i, f_l, f_r, o, u of a phrase
        self.node_classifier = nn.Linear(m, config.classes)

    def leaf(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(..., dim) word vectors -> (c, h), each (..., memory)."""
        gates = self.leaf_gates(words)
        m = self.config.memory
        i, o = torch.sigmoid(gates[..., : 2 * m]).chunk(2, -1)
        c = i * torch.tanh(gates[..., 2 * m :])
        return c, o * torch.tanh(c)

    def node(self, left: tuple[torch.Tensor, torch.Tensor], right: tuple[torch.Tensor, torch.Tensor]
             ) -> tuple[torch.Tensor, torch.Tensor]:
        """The children's (c, h) -> the parent's (c, h), each (..., memory)."""
        (c_left, h_left), (c_right, h_right) = left, right
        return self.node_of(torch.stack([c_left, c_right], -2), torch.cat([h_left, h_right], -1))

    def node_of(self, c_children: torch.Tensor, h_children: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """(..., 2, memory) the children's c, (..., 2 memory) their h, [left; right] -> the
        parent's (c, h)."""
        gates = self.node_gates(h_children)
        m = self.config.memory
        # one sigmoid for the four gates: a level's step is a few small kernels, and their
        # count is what bounds the speed
        i, f_left, f_right, o = torch.sigmoid(gates[..., : 4 * m]).chunk(4, -1)
        c = (i * torch.tanh(gates[..., 4 * m :]) + f_left * c_children[..., 0, :]
             + f_right * c_children[..., 1, :])
        return c, o * torch.tanh(c)

    def forward(self, batch: TreeBatch) -> TreeNodes:
        """-> every node's state h in the table (N, memory); no reconstruction."""
        m = self.config.memory
        table = torch.cat(self.leaf(self.embeddings(batch.leaf_ids)), -1)  # rows: [c; h]
        for level in batch.levels:
            children = table[level]  # (k, 2, [c; h])
            parent = self.node_of(children[..., :m], children[..., m:].flatten(-2))
            table = torch.cat([table, torch.cat(parent, -1)])
        return TreeNodes(table[:, m:], table.new_zeros(0))

    def penalties(self) -> dict[str, list[nn.Parameter]]:
        """The weights each L2 weight of the config applies to (no biases; the word vectors'
        own weight applies to a batch's words, training/parse_tree.py)."""
        return {"compose": [self.leaf_gates.weight, self.node_gates.weight],
                "classifier": [self.node_classifier.weight]}


def reference_nodes(model: TreeLSTM, tree: LabelledTree[int]) -> list[torch.Tensor]:
    """One tree, recursively from the root: every node's state h in node order."""
    n = len(tree.leaves)
    states: dict[int, torch.Tensor] = {}

    def compose(node: int) -> tuple[torch.Tensor, torch.Tensor]:
        if node < n:
            c, h = model.leaf(model.embeddings.weight[tree.leaves[node]])
        else:
            left, right = tree.children[node - n]
            c, h = model.node(compose(left), compose(right))
        states[node] = h
        return c, h

    compose(n + len(tree.children) - 1 if tree.children else 0)
    return [states[i] for i in range(len(states))]
