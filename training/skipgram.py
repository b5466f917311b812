"""Train skip-gram word vectors on tokenised sentences (word2vec's recipe, batched in torch)."""

from __future__ import annotations

import numpy as np
import torch

from models.skipgram import SkipGram
from training.divergence import check_finite
from training.optimizer import adam
from training.progress import progress
from training.resume import Checkpoint, TrainingLoop


def training_pairs(sentences: list[list[int]], counts: np.ndarray, window: int, subsample: float,
                   rng: np.random.Generator) -> np.ndarray:
    """(center, context) id pairs for one epoch, shape (P, 2). Frequent words are dropped with
    word2vec's probability, and a context at distance o is kept with probability
    (window - o + 1) / window, which is word2vec's randomly shrunk window in expectation."""
    ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sentences])
    sentence_of = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
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


def train_skipgram(sentences: list[list[int]], vocab_size: int, dim: int, window: int,
                   negatives: int, subsample: float, epochs: int, batch_size: int, lr: float,
                   seed: int, device: torch.device, checkpoint: Checkpoint | None = None
                   ) -> tuple[torch.Tensor, list[float]]:
    """-> (word vectors (V, d) on the CPU, mean loss per epoch). With a checkpoint, a killed
    run picks up where it stopped."""
    rng = np.random.default_rng(seed)
    generator = torch.Generator(device=device).manual_seed(seed)
    counts = np.bincount(np.concatenate(sentences), minlength=vocab_size).astype(np.float64)
    noise = torch.tensor(counts**0.75, dtype=torch.float, device=device)
    noise[:2] = 0  # never draw <pad> or <unk> as noise
    model = SkipGram(vocab_size, dim).to(device)
    optimizer = adam(model.parameters(), lr)
    loop = TrainingLoop(checkpoint or Checkpoint.in_memory(), "skip-gram", model, optimizer, rng,
                        generator)
    for epoch in loop.epochs(epochs):
        pairs = torch.from_numpy(training_pairs(sentences, counts, window, subsample, rng))
        batches = range(0, len(pairs), batch_size)
        for start in progress(loop.steps(batches), f"skip-gram epoch {epoch + 1}/{epochs}",
                              total=len(batches)):
            batch = pairs[start : start + batch_size].to(device)
            noise_ids = torch.multinomial(noise, len(batch) * negatives, replacement=True,
                                          generator=generator).view(len(batch), negatives)
            loss = model(batch[:, 0], batch[:, 1], noise_ids)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loop.record(check_finite(loss.item(), f"skip-gram, epoch {epoch + 1}") * len(batch),
                        len(batch))
        loop.end_epoch()
    loop.finish()
    return model.center.weight.detach().cpu(), loop.losses
