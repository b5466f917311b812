"""Fit the softmax head on the RAE's final code h_n, per fold: frozen and fine-tuned encoder.

linear-rae-frozen: the pretrained encoder is fixed; only the head learns (what pretraining
alone captured). linear-rae-finetuned: word vectors, encoder and head train together on
alpha * reconstruction + (1 - alpha) * cross-entropy, with alpha picked on the fold's dev set.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from data.splits import make_folds
from data.vocab import Vocabulary
from models.classifier import RAEClassifier
from pipeline.artifacts import check_same, load_json, load_torch, save_torch
from pipeline.options import Run, add_common
from pipeline.pretrain import PRETRAIN_SECTIONS, build_encoder
from pipeline.provenance import provenance
from training.classifier import encode_codes, fine_tune, fit_head, predict_proba

LABELS = ("neg", "pos")  # class index -> name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, protocol=True)


def load_pretrained(run: Run) -> dict:
    pretrained = load_torch(run.layout.pretrain, "pretrain")
    check_same(run.layout.pretrain, "pretraining config", pretrained.get("config_digest", "?"),
               run.config.digest(*PRETRAIN_SECTIONS), "pretrain")
    return pretrained


def pretrained_classifier(pretrained: dict, run: Run) -> RAEClassifier:
    encoder = build_encoder(len(pretrained["vocab"]), run)
    encoder.load_state_dict(pretrained["encoder"])
    return RAEClassifier(encoder, classes=len(LABELS), dropout=run.config.classify.dropout)


def _frozen(pretrained: dict, run: Run, parts: dict) -> dict:
    start = time.perf_counter()
    model = pretrained_classifier(pretrained, run).to(run.device)
    max_length = run.config.data.max_length
    codes = {name: encode_codes(model.encoder, sents, max_length, run.device)
             for name, (sents, _) in parts.items()}
    labels = {name: torch.as_tensor(y, device=run.device) for name, (_, y) in parts.items()}
    c = run.config.classify
    curve = fit_head(model.head, codes["train"], labels["train"], codes["dev"], labels["dev"],
                     c.head_epochs, c.head_lr, c.head_patience)
    with torch.no_grad():
        probs = torch.softmax(model.head(codes["test"]), -1).cpu()
    return {"probs": probs, "curve": vars(curve), "seconds": time.perf_counter() - start}


def _finetuned(pretrained: dict, run: Run, parts: dict, fold_seed: int) -> tuple[dict, dict]:
    start = time.perf_counter()
    c, max_length = run.config.classify, run.config.data.max_length
    best = None
    dev_accuracy = {}
    for alpha in c.alphas:
        torch.manual_seed(fold_seed)  # same head initialisation for every alpha
        model = pretrained_classifier(pretrained, run).to(run.device)
        curve = fine_tune(model, parts["train"], parts["dev"], alpha, c.epochs, c.batch_size,
                          c.lr, c.clip_norm, c.patience, max_length, fold_seed, run.device)
        dev_accuracy[str(alpha)] = max(curve.dev_accuracy)
        if best is None or dev_accuracy[str(alpha)] > dev_accuracy[str(best[0])]:
            best = (alpha, model, curve)
    alpha, model, curve = best
    probs = torch.from_numpy(predict_proba(model, parts["test"][0], max_length, run.device))
    result = {"probs": probs, "curve": vars(curve), "alpha": alpha, "dev_accuracy": dev_accuracy,
              "seconds": time.perf_counter() - start}
    return result, {k: v.cpu() for k, v in model.state_dict().items()}


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
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
        frozen = _frozen(pretrained, run, parts)
        finetuned, state = _finetuned(pretrained, run, parts, run.seed * 1000 + k)
        model_state = model_state or state  # predict uses the first fold's model
        results.append({"test": torch.as_tensor(fold.test), "dev": torch.as_tensor(fold.dev),
                        "models": {"linear-rae-frozen": frozen,
                                   "linear-rae-finetuned": finetuned}})
        accuracies = {name: float((m["probs"].argmax(1).numpy() == parts["test"][1]).mean())
                      for name, m in results[-1]["models"].items()}
        print(f"fold {k + 1}/{len(folds)}: " + ", ".join(
            f"{name} {acc:.3f}" for name, acc in accuracies.items())
            + f" (alpha {finetuned['alpha']})", flush=True)

    header = {"config": run.config.to_dict(), "config_digest": run.config.digest(),
              "vocab_digest": pretrained["vocab_digest"], "protocol": args.protocol,
              "seed": run.seed, "provenance": provenance(run.command)}
    save_torch({**header, "kind": "model", "vocab": pretrained["vocab"], "labels": list(LABELS),
                "state": model_state}, run.layout.model(args.protocol))
    save_torch({**header, "kind": "classify", "folds": results}, run.layout.classify(args.protocol))
    print(f"-> {run.layout.classify(args.protocol)}, {run.layout.model(args.protocol)}")
