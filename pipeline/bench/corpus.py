"""Does pretraining's memory stay flat as the corpus grows? A part of `make bench`.

One fresh process per size (so each peak resident memory is its own) streams a slice of nltk
movie_reviews replicated 1x, 4x and 16x through the tokeniser into a token store, then takes
a fixed number of skip-gram and linear-RAE steps on it, reading the store a chunk at a time as
`make pretrain` does. The slice is an eighth of the corpus and the chunk an eighth of
`make pretrain`'s, so the 1x corpus is one chunk, as all of movie_reviews is in a real run,
and 16x takes twelve: tokenising 16 copies of the whole corpus would take minutes.

    python -m pipeline.bench.corpus REPLICAS BUILD_FOLDER  -> one JSON line on stdout
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from data.batching import length_batches, pad
from data.sources import load_movie_reviews
from data.token_store import SentenceIds, open_token_store, write_token_store
from data.tokenize import tokenize
from data.vocab import Vocabulary
from models.skipgram import SkipGram
from models.word_rae import WordRAE
from training.optimizer import adam
from training.rae_pretrain import mean_token_error
from training.skipgram import CHUNK_TOKENS, epoch_batches, token_counts

REPLICAS = (1, 4, 16)
SLICE = 8  # the corpus's first 1/SLICE lines are replicated, and chunks are 1/SLICE as long
SKIPGRAM_STEPS, RAE_STEPS = 200, 60


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _skipgram_pairs_per_second(sentences: SentenceIds, vocab: Vocabulary, dim: int,
                               batch_size: int) -> float:
    counts = token_counts(sentences, len(vocab), CHUNK_TOKENS // SLICE)
    noise = torch.tensor(counts**0.75, dtype=torch.float)
    model = SkipGram(len(vocab), dim)
    optimizer = adam(model.parameters(), 3e-3)
    rng = np.random.default_rng(0)
    pairs, start = 0, time.perf_counter()
    for step, batch in enumerate(epoch_batches(sentences, counts, 5, 1e-4, batch_size, rng,
                                               CHUNK_TOKENS // SLICE)):
        if step == SKIPGRAM_STEPS:
            break
        noise_ids = torch.multinomial(noise, len(batch) * 5, replacement=True).view(-1, 5)
        loss = model(batch[:, 0], batch[:, 1], noise_ids)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        pairs += len(batch)
    return pairs / (time.perf_counter() - start)


def _rae_tokens_per_second(sentences: SentenceIds, vocab: Vocabulary, dim: int, hidden: int,
                           batch_size: int) -> float:
    model = WordRAE(len(vocab), dim, hidden)
    model.embeddings.weight.requires_grad_(False)
    optimizer = adam(model.rae.parameters(), 1e-3)
    batches = length_batches(np.minimum(sentences.lengths(), 60), batch_size,
                             np.random.default_rng(0))
    tokens, start = 0, time.perf_counter()
    for _, batch in zip(range(RAE_STEPS), batches, strict=False):
        ids, lengths = pad([sentences[i] for i in batch], 60)
        loss = mean_token_error(model, ids, lengths)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        tokens += int(lengths.sum())
    return tokens / (time.perf_counter() - start)


def measure(replicas: int, folder: Path) -> dict:
    """In this process: tokenise the replicated slice to a store, then train on it."""
    texts = load_movie_reviews().texts
    texts = texts[: len(texts) // SLICE]
    start = time.perf_counter()
    counted = write_token_store((tokenize(t) for _ in range(replicas) for t in texts),
                                folder / "store")
    tokenise_seconds = time.perf_counter() - start
    words, counts, provisional = open_token_store(folder / "store")
    vocab = Vocabulary.from_counts(dict(zip(words, counts.tolist(), strict=True)), 2)
    sentences = SentenceIds(provisional.flat, provisional.offsets,
                            np.asarray(vocab.encode(words), dtype=np.int64))
    torch.manual_seed(0)
    return {"replicas": replicas, "tokens": counted["tokens"],
            "tokenise_tokens_per_s": counted["tokens"] / tokenise_seconds,
            "skipgram_pairs_per_s": _skipgram_pairs_per_second(sentences, vocab, 100, 4096),
            "rae_tokens_per_s": _rae_tokens_per_second(sentences, vocab, 100, 200, 128),
            "peak_rss_mb": _peak_rss_mb()}


def corpus_scaling() -> dict:
    """Each size in a process of its own, one after another."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for replicas in REPLICAS:
            child = subprocess.run([sys.executable, "-m", "pipeline.bench.corpus", str(replicas),
                                    folder], capture_output=True, text=True, check=True)
            results.append(json.loads(child.stdout.splitlines()[-1]))
    first, last = results[0], results[-1]
    return {"corpus_scaling": results,
            "corpus_peak_rss_ratio_16x_to_1x": last["peak_rss_mb"] / first["peak_rss_mb"],
            "corpus_skipgram_speed_ratio_16x_to_1x":
                last["skipgram_pairs_per_s"] / first["skipgram_pairs_per_s"],
            "corpus_rae_speed_ratio_16x_to_1x":
                last["rae_tokens_per_s"] / first["rae_tokens_per_s"]}


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), Path(sys.argv[2]))))
