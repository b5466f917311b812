"""The benchmark's timers run and count what they say (speed itself is for `make bench`)."""

import torch

from models.binary_tree_rae import TreeRAEConfig
from models.greedy_rae import GreedyRAE
from models.parse_tree_rae import ParseTreeRAE
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
    model = GreedyRAE(TreeRAEConfig(vocab_size=12, dim=4))
    assert bench.greedy_sentences_per_second(model, SENTENCES, 4, 0.2, CPU) > 0
    assert bench.greedy_reference_sentences_per_second(model, SENTENCES[:5], 0.2, CPU) > 0
    assert bench.matmul_peak_gflops(CPU, size=64, repeats=2) > 0


def test_tree_timers_train_on_the_greedy_trees():
    torch.manual_seed(0)
    trees = bench.greedy_trees(GreedyRAE(TreeRAEConfig(vocab_size=12, dim=4)), SENTENCES)
    model = ParseTreeRAE(TreeRAEConfig(vocab_size=12, dim=4))
    assert [len(t.children) for t in trees[:5]] == [2, 1, 3, 1, 2]
    before = model.compose.weight.detach().clone()
    assert bench.tree_sentences_per_second(model, trees, 4, 0.2, CPU) > 0
    assert bench.tree_reference_sentences_per_second(model, trees[:5], 0.2, CPU) > 0
    assert not torch.equal(before, model.compose.weight)
