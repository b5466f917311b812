"""Train skip-gram word vectors on tokenised sentences (word2vec's recipe, batched in torch).

The corpus is read a chunk of whole sentences at a time, each chunk's pairs shuffled within it,
so memory stays flat however large the corpus; a corpus of one chunk (movie_reviews is) gets
exactly the pairs of a whole-corpus shuffle.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from data.token_store import SentenceIds
from models.skipgram import SkipGram
from training.distributed import SINGLE, Ranks
from training.divergence import check_finite
from training.optimizer import adam
from training.progress import progress
from training.resume import Checkpoint, TrainingLoop

CHUNK_TOKENS = 2_000_000  # ids whose pairs are made and shuffled together (about 250 MB)


def training_pairs(ids: np.ndarray, lengths: np.ndarray, counts: np.ndarray, window: int,
                   subsample: float, rng: np.random.Generator) -> np.ndarray:
    """(center, context) id pairs of the sentences whose ids are concatenated in `ids`, shape
    (P, 2), shuffled. Frequent words are dropped with word2vec's probability, and a context at
    distance o is kept with probability (window - o + 1) / window, which is word2vec's randomly
    shrunk window in expectation."""
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    frequency = counts / counts.sum()
    with np.errstate(divide="ignore"):
        keep_probability = np.minimum(1.0, np.sqrt(subsample / frequency) + subsample / frequency)
    kept = rng.random(len(ids)) < keep_probability[ids]
    ids, sentence_of = ids[kept], sentence_of[kept]
    pairs = []
    for offset in range(1, window + 1):
        near = (sentence_of[:-offset] == sentence_of[offset:])
        near &= rng.random(len(near)) < (window - offset + 1) / window
        left, right = ids[:-offset][near], ids[offset:][near]
        pairs += [np.stack([left, right], 1), np.stack([right, left], 1)]
    pairs = np.concatenate(pairs)
    return pairs[rng.permutation(len(pairs))]


def token_counts(sentences: SentenceIds, vocab_size: int,
                 chunk_tokens: int = CHUNK_TOKENS) -> np.ndarray:
    """How often each id occurs (float64, for word2vec's frequencies), a chunk at a time."""
    return sum((np.bincount(ids, minlength=vocab_size)
                for ids, _ in sentences.chunks(chunk_tokens)), np.zeros(vocab_size))


def epoch_batches(sentences: SentenceIds, counts: np.ndarray, window: int, subsample: float,
                  batch_size: int, rng: np.random.Generator, chunk_tokens: int = CHUNK_TOKENS
                  ) -> Iterator[torch.Tensor]:
    """One epoch's batches of (center, context) pairs, made a chunk at a time."""
    for ids, lengths in sentences.chunks(chunk_tokens):
        pairs = torch.from_numpy(training_pairs(ids, lengths, counts, window, subsample, rng))
        if len(pairs):  # a chunk of one-word sentences has none, and an empty batch is no step
            yield from pairs.split(batch_size)


def train_skipgram(sentences: SentenceIds | list[list[int]], vocab_size: int, dim: int,
                   window: int,
                   negatives: int, subsample: float, epochs: int, batch_size: int, lr: float,
                   seed: int, device: torch.device, checkpoint: Checkpoint | None = None,
                   ranks: Ranks = SINGLE) -> tuple[torch.Tensor, list[float]]:
    """-> (word vectors (V, d) on the CPU, mean loss per epoch). With a checkpoint, a killed
    run picks up where it stopped; with ranks, each process trains on its share of every
    batch (training/distributed.py)."""
    rng = np.random.default_rng(seed)
    generator = torch.Generator(device=device).manual_seed(seed)
    if not isinstance(sentences, SentenceIds):
        sentences = SentenceIds.from_lists(sentences)
    counts = token_counts(sentences, vocab_size)
    noise = torch.tensor(counts**0.75, dtype=torch.float, device=device)
    noise[:2] = 0  # never draw <pad> or <unk> as noise
    model = SkipGram(vocab_size, dim).to(device)
    optimizer = adam(model.parameters(), lr)
    trained = ranks.wrap(model, device)
    loop = TrainingLoop(checkpoint or Checkpoint.in_memory(), "skip-gram", model, optimizer, rng,
                        generator)
    for epoch in loop.epochs(epochs):
        batches = epoch_batches(sentences, counts, window, subsample, batch_size, rng)
        for batch in progress(loop.steps(batches), f"skip-gram epoch {epoch + 1}/{epochs}"):
            # every rank draws the whole batch's noise, so the generator stays in step
            noise_ids = torch.multinomial(noise, len(batch) * negatives, replacement=True,
                                          generator=generator).view(len(batch), negatives)
            rows, weight = ranks.share(np.arange(len(batch)))
            pairs, negative = batch[rows].to(device), noise_ids[torch.from_numpy(rows)]
            share_loss = trained(pairs[:, 0], pairs[:, 1], negative)
            loss = share_loss * (weight * len(rows) / len(batch) * ranks.world)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            value = check_finite(ranks.global_mean(loss), f"skip-gram, epoch {epoch + 1}")
            loop.record(value * len(batch), len(batch))
        loop.end_epoch()
    loop.finish()
    return model.center.weight.detach().cpu(), loop.losses
