"""Softmax heads on RAE codes: h_n of the linear RAE, [root; mean] of the greedy trees."""

from __future__ import annotations

import torch
from torch import nn

from models.greedy_rae import GreedyRAE, GreedyTrees
from models.word_rae import WordRAE


class RAEClassifier(nn.Module):
    def __init__(self, encoder: WordRAE, classes: int = 2, dropout: float = 0.0):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.rae.config.hidden, classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """-> (logits (B, classes), per-sentence reconstruction error (B,))."""
        codes, error = self.encoder(ids, lengths)
        return self.head(self.dropout(codes)), error


class GreedyRAEClassifier(nn.Module):
    """A softmax head on [root; mean of all nodes] of a GreedyRAE's trees (as the released
    code of Socher et al. 2011 does)."""

    def __init__(self, rae: GreedyRAE, classes: int = 2):
        super().__init__()
        self.rae = rae
        self.head = nn.Linear(2 * rae.config.dim, classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, GreedyTrees]:
        """-> (logits (B, classes), the trees)."""
        trees = self.rae(ids, lengths)
        return self.head(torch.cat([trees.top, trees.mean], -1)), trees
