"""Fit the classifiers of one RAE family on MR, fold by fold, and save their test predictions.

--model linear: linear-rae-frozen and linear-rae-finetuned (pipeline/classify_linear.py).
--model greedy: greedy-rae and greedy-rae-top (pipeline/classify_greedy.py).
--model greedy-random: the same from random word vectors: greedy-rae-random(-top).
"""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np
import torch

from data.splits import make_folds
from data.vocab import Vocabulary
from pipeline import classify_greedy, classify_linear
from pipeline.artifacts import check_same, load_json, load_torch, reusable, save_torch
from pipeline.checkpoints import open_checkpoint, remove_checkpoint
from pipeline.locks import exclusive
from pipeline.options import Run, add_common
from pipeline.pretrain import PRETRAIN_SECTIONS
from pipeline.provenance import provenance
from pipeline.runtime import set_seed

LABELS = ("neg", "pos")  # class index -> name
# family -> (how to train one fold, how to build the saved model for predict)
FAMILIES = {
    "linear": (classify_linear.train_fold, classify_linear.build_model),
    "greedy": (classify_greedy.train_fold, classify_greedy.build_model),
    "greedy-random": (partial(classify_greedy.train_fold, pretrained_words=False),
                      classify_greedy.build_model),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, protocol=True)
    parser.add_argument("--model", choices=FAMILIES, default="linear",
                        help="which RAE to classify with (default: linear)")


def load_pretrained(run: Run) -> dict:
    pretrained = load_torch(run.layout.pretrain, "pretrain")
    check_same(run.layout.pretrain, "pretraining config", pretrained.get("config_digest", "?"),
               run.config.digest(*PRETRAIN_SECTIONS), "pretrain")
    return pretrained


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    with exclusive(run.layout.run):
        _classify(run, args.model, args.protocol)


def _classify(run: Run, family: str, protocol: str) -> None:
    train_fold, _ = FAMILIES[family]
    pretrained = load_pretrained(run)
    mr = load_json(run.layout.data / "mr.json", "prepare")
    made_from = {"config_digest": run.config.digest(), "vocab_digest": pretrained["vocab_digest"],
                 "data_fingerprint": mr["fingerprint"], "protocol": protocol, "family": family,
                 "seed": run.seed}
    classify_path, model_path = run.layout.classify(family, protocol), run.layout.model(family,
                                                                                       protocol)
    target = f"classify PROTOCOL={protocol} MODEL={family}"
    if model_path.is_file() and reusable(classify_path, target, **made_from):
        model_path.touch()
        return
    checkpoint = open_checkpoint(classify_path, made_from, run.checkpoint_every, target)
    vocab = Vocabulary(pretrained["vocab"])
    sentences = [vocab.encode(tokens) for tokens in mr["tokens"]]
    labels = np.asarray(mr["labels"])
    folds = make_folds(mr["texts"], mr["labels"], protocol, run.seed)

    results = []
    for k, fold in enumerate(folds):
        parts = {name: ([sentences[i] for i in idx], labels[idx])
                 for name, idx in (("train", fold.train), ("dev", fold.dev), ("test", fold.test))}
        done = checkpoint.get(f"fold{k}")
        if done is None:
            fold_seed = run.seed * 1000 + k
            set_seed(fold_seed)  # a fold trains the same whether or not earlier ones were resumed
            rows, state = train_fold(pretrained, run, parts, len(LABELS), fold_seed,
                                     checkpoint.scope(f"fold{k}"))
            # predict uses the first fold's model
            done = {"models": rows, "state": state if k == 0 else None}
            checkpoint.put(f"fold{k}", done)
        results.append({"test": torch.as_tensor(fold.test), "dev": torch.as_tensor(fold.dev),
                        "models": done["models"]})
        accuracies = ", ".join(
            f"{name} {(row['probs'].argmax(1).numpy() == parts['test'][1]).mean():.3f}"
            for name, row in done["models"].items())
        print(f"fold {k + 1}/{len(folds)}: {accuracies}", flush=True)

    header = {**made_from, "config": run.config.to_dict(), "provenance": provenance(run.command)}
    model_state = {name: value.cpu() for name, value in checkpoint.get("fold0")["state"].items()}
    save_torch({**header, "kind": "model", "vocab": pretrained["vocab"], "labels": list(LABELS),
                "state": model_state}, model_path)
    save_torch({**header, "kind": "classify", "folds": results}, classify_path)
    remove_checkpoint(classify_path)
    print(f"-> {classify_path}, {model_path}")
