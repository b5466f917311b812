"""Benchmark training speed: batched against per-sentence reference -> reports/bench.json.

Each pair trains the same model size (from the config) on the same synthetic sentences, whose
lengths follow MR's (mean about 22 tokens), with one optimiser step per batch or per sentence:
- linear RAE pretraining as `make pretrain` runs it, against the original scan (one sentence and
  one time step at a time);
- greedy tree RAE semi-supervised training as `make classify MODEL=greedy` runs it, against
  reference_tree (one sentence, Python lists, every candidate pair scored one by one);
- parse-tree RAE training as `make classify MODEL=tree` runs it (level by level), against
  reference_tree_loss (one tree, composed recursively); the trees are the greedy RAE's;
- the RNTN's and the Tree-LSTM's training likewise (`MODEL=rntn`, `MODEL=treelstm`), on the
  same trees, against their recursive one-tree references;
each batched model's arithmetic rate (FLOPs counted by torch's FlopCounterMode) is compared with
the device's measured float32 matmul peak;
- predict's sentences per second, from text to JSON lines (predict.py here);
- pretraining's memory and speed as the corpus grows 1x, 4x and 16x (corpus.py here);
- pretraining's speed in 1 and 2 processes (ranks.py here; the curve -> reports/bench.png).
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from data.batching import length_batches, pad
from data.trees import LabelledTree, TreeBatch
from models import rntn, tree_lstm
from models.binary_tree_rae import TreeRAEConfig
from models.greedy_rae import GreedyRAE
from models.linear_rae import reference_scan
from models.parse_tree_rae import ParseTreeRAE
from models.span_parser import Sentence
from models.word_rae import WordRAE
from pipeline.bench.corpus import corpus_scaling
from pipeline.bench.predict import predict_throughput_in_a_process
from pipeline.bench.ranks import process_scaling
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import save_json
from pipeline.infra.config import Config
from pipeline.infra.options import Run, add_common
from pipeline.infra.provenance import provenance
from pipeline.serving.text_parser import build_parser
from training.greedy import node_loss, reference_node_loss
from training.optimizer import adagrad, adam
from training.parse_tree import (
    l2_penalty,
    l2_weights,
    phrase_loss,
    reference_phrase_cross_entropy,
    reference_tree_loss,
    tree_loss,
)
from training.parser import parse
from training.rae_pretrain import mean_token_error

VOCAB = 20_000
SENTENCES = 4096
NAIVE_SENTENCES = 64
GREEDY_REFERENCE_SENTENCES = 16
FLOP_SAMPLE_ITEMS = 8


@dataclass(frozen=True)
class Rate:
    """A batched model's speed: units (tokens or sentences) per second, and the floating-point
    operations each unit costs, forward and backward, as torch's FlopCounterMode counts them."""

    per_s: float
    flops_per_unit: float

    @property
    def gflops(self) -> float:
        return self.per_s * self.flops_per_unit / 1e9


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def matmul_peak_gflops(device: torch.device, size: int = 2048, repeats: int = 10) -> float:
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    a @ b  # warm-up
    _synchronize(device)
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    _synchronize(device)
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def _throughput(items: list, step, optimizer: torch.optim.Optimizer, device: torch.device,
                warmup: int = 2) -> float:
    """Units per second of step(item) -> (loss, units), with an optimiser step per item; the
    first `warmup` items pay for allocation and warm-up and are not timed."""
    done, start = 0, None
    for i, item in enumerate(items):
        if i == warmup:
            _synchronize(device)
            start, done = time.perf_counter(), 0
        loss, units = step(item)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        done += units
    _synchronize(device)
    return done / (time.perf_counter() - start)


def _flops_per_unit(items: list, step, optimizer: torch.optim.Optimizer) -> float:
    """FLOPs per unit of step(item), forward and backward, over a few items spread across the
    run; counted apart from the timed run so that the counter's overhead stays out of the
    timing. The counter counts matrix products only, padded positions included (the device
    does that work), which is what the matmul peak measures too."""
    sample = items[::max(1, len(items) // FLOP_SAMPLE_ITEMS)]
    units = 0
    with FlopCounterMode(display=False) as counter:
        for item in sample:
            loss, done = step(item)
            loss.backward()
            units += done
    optimizer.zero_grad(set_to_none=True)
    return counter.get_total_flops() / units


def _batched_rate(items: list, step, optimizer: torch.optim.Optimizer, device: torch.device
                  ) -> Rate:
    return Rate(_throughput(items, step, optimizer, device),
                _flops_per_unit(items, step, optimizer))


def _length_batches(sentences: list[list[int]], batch_size: int) -> list:
    return list(length_batches([len(s) for s in sentences], batch_size, np.random.default_rng(0)))


def batched_tokens_per_second(model: WordRAE, sentences: list[list[int]], batch_size: int,
                              device: torch.device) -> Rate:
    def step(batch):
        ids, lengths = pad([sentences[j] for j in batch])
        return mean_token_error(model, ids.to(device), lengths.to(device)), int(lengths.sum())

    optimizer = adam(model.rae.parameters(), 1e-3)
    return _batched_rate(_length_batches(sentences, batch_size), step, optimizer, device)


def naive_tokens_per_second(model: WordRAE, sentences: list[list[int]], device: torch.device
                            ) -> float:
    def step(sentence):
        x = model.inputs(torch.tensor(sentence, device=device))
        return reference_scan(model.rae, x)[1], len(sentence)

    optimizer = torch.optim.SGD(model.rae.parameters(), lr=1e-3)
    return _throughput(sentences, step, optimizer, device)


def greedy_sentences_per_second(model: GreedyRAE, sentences: list[list[int]], batch_size: int,
                                alpha: float, device: torch.device, rescore_all: bool = False
                                ) -> Rate:
    labels = torch.arange(len(sentences), device=device) % 2

    def step(batch):
        ids, lengths = pad([sentences[j] for j in batch])
        trees = model(ids.to(device), lengths.to(device), rescore_all=rescore_all)
        return node_loss(model, trees, labels[torch.as_tensor(batch, device=device)], alpha), \
            len(batch)

    optimizer = adam(model.parameters(), 1e-3)
    return _batched_rate(_length_batches(sentences, batch_size), step, optimizer, device)


def greedy_reference_sentences_per_second(model: GreedyRAE, sentences: list[list[int]],
                                          alpha: float, device: torch.device) -> float:
    def step(i):
        return reference_node_loss(model, sentences[i], i % 2, alpha), 1

    optimizer = adam(model.parameters(), 1e-3)
    return _throughput(list(range(len(sentences))), step, optimizer, device)


def tree_sentences_per_second(model: ParseTreeRAE, trees: list[LabelledTree[int]],
                              batch_size: int, alpha: float, device: torch.device) -> Rate:
    def step(batch):
        return tree_loss(model, TreeBatch.build([trees[j] for j in batch], device), alpha), \
            len(batch)

    optimizer = adam(model.parameters(), 1e-3)
    batches = _length_batches([tree.leaves for tree in trees], batch_size)
    return _batched_rate(batches, step, optimizer, device)


def tree_reference_sentences_per_second(model: ParseTreeRAE, trees: list[LabelledTree[int]],
                                        alpha: float, device: torch.device) -> float:
    def step(tree):
        return reference_tree_loss(model, tree, alpha), 1

    optimizer = adam(model.parameters(), 1e-3)
    return _throughput(trees, step, optimizer, device)


def greedy_trees(model: GreedyRAE, sentences: list[list[int]]) -> list[LabelledTree[int]]:
    """The greedy RAE's trees of the sentences, every node labelled (like SST's)."""
    return [LabelledTree(sentence, model.sentence_tree(sentence)[0],
                         [len(sentence) % 2] * (2 * len(sentence) - 1)) for sentence in sentences]


MODELS = (("linear RAE pretraining", "linear_rae_pretrain", "tokens"),
          ("greedy RAE training", "greedy_rae_train", "sentences"),
          ("parse-tree RAE training", "tree_rae_train", "sentences"),
          ("RNTN training", "rntn_train", "sentences"),
          ("Tree-LSTM training", "treelstm_train", "sentences"))
PHRASE_MODELS = {"rntn": rntn.reference_nodes, "treelstm": tree_lstm.reference_nodes}


def phrase_rates(run: Run, trees: list[LabelledTree[int]]) -> dict:
    """Each phrase family's training as `make classify` runs it (its config section: batch,
    AdaGrad, L2), batched level by level, against its recursive one-tree reference."""
    rates = {}
    for name, reference_nodes in PHRASE_MODELS.items():
        section = getattr(run.config, name)
        model = FAMILIES[name].build_model(run.config, VOCAB, 2).to(run.device)
        optimizer, l2 = adagrad(model, section.lr, section.word_lr), l2_weights(section)

        def step(batch, model=model, l2=l2, dropout=section.dropout):
            return phrase_loss(model, TreeBatch.build([trees[j] for j in batch], run.device),
                               dropout, l2), len(batch)

        def reference(tree, model=model, l2=l2, reference_nodes=reference_nodes):
            words = torch.tensor(tree.leaves, device=run.device)
            return reference_phrase_cross_entropy(model, tree, reference_nodes) + l2_penalty(
                model, l2, words), 1

        batches = _length_batches([tree.leaves for tree in trees], section.batch_size)
        rates[f"{name}_train"] = _batched_rate(batches, step, optimizer, run.device)
        rates[f"{name}_reference_sentences_per_s"] = _throughput(
            trees[:GREEDY_REFERENCE_SENTENCES * 4], reference, optimizer, run.device)
        rates[f"{name}_speedup"] = (rates[f"{name}_train"].per_s
                                    / rates[f"{name}_reference_sentences_per_s"])
    return rates


def parser_rate(config: Config, sentences: list[list[int]], device: torch.device) -> float:
    """Sentences/s the span parser ([parser], untrained: its speed does not depend on its
    weights) parses, CKY included, in batches of 128 as `make parser` and predict parse."""
    model = build_parser(config, VOCAB).to(device)
    batch = [Sentence(ids, [f"w{i}" for i in ids]) for ids in sentences]
    parse(model, batch[:128], device)  # warm-up
    _synchronize(device)
    start = time.perf_counter()
    parse(model, batch, device)
    _synchronize(device)
    return len(batch) / (time.perf_counter() - start)


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    rng = np.random.default_rng(run.seed)
    lengths = np.clip(rng.normal(22, 9, SENTENCES).round(), 3, 60).astype(int)
    sentences = [rng.integers(2, VOCAB, n).tolist() for n in lengths]
    peak = matmul_peak_gflops(run.device)
    rates = {**_linear(run, sentences), **_trees(run, sentences)}
    result = {**{key: value for key, value in rates.items() if not isinstance(value, Rate)},
              **{field: value for key, rate in rates.items() if isinstance(rate, Rate)
                 for field, value in _rate_fields(key, rate, peak).items()},
              "matmul_peak_gflops": peak,
              "parser_sentences_per_s": parser_rate(run.config, sentences, run.device),
              "predict_sentences_per_s": predict_throughput_in_a_process(
                  run.config, VOCAB, run.device, run.seed),
              **corpus_scaling(),
              **process_scaling(run.layout.reports / "bench.png"),
              "device": str(run.device), "threads": torch.get_num_threads(),
              "provenance": provenance(run.command)}
    path = run.layout.reports / "bench.json"
    save_json(result, path)
    _print(result)
    print(f"-> {path}, {path.with_name('bench.png')}")


def _rate_fields(key: str, rate: Rate, peak: float) -> dict:
    unit = next(unit for _, model, unit in MODELS if model == key)
    return {f"{key}_{unit}_per_s": rate.per_s, f"{key}_gflops": rate.gflops,
            f"{key}_share_of_matmul_peak": rate.gflops / peak}


def _print(result: dict) -> None:
    print(f"measured float32 matmul peak: {result['matmul_peak_gflops']:.0f} GFLOP/s")
    for name, key, unit in MODELS:
        print(f"{name}: {result[f'{key}_{unit}_per_s']:,.1f} {unit}/s, "
              f"{result[f'{key}_gflops']:.1f} GFLOP/s = "
              f"{100 * result[f'{key}_share_of_matmul_peak']:.1f}% of the peak")
    print(f"the references, one sentence at a time: naive scan "
          f"{result['naive_scan_tokens_per_s']:,.0f} tokens/s ({result['speedup']:.0f}x slower), "
          f"greedy {result['greedy_reference_sentences_per_s']:,.1f} sentences/s "
          f"({result['greedy_speedup']:.0f}x), parse-tree "
          f"{result['tree_reference_sentences_per_s']:,.1f} sentences/s "
          f"({result['tree_speedup']:.0f}x), "
          + ", ".join(f"{name} {result[f'{name}_reference_sentences_per_s']:,.1f} sentences/s "
                      f"({result[f'{name}_speedup']:.0f}x)" for name in PHRASE_MODELS))
    print(f"greedy RAE rescoring every pair at every merge: "
          f"{result['greedy_rescore_all_sentences_per_s']:,.1f} sentences/s; rescoring only "
          f"beside each merge is {result['greedy_gain_of_rescoring_beside_merges']:.2f}x that")
    print(f"span parser: {result['parser_sentences_per_s']:,.0f} sentences/s")
    rates = result["predict_sentences_per_s"]
    print("predict, text to JSON lines: "
          + ", ".join(f"{way} {rate:,.0f} sentences/s" for way, rate in rates.items()))
    for row in result["corpus_scaling"]:
        print(f"corpus x{row['replicas']} ({row['tokens']:,} tokens): tokenising "
              f"{row['tokenise_tokens_per_s']:,.0f} tokens/s, skip-gram "
              f"{row['skipgram_pairs_per_s']:,.0f} pairs/s, linear RAE "
              f"{row['rae_tokens_per_s']:,.0f} tokens/s, peak memory {row['peak_rss_mb']:,.0f} MB")
    for row in result["process_scaling"]:
        print(f"{row['processes']} process(es), one thread each: skip-gram "
              f"{row['skipgram_tokens_per_s']:,.0f} tokens/s "
              f"({row['skipgram_4x_batch_tokens_per_s']:,.0f} with a 4x batch), "
              f"linear RAE {row['rae_tokens_per_s']:,.0f} tokens/s")
    reduce = result["process_scaling"][-1]["skipgram_gradient_all_reduce"]
    print(f"skip-gram's gradient all-reduce per step: dense {reduce['dense_ms']:.1f} ms, sparse "
          f"({reduce['rows_per_batch']:,} rows) {reduce['sparse_ms']:.1f} ms")


def _linear(run: Run, sentences: list[list[int]]) -> dict:
    d, h = run.config.embeddings.dim, run.config.rae.hidden
    model = WordRAE(VOCAB, d, h).to(run.device)
    model.embeddings.weight.requires_grad_(False)
    batched = batched_tokens_per_second(model, sentences, run.config.rae.batch_size, run.device)
    naive = naive_tokens_per_second(model, sentences[:NAIVE_SENTENCES], run.device)
    return {"linear_rae_pretrain": batched, "naive_scan_tokens_per_s": naive,
            "speedup": batched.per_s / naive,
            "model": {"embedding_dim": d, "hidden": h, "batch_size": run.config.rae.batch_size}}


def _trees(run: Run, sentences: list[list[int]]) -> dict:
    g, t = run.config.greedy, run.config.tree
    config = TreeRAEConfig(VOCAB, run.config.embeddings.dim)
    greedy = GreedyRAE(config).to(run.device)
    # Three passes ("epochs"); the peak resident memory after each shows whether anything
    # (a retained graph, say) grows from one to the next.
    peak_rss_mb = []
    for _ in range(3):
        greedy_batched = greedy_sentences_per_second(greedy, sentences[:1024], g.batch_size,
                                                     g.alphas[0], run.device)
        peak_rss_mb.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    # The same batches rescoring every pair at every merge, as before pairs were kept.
    greedy_rescore_all = greedy_sentences_per_second(greedy, sentences[:1024], g.batch_size,
                                                     g.alphas[0], run.device, rescore_all=True)
    greedy_reference = greedy_reference_sentences_per_second(
        greedy, sentences[:GREEDY_REFERENCE_SENTENCES], g.alphas[0], run.device)
    trees = greedy_trees(greedy, sentences[:1024])
    parse = ParseTreeRAE(config).to(run.device)
    parse.load_state_dict(greedy.state_dict())  # the same model, composed along given trees
    tree_batched = tree_sentences_per_second(parse, trees, t.batch_size, t.alphas[0],
                                             run.device)
    tree_reference = tree_reference_sentences_per_second(
        parse, trees[:GREEDY_REFERENCE_SENTENCES * 4], t.alphas[0], run.device)
    return {"greedy_rae_train": greedy_batched,
            "greedy_reference_sentences_per_s": greedy_reference,
            "greedy_speedup": greedy_batched.per_s / greedy_reference,
            "greedy_rescore_all_sentences_per_s": greedy_rescore_all.per_s,
            "greedy_gain_of_rescoring_beside_merges": greedy_batched.per_s
            / greedy_rescore_all.per_s,
            "greedy_batch_size": g.batch_size,
            "greedy_peak_rss_mb_after_each_pass": peak_rss_mb,
            "tree_rae_train": tree_batched,
            "tree_reference_sentences_per_s": tree_reference,
            "tree_speedup": tree_batched.per_s / tree_reference,
            "tree_batch_size": t.batch_size, **phrase_rates(run, trees)}
