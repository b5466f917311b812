"""Pretrain a WordRAE's autoencoder on unlabeled sentences, word vectors held fixed.

With fixed (unit-normalised) word vectors as the reconstruction targets there is no trivial
minimum: the code must carry the words to bring the input error down.
"""

from __future__ import annotations

import numpy as np
import torch

from data.batching import length_batches, pad
from data.token_store import SentenceIds
from models.word_rae import WordRAE
from training.distributed import SINGLE, Ranks
from training.divergence import check_finite
from training.optimizer import adam
from training.progress import progress
from training.resume import Checkpoint, TrainingLoop


def mean_token_error(model: WordRAE, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    _, error = model(ids, lengths)
    return error.sum() / lengths.sum()


def pretrain_rae(model: WordRAE, sentences: SentenceIds | list[list[int]], epochs: int,
                 batch_size: int,
                 lr: float, max_length: int, seed: int, device: torch.device,
                 checkpoint: Checkpoint | None = None, ranks: Ranks = SINGLE) -> list[float]:
    """Trains model.rae in place; -> mean reconstruction error per token, per epoch. With a
    checkpoint, a killed run picks up where it stopped; with ranks, each process trains on its
    share of every batch (training/distributed.py)."""
    model.embeddings.weight.requires_grad_(False)
    optimizer = adam(model.rae.parameters(), lr)
    rng = np.random.default_rng(seed)
    if not isinstance(sentences, SentenceIds):
        sentences = SentenceIds.from_lists(sentences)
    lengths = np.minimum(sentences.lengths(), max_length)
    tokens_of = np.maximum(lengths, 1)  # pad() gives an empty sentence one <unk>
    trained = ranks.wrap(model, device)
    loop = TrainingLoop(checkpoint or Checkpoint.in_memory(), "linear RAE", model.rae, optimizer,
                        rng)
    for epoch in loop.epochs(epochs):
        batches = list(length_batches(lengths, batch_size, rng))
        for batch in progress(loop.steps(batches), f"linear RAE epoch {epoch + 1}/{epochs}",
                              total=len(batches)):
            rows, weight = ranks.share(batch)
            ids, row_lengths = pad([sentences[i] for i in rows], max_length)
            _, error = trained(ids.to(device), row_lengths.to(device))
            tokens = int(tokens_of[batch].sum())
            loss = error.sum() * weight / tokens * ranks.world
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            value = check_finite(ranks.global_mean(loss),
                                 f"linear RAE pretraining, epoch {epoch + 1}")
            loop.record(value * tokens, tokens)
        loop.end_epoch()
    loop.finish()
    return loop.losses
