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
from models.rntn import RANDOM_WORDS


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
        self.embeddings = nn.Embedding(config.vocab_size, config.dim, padding_idx=0)
        self.leaf_gates = nn.Linear(config.dim, 3 * m)  # i, o, u of a word
        self.node_gates = nn.Linear(2 * m, 5 * m)  # i, f_l, f_r, o, u of a phrase
        self.node_classifier = nn.Linear(m, config.classes)
        with torch.no_grad():
            self.embeddings.weight.uniform_(-RANDOM_WORDS, RANDOM_WORDS)

    def leaf(self, words: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(..., dim) word vectors -> (c, h), each (..., memory)."""
        i, o, u = self.leaf_gates(words).chunk(3, -1)
        c = torch.sigmoid(i) * torch.tanh(u)
        return c, torch.sigmoid(o) * torch.tanh(c)

    def node(self, left: tuple[torch.Tensor, torch.Tensor], right: tuple[torch.Tensor, torch.Tensor]
             ) -> tuple[torch.Tensor, torch.Tensor]:
        """The children's (c, h) -> the parent's (c, h), each (..., memory)."""
        (c_left, h_left), (c_right, h_right) = left, right
        i, f_left, f_right, o, u = self.node_gates(torch.cat([h_left, h_right], -1)).chunk(5, -1)
        c = (torch.sigmoid(i) * torch.tanh(u) + torch.sigmoid(f_left) * c_left
             + torch.sigmoid(f_right) * c_right)
        return c, torch.sigmoid(o) * torch.tanh(c)

    def forward(self, batch: TreeBatch) -> TreeNodes:
        """-> every node's state h in the table (N, memory); no reconstruction."""
        memory, states = self.leaf(self.embeddings(batch.leaf_ids))
        for left, right in batch.levels:
            c, h = self.node((memory[left], states[left]), (memory[right], states[right]))
            memory, states = torch.cat([memory, c]), torch.cat([states, h])
        return TreeNodes(states, states.new_zeros(0))

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
