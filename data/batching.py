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


def clipped_lengths(sentences: list[list[int]], max_length: int) -> list[int]:
    """Lengths as pad() makes them: at most max_length, and an empty sentence is one <unk>."""
    return [min(len(s), max_length) or 1 for s in sentences]


def padded(sentences: list[list[int]], batch: np.ndarray, max_length: int, device: torch.device
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, lengths) of the batch's sentences, on the device."""
    ids, lengths = pad([sentences[i] for i in batch], max_length)
    return ids.to(device), lengths.to(device)


def padded_batches(sentences: list[list[int]], batch_size: int, max_length: int,
                   device: torch.device) -> Iterator[tuple[np.ndarray, torch.Tensor, torch.Tensor]]:
    """(indices, ids, lengths) batches of similar length, in a fixed order (for evaluation)."""
    for batch in length_batches(clipped_lengths(sentences, max_length), batch_size, None):
        yield batch, *padded(sentences, batch, max_length, device)
