"""How much of a sentence comes back when its final code is unrolled.

Each sentence is encoded to h_n and decoded back step by step (LinearRAE.unroll); the word
recovered at each step is the vocabulary word nearest (cosine) to the decoded vector. Recovery
at position p counts, over sentences with at least p words, how often the p-th word from the
end comes back exactly (p = 1 is the last word).
"""

from __future__ import annotations

import numpy as np
import torch

from data.batching import pad
from models.word_rae import WordRAE


@torch.no_grad()
def recovery_by_position(encoder: WordRAE, sentences: list[list[int]], positions: int,
                         device: torch.device, batch_size: int = 512) -> dict:
    """-> {"positions": [1..P], "recovered": [rate per position], "counted": [sentences]}."""
    encoder.eval()
    hits, counted = np.zeros(positions), np.zeros(positions)
    for start in range(0, len(sentences), batch_size):
        ids, lengths = pad(sentences[start : start + batch_size])
        ids, lengths = ids.to(device), lengths.to(device)
        codes, _ = encoder(ids, lengths)
        decoded = encoder.nearest_words(encoder.rae.unroll(codes, positions))  # (B, P)
        for p in range(1, positions + 1):
            present = lengths >= p
            target = ids.gather(1, (lengths - p).clamp(min=0)[:, None]).squeeze(1)
            hits[p - 1] += ((decoded[:, positions - p] == target) & present).sum().item()
            counted[p - 1] += present.sum().item()
    rates = np.divide(hits, counted, out=np.zeros(positions), where=counted > 0)
    return {"positions": list(range(1, positions + 1)), "recovered": rates.tolist(),
            "counted": counted.astype(int).tolist()}
