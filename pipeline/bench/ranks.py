"""Does pretraining scale across processes? A part of `make bench`.

Pretraining (an epoch of skip-gram, then of the linear RAE, as `make pretrain` runs them) on
the same synthetic corpus in 1 and then 2 processes started by torchrun's launcher, each with
one thread, so that 2 processes have no more threads than the 2 cores. Skip-gram's gradient is
the whole V x d embedding table, all-reduced every step; beside the default batch, a 4x larger
one (a quarter of the all-reduces) is timed, and so is the all-reduce itself, dense as the
code does it and as the sparse tensor of one batch's rows (which gloo can reduce too).

    python -m pipeline.launch --standalone --nproc-per-node=N -m pipeline.bench.ranks
        -> one JSON line on stdout (from rank 0)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

from evaluation import figures
from models.word_rae import WordRAE
from training.distributed import Ranks, exit_rank, start, stop
from training.rae_pretrain import pretrain_rae
from training.skipgram import train_skipgram

PROCESSES = (1, 2)
SPEEDS = {"skipgram_tokens_per_s": "skip-gram", "skipgram_4x_batch_tokens_per_s":
          "skip-gram, 4x batch", "rae_tokens_per_s": "linear RAE"}
VOCAB, DIM, HIDDEN = 20_000, 100, 200
SENTENCES = 12_000  # about 260k tokens, lengths like MR's
SKIPGRAM_BATCH, RAE_BATCH = 4096, 128
ALL_REDUCES = 20
CPU = torch.device("cpu")


def _corpus() -> list[list[int]]:
    rng = np.random.default_rng(0)
    lengths = np.clip(rng.normal(22, 9, SENTENCES).round(), 3, 60).astype(int)
    # Zipf-like ids, so that subsampling and the noise distribution act as on real text
    return [(rng.zipf(1.2, n) % (VOCAB - 2) + 2).tolist() for n in lengths]


def _timed(train) -> float:
    start_time = time.perf_counter()
    train()
    return time.perf_counter() - start_time


def _all_reduce_ms(tensor: torch.Tensor) -> float:
    dist.barrier()
    start_time = time.perf_counter()
    for _ in range(ALL_REDUCES):
        dist.all_reduce(tensor)
    return (time.perf_counter() - start_time) / ALL_REDUCES * 1000


def _gradient_all_reduce(sentences: list[list[int]]) -> dict:
    """Milliseconds per all-reduce of skip-gram's two V x d gradients: dense, and sparse with
    the rows one batch touches (a center and a context per pair, as many as a batch's pairs
    hold, and its 5 noise words per pair, drawn as training draws them)."""
    ids = np.concatenate(sentences)
    noise = np.bincount(ids, minlength=VOCAB) ** 0.75
    drawn = np.random.default_rng(0).choice(VOCAB, 5 * SKIPGRAM_BATCH, p=noise / noise.sum())
    touched = np.unique(np.concatenate([ids[: 2 * SKIPGRAM_BATCH], drawn]))
    rows = torch.from_numpy(touched).unsqueeze(0)
    sparse = torch.sparse_coo_tensor(rows, torch.ones(len(touched), DIM), (VOCAB, DIM),
                                     check_invariants=True, is_coalesced=True)
    return {"dense_ms": 2 * _all_reduce_ms(torch.ones(VOCAB, DIM)),
            "sparse_ms": 2 * _all_reduce_ms(sparse), "rows_per_batch": len(touched)}


def measure(ranks: Ranks) -> dict:
    sentences = _corpus()
    tokens = sum(map(len, sentences))
    torch.manual_seed(0)

    def skipgram(batch_size: int):
        return lambda: train_skipgram(sentences, VOCAB, DIM, 5, 5, 1e-4, 1, batch_size, 3e-3,
                                      0, CPU, ranks=ranks)

    skipgram_seconds = _timed(skipgram(SKIPGRAM_BATCH))
    large_batch_seconds = _timed(skipgram(4 * SKIPGRAM_BATCH))
    encoder = WordRAE(VOCAB, DIM, HIDDEN)
    rae_seconds = _timed(lambda: pretrain_rae(encoder, sentences, 1, RAE_BATCH, 1e-3, 60, 0, CPU,
                                              ranks=ranks))
    result = {"processes": ranks.world, "threads_per_process": torch.get_num_threads(),
              "tokens": tokens,
              "skipgram_tokens_per_s": tokens / skipgram_seconds,
              "skipgram_4x_batch_tokens_per_s": tokens / large_batch_seconds,
              "rae_tokens_per_s": tokens / rae_seconds}
    if ranks.world > 1:
        result["skipgram_gradient_all_reduce"] = _gradient_all_reduce(sentences)
    return result


def process_scaling(path: Path) -> dict:
    """Each process count in a launch of its own, one after another; the figure -> path."""
    results = []
    for processes in PROCESSES:
        child = subprocess.run(
            [sys.executable, "-m", "pipeline.launch", "--standalone",
             f"--nproc-per-node={processes}", "-m", "pipeline.bench.ranks"],
            capture_output=True, text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        results.append(json.loads(child.stdout.splitlines()[-1]))
    one, two = results[0], results[-1]
    figures.process_scaling(results, SPEEDS, path)
    return {"process_scaling": results,
            "skipgram_speedup_2_processes": two["skipgram_tokens_per_s"]
            / one["skipgram_tokens_per_s"],
            "rae_speedup_2_processes": two["rae_tokens_per_s"] / one["rae_tokens_per_s"]}


if __name__ == "__main__":
    ranks, _ = start(CPU)
    try:
        measured = measure(ranks)
        if ranks.main:
            print(json.dumps(measured))
    finally:
        stop()
    exit_rank(0)
