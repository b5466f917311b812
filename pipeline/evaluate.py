"""Evaluate: baselines on the same folds, the RAE rows from classify, unroll recovery, report.

Writes reports/mr-<protocol>/accuracy.json, accuracy.md and the figures.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from data.splits import make_folds
from data.vocab import Vocabulary
from evaluation import figures
from evaluation.baselines import BASELINES
from evaluation.metrics import summarise
from evaluation.references import MR_REPORTED
from evaluation.report import markdown
from evaluation.unroll import recovery_by_position
from pipeline.artifacts import (
    ArtifactError,
    check_same,
    load_json,
    load_torch,
    save_json,
    save_text,
)
from pipeline.classify import LABELS, load_pretrained, pretrained_classifier
from pipeline.options import Run, add_common
from pipeline.provenance import provenance

UNROLL_POSITIONS = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, protocol=True)


def _baseline_rows(tokens: list[list[str]], labels: np.ndarray, folds) -> list[dict]:
    rows = []
    for name, estimator in BASELINES.items():
        start, predictions = time.perf_counter(), []
        for fold in folds:
            train = np.concatenate([fold.train, fold.dev])
            model = estimator().fit([tokens[i] for i in train], labels[train])
            predictions.append(model.predict([tokens[i] for i in fold.test]))
        rows.append({"model": name, "predictions": predictions,
                     "seconds": time.perf_counter() - start})
    return rows


def _rae_rows(classified: dict) -> list[dict]:
    names = classified["folds"][0]["models"]
    return [{"model": name,
             "predictions": [f["models"][name]["probs"].argmax(1).numpy()
                             for f in classified["folds"]],
             "seconds": sum(f["models"][name]["seconds"] for f in classified["folds"])}
            for name in names]


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    layout, protocol = run.layout, args.protocol
    mr = load_json(layout.data / "mr.json", "prepare")
    pretrained = load_pretrained(run)
    classified = load_torch(layout.classify(protocol), f"classify PROTOCOL={protocol}")
    check_same(layout.classify(protocol), "config", classified.get("config_digest", "?"),
               run.config.digest(), f"classify PROTOCOL={protocol}")
    folds = make_folds(mr["texts"], mr["labels"], protocol, run.seed)
    stored = [f["test"].numpy() for f in classified["folds"]]
    if len(stored) != len(folds) or any(
            not np.array_equal(s, f.test) for s, f in zip(stored, folds, strict=False)):
        raise ArtifactError(f"{layout.classify(protocol)} holds other test folds than this data "
                            f"and seed; run `make classify PROTOCOL={protocol}` to rebuild it")
    labels = np.asarray(mr["labels"])

    start = time.perf_counter()
    rows = _baseline_rows(mr["tokens"], labels, folds) + _rae_rows(classified)
    truth = [labels[f.test] for f in folds]
    results = [{"model": row["model"], **summarise(truth, row["predictions"], LABELS),
                "seconds": row["seconds"]} for row in rows]

    vocab = Vocabulary(pretrained["vocab"])
    encoder = pretrained_classifier(pretrained, run).encoder.to(run.device)
    held_out = [vocab.encode(mr["tokens"][i]) for f in folds for i in f.test]
    unroll = recovery_by_position(encoder, held_out, UNROLL_POSITIONS, run.device)
    eval_seconds = time.perf_counter() - start

    finetuned = [f["models"]["linear-rae-finetuned"] for f in classified["folds"]]
    tokens = [t for sentence in mr["tokens"] for t in sentence]
    report = {
        "dataset": "mr",
        "protocol": protocol,
        "seed": run.seed,
        "results": results,
        "references": [{**r, "reported": True} for r in MR_REPORTED],
        "chosen_alpha": [f["alpha"] for f in finetuned],
        "unroll": unroll,
        "data": {"source": mr["source"], "sentences": len(mr["texts"]),
                 "skipped_lines": mr["dropped"],
                 "oov_token_rate": float(np.mean([t not in vocab.index for t in tokens])),
                 "pretraining_sentences": pretrained["sentences"],
                 "pretraining_tokens": pretrained["tokens"], "vocabulary": len(vocab)},
        "stage_seconds": {
            "prepare: read and tokenise MR": mr["seconds"],
            "prepare: read and tokenise movie_reviews": pretrained["seconds"]["prepare"],
            "pretrain: skip-gram vectors": pretrained["seconds"]["embeddings"],
            "pretrain: linear RAE": pretrained["seconds"]["rae"],
            "classify: frozen + fine-tuned, all folds": sum(
                m["seconds"] for f in classified["folds"] for m in f["models"].values()),
            "eval: baselines + unroll": eval_seconds,
        },
        "config": run.config.to_dict(),
        "config_digest": run.config.digest(),
        "provenance": provenance(run.command),
    }
    out = layout.report(protocol)
    out.mkdir(parents=True, exist_ok=True)
    figures.confusion(results[-1]["confusion"], list(LABELS),
                      f"{results[-1]['model']}, all test folds", out / "confusion.png")
    figures.training_curves(
        {"skip-gram (negative sampling)": pretrained["embedding_losses"],
         "linear RAE (error per token)": pretrained["rae_losses"]},
        {name: [f["models"][name]["curve"] for f in classified["folds"]]
         for name in classified["folds"][0]["models"]},
        out / "curves.png")
    figures.unroll_recovery(unroll, out / "unroll.png")
    save_text(markdown(report), out / "accuracy.md")
    save_json(report, out / "accuracy.json")
    print(markdown(report).split("## Reported")[0].rstrip())
    print(f"-> {out}/accuracy.json, accuracy.md, confusion.png, curves.png, unroll.png")

