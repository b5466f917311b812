"""The benchmark's timers run and count what they say (speed itself is for `make bench`)."""

import torch

from models.greedy_rae import GreedyRAE, GreedyRAEConfig
from models.word_rae import WordRAE
from pipeline import bench

CPU = torch.device("cpu")
SENTENCES = [[2, 3, 4], [5, 6], [7, 8, 9, 10], [3, 3], [4, 5, 6]] * 4


def test_linear_timers_train_the_rae_and_report_positive_rates():
    torch.manual_seed(0)
    model = WordRAE(12, 4, 6)
    before = model.rae.h0.detach().clone()
    assert bench.batched_tokens_per_second(model, SENTENCES, 4, CPU) > 0
    assert bench.naive_tokens_per_second(model, SENTENCES[:5], CPU) > 0
    assert not torch.equal(before, model.rae.h0)  # optimiser steps happened


def test_greedy_timers_report_positive_rates():
    torch.manual_seed(0)
    model = GreedyRAE(GreedyRAEConfig(vocab_size=12, dim=4))
    assert bench.greedy_sentences_per_second(model, SENTENCES, 4, 0.2, CPU) > 0
    assert bench.greedy_reference_sentences_per_second(model, SENTENCES[:5], 0.2, CPU) > 0
    assert bench.matmul_peak_gflops(CPU, size=64, repeats=2) > 0
