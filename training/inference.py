"""Class probabilities of a sentence classifier: one with logits(ids, lengths)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from data.batching import padded_batches


@torch.no_grad()
def predict_proba(model: nn.Module, sentences: list[list[int]], max_length: int,
                  device: torch.device, batch_size: int = 512) -> np.ndarray:
    """Class probabilities (N, classes) in the order of `sentences`."""
    model.eval()
    probs = np.empty((len(sentences), model.head.out_features), dtype=np.float32)
    for batch, ids, lengths in padded_batches(sentences, batch_size, max_length, device):
        probs[batch] = F.softmax(model.logits(ids, lengths), -1).cpu().numpy()
    return probs
