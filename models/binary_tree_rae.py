"""What the greedy RAE and the parse-tree RAE share (Socher et al. 2011): word vectors, the
composition of two children into a normalised parent, its weighted reconstruction, and a
softmax at every node. The subclasses differ in where the tree comes from.

    p = tanh(W [c1; c2] + b),  p <- p / ||p||              (normalising stops p shrinking)
    [c1'; c2'] = W_r p + b_r
    E_rec = n1/(n1+n2) ||c1 - c1'||² + n2/(n1+n2) ||c2 - c2'||²   (n = words under a child)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class TreeRAEConfig:
    vocab_size: int
    dim: int  # word and node vector size d
    classes: int = 2
    # Unit-normalise word vectors before composing (True), or use them raw as the released
    # code does (parents are normalised either way).
    normalise_leaves: bool = True


class BinaryTreeRAE(nn.Module):
    def __init__(self, config: TreeRAEConfig):
        super().__init__()
        d = config.dim
        self.config = config
        self.embeddings = nn.Embedding(config.vocab_size, d, padding_idx=0)
        self.compose = nn.Linear(2 * d, d)  # W, b
        self.reconstruct = nn.Linear(d, 2 * d)  # W_r, b_r
        self.node_classifier = nn.Linear(d, config.classes)  # softmax at every node

    def leaves(self, ids: torch.Tensor) -> torch.Tensor:
        """Word ids (...) -> word vectors (..., d), unit-normalised unless configured raw."""
        vectors = self.embeddings(ids)
        return F.normalize(vectors, dim=-1) if self.config.normalise_leaves else vectors

    def parent(self, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        return self.parent_of(torch.cat([left, right], -1))

    def parent_of(self, children: torch.Tensor) -> torch.Tensor:
        """(..., 2d) children, [left; right] -> (..., d) parents."""
        return F.normalize(torch.tanh(self.compose(children)), dim=-1)

    def reconstruction_error(self, left, right, left_count, right_count, parent):
        """Error of rebuilding the children from `parent`, weighted by the words under each."""
        rebuilt_left, rebuilt_right = self.reconstruct(parent).chunk(2, dim=-1)
        total = left_count + right_count
        return (left_count / total * (left - rebuilt_left).pow(2).sum(-1)
                + right_count / total * (right - rebuilt_right).pow(2).sum(-1))
