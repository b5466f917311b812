"""A softmax head on the final code h_n of a WordRAE."""

from __future__ import annotations

import torch
from torch import nn

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
