"""Padded batches of token ids. Sentences of similar length go together so little is padding."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from data.vocab import Vocabulary


def pad(sequences: list[list[int]], max_length: int | None = None
        ) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids (B, T) right-padded with PAD, lengths (B,)). Empty sequences become one UNK, so
    every sentence has a code; longer than max_length keeps the *last* max_length tokens,
    because the final code h_n is what the classifier reads."""
    clipped = [(s[-max_length:] if max_length else s) or [Vocabulary.unk_id] for s in sequences]
    lengths = torch.tensor([len(s) for s in clipped])
    ids = torch.full((len(clipped), int(lengths.max())), Vocabulary.pad_id, dtype=torch.long)
    for row, s in enumerate(clipped):
        ids[row, : len(s)] = torch.tensor(s)
    return ids, lengths


def length_batches(lengths: list[int], batch_size: int, rng: np.random.Generator | None
                   ) -> Iterator[np.ndarray]:
    """Index batches of similar-length sentences. With an rng, sentences of equal length are
    shuffled and the batch order is random; without, the order is fixed (for evaluation)."""
    lengths = np.asarray(lengths)
    noise = rng.random(len(lengths)) if rng is not None else np.arange(len(lengths))
    order = np.lexsort((noise, lengths))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    yield from batches
