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
from pipeline.artifacts import check_same, load_json, load_torch, save_torch
from pipeline.options import Run, add_common
from pipeline.pretrain import PRETRAIN_SECTIONS
from pipeline.provenance import provenance

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
    train_fold, _ = FAMILIES[args.model]
    pretrained = load_pretrained(run)
    mr = load_json(run.layout.data / "mr.json", "prepare")
    vocab = Vocabulary(pretrained["vocab"])
    sentences = [vocab.encode(tokens) for tokens in mr["tokens"]]
    labels = np.asarray(mr["labels"])
    folds = make_folds(mr["texts"], mr["labels"], args.protocol, run.seed)

    results, model_state = [], None
    for k, fold in enumerate(folds):
        parts = {name: ([sentences[i] for i in idx], labels[idx])
                 for name, idx in (("train", fold.train), ("dev", fold.dev), ("test", fold.test))}
        rows, state = train_fold(pretrained, run, parts, len(LABELS), run.seed * 1000 + k)
        if model_state is None:  # predict uses the first fold's model
            model_state = {name: value.cpu() for name, value in state.items()}
        results.append({"test": torch.as_tensor(fold.test), "dev": torch.as_tensor(fold.dev),
                        "models": rows})
        accuracies = ", ".join(
            f"{name} {(row['probs'].argmax(1).numpy() == parts['test'][1]).mean():.3f}"
            for name, row in rows.items())
        print(f"fold {k + 1}/{len(folds)}: {accuracies}", flush=True)

    header = {"config": run.config.to_dict(), "config_digest": run.config.digest(),
              "vocab_digest": pretrained["vocab_digest"], "data_fingerprint": mr["fingerprint"],
              "protocol": args.protocol,
              "family": args.model, "seed": run.seed, "provenance": provenance(run.command)}
    model_path = run.layout.model(args.model, args.protocol)
    save_torch({**header, "kind": "model", "vocab": pretrained["vocab"], "labels": list(LABELS),
                "state": model_state}, model_path)
    classify_path = run.layout.classify(args.model, args.protocol)
    save_torch({**header, "kind": "classify", "folds": results}, classify_path)
    print(f"-> {classify_path}, {model_path}")
