"""Skip-gram with negative sampling (Mikolov et al. 2013): word vectors from unlabeled text."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SkipGram(nn.Module):
    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        self.center = nn.Embedding(vocab_size, dim)  # the vectors kept afterwards
        self.context = nn.Embedding(vocab_size, dim)
        nn.init.uniform_(self.center.weight, -0.5 / dim, 0.5 / dim)
        nn.init.zeros_(self.context.weight)  # word2vec's initialisation

    def forward(self, centers: torch.Tensor, contexts: torch.Tensor, negatives: torch.Tensor
                ) -> torch.Tensor:
        """centers (B,), contexts (B,), negatives (B, k) -> mean negative-sampling loss."""
        c = self.center(centers)  # (B, d)
        positive = (c * self.context(contexts)).sum(-1)  # (B,)
        negative = torch.einsum("bd,bkd->bk", c, self.context(negatives))  # (B, k)
        return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(-1)).mean()
