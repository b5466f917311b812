"""How fast do trained models answer text? A part of `make bench`.

Sentences of the benchmark's lengths (about 22 words) go the whole way `python -m pipeline
predict` takes them: tokenised (one batch ahead, in a process of its own), encoded,
classified in batches and turned into JSON lines, for the linear RAE, the greedy RAE and the
greedy RAE drawing each sentence's tree (--tree). The models have the config's sizes and a
20,000-word vocabulary; their weights are random, which changes nothing in the work done (the
greedy trees' shapes aside). It runs in a process of its own, as predict does: beside
millions of live objects (what the training benchmarks leave), it ran about 10% slower, the
garbage collector walking them all as tokenising makes new ones.

    python -m pipeline.bench.predict CONFIG_JSON VOCABULARY DEVICE SEED  -> one JSON line
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import torch

from data.vocab import PAD, UNK, Vocabulary
from pipeline.families import FAMILIES
from pipeline.infra.config import Config, parse_config
from pipeline.predict import answer_lines, one_core_reading
from pipeline.serving.trained import BATCH, TrainedModel
from training.inference import predict_proba

SENTENCES = {"linear": 8192, "greedy": 2048, "greedy --tree": 2048}


def _texts(vocab: Vocabulary, count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.normal(22, 9, count).round(), 3, 60).astype(int)
    return [" ".join(vocab.words[i] for i in rng.integers(2, len(vocab), n)) for n in lengths]


def predict_throughput(config: Config, vocab_size: int, device: torch.device, seed: int
                       ) -> dict[str, float]:
    """Sentences per second from text to JSON lines, for each of SENTENCES' ways, and the
    linear RAE's two parts alone."""
    vocab = Vocabulary([PAD, UNK] + [f"word{i}" for i in range(vocab_size - 2)])
    torch.manual_seed(seed)
    rates = {}
    for way, count in SENTENCES.items():
        trained = _trained(way.split()[0], config, vocab, device)
        texts = _texts(vocab, count, seed)
        tree = way.endswith("--tree")
        with one_core_reading():
            list(answer_lines(trained, texts[:256], tree))  # warm-up: allocation, first batches
            start = time.perf_counter()
            for answer in answer_lines(trained, texts, tree):
                json.dumps(answer, ensure_ascii=False)
            rates[way] = count / (time.perf_counter() - start)
    return {**rates, **_linear_parts(_trained("linear", config, vocab, device), vocab, seed)}


def _trained(family_name: str, config: Config, vocab: Vocabulary, device: torch.device
             ) -> TrainedModel:
    family = FAMILIES[family_name]
    return TrainedModel(family, family.build_model(config, len(vocab), 2).eval(), vocab,
                        ["neg", "pos"], config).to(device)


def _linear_parts(trained: TrainedModel, vocab: Vocabulary, seed: int) -> dict[str, float]:
    """Where the linear RAE's time goes: tokenising alone (in this process, one thread, as
    answer_lines's reading process does it), and the model alone on the tokens, at predict's
    threads."""
    texts = _texts(vocab, SENTENCES["linear"], seed)
    start = time.perf_counter()
    words = trained.read(texts)
    tokenising = len(texts) / (time.perf_counter() - start)
    ids = [vocab.encode(w) for w in words]
    with one_core_reading():
        start = time.perf_counter()
        predict_proba(trained.model, ids, trained.max_length, trained.device, BATCH)
        model = len(texts) / (time.perf_counter() - start)
    return {"linear: tokenising alone": tokenising, "linear: the model alone": model}


def predict_throughput_in_a_process(config: Config, vocab_size: int, device: torch.device,
                                    seed: int) -> dict[str, float]:
    child = subprocess.run(
        [sys.executable, "-m", "pipeline.bench.predict", json.dumps(config.to_dict()),
         str(vocab_size), str(device), str(seed)], capture_output=True, text=True, check=True)
    return json.loads(child.stdout.splitlines()[-1])


if __name__ == "__main__":
    values, vocab_size, device, seed = sys.argv[1:]
    print(json.dumps(predict_throughput(parse_config(json.loads(values)), int(vocab_size),
                                        torch.device(device), int(seed))))
