"""Data-parallel pretraining: two ranks take the steps of one process on the same batches.

This file is also the script each rank runs (python -m pipeline.launch --standalone
--nproc-per-node=2 tests/training/test_distributed.py OUT.pt).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from models.word_rae import WordRAE
from training.distributed import SINGLE, Ranks, exit_rank, start, stop
from training.rae_pretrain import pretrain_rae
from training.skipgram import train_skipgram

ROOT = Path(__file__).resolve().parents[2]
CPU = torch.device("cpu")
# 301 sentences in batches of 20 leave a last batch of one, of which one of two ranks has no
# share; some sentences are empty.
SENTENCES, RAE_BATCH = 301, 20


def _train(ranks: Ranks) -> dict:
    rng = np.random.default_rng(0)
    sentences = [rng.integers(2, 60, rng.integers(0, 12)).tolist() for _ in range(SENTENCES)]
    torch.manual_seed(0)
    vectors, skipgram_losses = train_skipgram(sentences, 60, 8, 2, 2, 1e-3, 2, 97, 1e-2, 0,
                                              CPU, ranks=ranks)
    encoder = WordRAE(60, 8, 12)
    with torch.no_grad():
        encoder.embeddings.weight.copy_(vectors)
    rae_losses = pretrain_rae(encoder, sentences, 2, RAE_BATCH, 1e-2, 10, 0, CPU, ranks=ranks)
    return {"encoder": encoder.state_dict(), "skipgram_losses": skipgram_losses,
            "rae_losses": rae_losses}


def test_ranks_share_every_row_of_a_batch_once():
    batch = np.arange(7)
    shares = [Ranks(rank, 3).share(batch) for rank in range(3)]
    assert np.array_equal(np.concatenate([rows for rows, _ in shares]), batch)
    assert [weight for _, weight in shares] == [1.0, 1.0, 1.0]


def test_a_rank_left_without_rows_takes_a_stand_in_at_weight_zero():
    assert Ranks(0, 2).share(np.array([5]))[1] == 1.0
    rows, weight = Ranks(1, 2).share(np.array([5]))
    assert list(rows) == [5] and weight == 0.0


@pytest.mark.slow
def test_two_ranks_train_what_one_process_trains(tmp_path):
    out = tmp_path / "two_ranks.pt"
    command = [sys.executable, "-m", "pipeline.launch", "--standalone", "--nproc-per-node=2",
               __file__, str(out)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    two, one = torch.load(out, weights_only=True), _train(SINGLE)
    for name, value in one["encoder"].items():
        assert torch.allclose(two["encoder"][name], value, rtol=0, atol=1e-5), name
    for key in ("skipgram_losses", "rae_losses"):
        assert np.allclose(two[key], one[key], rtol=1e-6), key


if __name__ == "__main__":
    ranks, _ = start(CPU)
    try:
        result = _train(ranks)
        if ranks.main:
            torch.save(result, sys.argv[1])
    finally:
        stop()
    exit_rank(0)  # as pipeline/bench/ranks.py's ranks end: the interpreter's shutdown can abort
