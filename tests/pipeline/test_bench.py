"""The benchmark's timers count what they say, over the items they say (speed itself is for
`make bench`): with a clock that reads one second more at every look, a rate is exactly the
units of the timed items, those after the two warm-up items."""

import itertools
from types import SimpleNamespace

import pytest
import torch

from models.binary_tree_rae import TreeRAEConfig
from models.greedy_rae import GreedyRAE
from models.parse_tree_rae import ParseTreeRAE
from models.word_rae import WordRAE
from pipeline import bench
from pipeline.infra.config import Config

CPU = torch.device("cpu")
SENTENCES = [[2, 3, 4], [5, 6], [7, 8, 9, 10], [3, 3], [4, 5, 6]] * 4
WARMUP = 2


@pytest.fixture(autouse=True)
def one_second_per_look(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(bench, "time", SimpleNamespace(perf_counter=lambda: float(next(ticks))))


def _timed_batches():
    return bench._length_batches(SENTENCES, 4)[WARMUP:]


def test_linear_timers_count_the_timed_tokens_and_train():
    torch.manual_seed(0)
    model = WordRAE(12, 4, 6)
    before = model.rae.h0.detach().clone()
    tokens = sum(len(SENTENCES[j]) for batch in _timed_batches() for j in batch)
    assert bench.batched_tokens_per_second(model, SENTENCES, 4, CPU).per_s == tokens
    assert bench.naive_tokens_per_second(model, SENTENCES[:5], CPU) == sum(
        map(len, SENTENCES[WARMUP:5]))
    assert not torch.equal(before, model.rae.h0)  # optimiser steps happened


def test_greedy_timers_count_the_timed_sentences():
    torch.manual_seed(0)
    model = GreedyRAE(TreeRAEConfig(vocab_size=12, dim=4))
    sentences = sum(len(batch) for batch in _timed_batches())
    assert bench.greedy_sentences_per_second(model, SENTENCES, 4, 0.2, CPU).per_s == sentences
    assert bench.greedy_sentences_per_second(model, SENTENCES, 4, 0.2, CPU,
                                             rescore_all=True).per_s == sentences
    assert bench.greedy_reference_sentences_per_second(model, SENTENCES[:5], 0.2, CPU) == 5 - WARMUP
    assert bench.matmul_peak_gflops(CPU, size=64, repeats=2) == 2 * 64**3 * 2 / 1e9


def test_tree_timers_train_on_the_greedy_trees():
    torch.manual_seed(0)
    trees = bench.greedy_trees(GreedyRAE(TreeRAEConfig(vocab_size=12, dim=4)), SENTENCES)
    model = ParseTreeRAE(TreeRAEConfig(vocab_size=12, dim=4))
    assert [len(t.children) for t in trees[:5]] == [2, 1, 3, 1, 2]
    before = model.compose.weight.detach().clone()
    sentences = sum(len(batch) for batch in _timed_batches())
    assert bench.tree_sentences_per_second(model, trees, 4, 0.2, CPU).per_s == sentences
    assert bench.tree_reference_sentences_per_second(model, trees[:5], 0.2, CPU) == 5 - WARMUP
    assert not torch.equal(before, model.compose.weight)


def test_linear_flops_count_every_matrix_product_forward_and_backward():
    """Equal lengths, so no padding: a token's forward pass is four products (W1, W2, W-1, W-2:
    2dh + 2h^2 multiply-adds); backward computes each one's weight gradient and input
    gradient, but for W1's input, the frozen embeddings (as in `make bench`)."""
    d, h = 4, 6
    model = WordRAE(12, d, h)
    model.embeddings.weight.requires_grad_(False)
    rate = bench.batched_tokens_per_second(model, [[2, 3, 4, 5]] * 12, 4, CPU)
    forward = 2 * (2 * d * h + 2 * h * h)
    assert rate.flops_per_unit == 3 * forward - 2 * d * h
    assert rate.gflops == rate.per_s * rate.flops_per_unit / 1e9


def test_tree_models_count_flops():
    torch.manual_seed(0)
    greedy = GreedyRAE(TreeRAEConfig(vocab_size=12, dim=4))
    trees = bench.greedy_trees(greedy, SENTENCES)
    assert bench.greedy_sentences_per_second(greedy, SENTENCES, 4, 0.2, CPU).flops_per_unit > 0
    parse = ParseTreeRAE(TreeRAEConfig(vocab_size=12, dim=4))
    assert bench.tree_sentences_per_second(parse, trees, 4, 0.2, CPU).flops_per_unit > 0


def test_predict_throughput_counts_every_sentence_of_each_way(monkeypatch):
    """Each way's clock, and each of the linear RAE's parts', is read twice: before and after
    its timed sentences."""
    from pipeline.bench import predict as bench_predict
    from pipeline.infra.config import parse_config

    monkeypatch.setattr(bench_predict, "time", bench.time)
    monkeypatch.setattr(bench_predict, "SENTENCES", {"linear": 6, "greedy": 5,
                                                     "greedy --tree": 4})
    config = parse_config({"embeddings": {"dim": 4}, "rae": {"hidden": 6}})
    assert bench_predict.predict_throughput(config, 30, CPU, 0) == {
        "linear": 6, "greedy": 5, "greedy --tree": 4, "linear: tokenising alone": 6,
        "linear: the model alone": 6}


def test_phrase_timers_count_trees_for_each_family_and_its_reference(monkeypatch):
    monkeypatch.setattr(bench, "VOCAB", 12)
    torch.manual_seed(0)
    trees = bench.greedy_trees(GreedyRAE(TreeRAEConfig(vocab_size=12, dim=4)), SENTENCES)
    config = Config()
    config.rntn.dim, config.rntn.batch_size, config.treelstm.batch_size = 4, 4, 4
    config.embeddings.dim, config.treelstm.memory = 4, 5
    rates = bench.phrase_rates(SimpleNamespace(config=config, device=CPU), trees)
    sentences = sum(len(batch) for batch in _timed_batches())
    for name in ("rntn", "treelstm"):
        assert rates[f"{name}_train"].per_s == sentences
        assert rates[f"{name}_reference_sentences_per_s"] == len(trees) - WARMUP
        assert rates[f"{name}_train"].flops_per_unit > 0


def test_the_parser_timer_parses_every_sentence(monkeypatch):
    monkeypatch.setattr(bench, "VOCAB", 12)
    config = Config()
    config.embeddings.dim, config.parser.lstm, config.parser.hidden = 4, 4, 4
    calls = []
    real_parse = bench.parse

    def counted(model, sentences, device):
        calls.append(len(sentences))
        return real_parse(model, sentences, device)

    monkeypatch.setattr(bench, "parse", counted)
    assert bench.parser_rate(config, SENTENCES, CPU) > 0
    assert calls == [min(128, len(SENTENCES)), len(SENTENCES)]  # the warm-up, then all
