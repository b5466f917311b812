"""Softmax heads on RAE codes: h_n of the linear RAE, [root; mean] of the greedy trees."""

from __future__ import annotations

import torch
from torch import nn

from models.greedy_rae import GreedyRAE, GreedyTrees
from models.word_rae import WordRAE


class LinearRAEClassifier(nn.Module):
    """A softmax head on the linear RAE's final code h_n, or with mean_states on [h_n; mean of
    h_1..h_n] (the greedy RAE's [root; mean of nodes], for a left-to-right RAE)."""

    def __init__(self, encoder: WordRAE, classes: int = 2, dropout: float = 0.0,
                 mean_states: bool = False):
        super().__init__()
        self.encoder = encoder
        self.mean_states = mean_states
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.rae.config.hidden * (2 if mean_states else 1), classes)

    def _encode(self, ids: torch.Tensor, lengths: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """-> (word vectors, states h_1..h_n, what the head reads (B, h or 2h))."""
        x = self.encoder.inputs(ids)
        states, codes = self.encoder.rae.encode(x, lengths)
        if not self.mean_states:
            return x, states, codes
        steps = torch.arange(ids.shape[1], device=ids.device)[None, :, None]
        mean = (states * (steps < lengths[:, None, None])).sum(1) / lengths[:, None]
        return x, states, torch.cat([codes, mean], -1)

    def features(self, ids: torch.Tensor, lengths: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor]:
        """-> (what the head reads (B, h or 2h), per-sentence reconstruction error (B,))."""
        x, states, read = self._encode(ids, lengths)
        return read, self.encoder.rae.reconstruction_error(x, states, lengths)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """-> (logits (B, classes), per-sentence reconstruction error (B,))."""
        features, error = self.features(ids, lengths)
        return self.head(self.dropout(features)), error

    def logits(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """What prediction needs: the logits, without reconstructing anything."""
        return self.head(self.dropout(self._encode(ids, lengths)[2]))


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

    def infer(self, ids: torch.Tensor, lengths: torch.Tensor
              ) -> tuple[torch.Tensor, GreedyTrees]:
        """forward for prediction: the same, without gradients or a second composition."""
        trees = self.rae.infer(ids, lengths)
        return self.head(torch.cat([trees.top, trees.mean], -1)), trees

    def logits(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.infer(ids, lengths)[0]
