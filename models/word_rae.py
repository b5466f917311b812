"""A linear RAE reading token ids: word vectors, unit-normalised, then the RAE.

Normalising the inputs matters once the word vectors are trained by the reconstruction loss:
otherwise shrinking every vector toward zero would drive the error to zero without learning
anything (the degenerate minimum). On the unit sphere the inputs cannot shrink.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from models.linear_rae import LinearRAE, LinearRAEConfig


class WordRAE(nn.Module):
    def __init__(self, vocab_size: int, embedding_dim: int, hidden: int):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.rae = LinearRAE(LinearRAEConfig(embedding_dim, hidden))

    def inputs(self, ids: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.embeddings(ids), dim=-1)  # (B, T, d)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (B, T), lengths (B,) -> (codes (B, h), per-sentence reconstruction error (B,))."""
        return self.rae(self.inputs(ids), lengths)

    def nearest_words(self, vectors: torch.Tensor) -> torch.Tensor:
        """Id of the word whose normalised vector is closest (cosine) to each vector (..., d)."""
        table = F.normalize(self.embeddings.weight[1:], dim=-1)  # never answer <pad>
        return (F.normalize(vectors, dim=-1) @ table.T).argmax(-1) + 1
