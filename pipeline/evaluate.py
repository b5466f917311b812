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
from pipeline import classify_linear
from pipeline.artifacts import (
    ArtifactError,
    check_same,
    load_json,
    load_torch,
    save_json,
    save_text,
)
from pipeline.classify import LABELS, load_pretrained
from pipeline.locks import exclusive
from pipeline.options import Run, add_common
from pipeline.provenance import provenance

UNROLL_POSITIONS = 10
MODEL_SETS = {"linear": ("linear",), "greedy": ("greedy",), "greedy-random": ("greedy-random",),
              "all": ("linear", "greedy", "greedy-random")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, protocol=True)
    parser.add_argument("--model", choices=MODEL_SETS, default="linear",
                        help="which RAEs' rows to report beside the baselines (default: linear)")


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
    return [{"model": name, "alpha": [f["models"][name].get("alpha") for f in classified["folds"]],
             "predictions": [f["models"][name]["probs"].argmax(1).numpy()
                             for f in classified["folds"]],
             "seconds": sum(f["models"][name]["seconds"] for f in classified["folds"])}
            for name in names]


def _load_classified(run: Run, family: str, protocol: str, folds, mr: dict, pretrained: dict
                     ) -> dict:
    path = run.layout.classify(family, protocol)
    target = f"classify PROTOCOL={protocol} MODEL={family}"
    classified = load_torch(path, target)
    check_same(path, "config", classified.get("config_digest", "?"), run.config.digest(), target)
    check_same(path, "MR data", classified.get("data_fingerprint", "?"), mr["fingerprint"],
               target)
    check_same(path, "vocabulary", classified.get("vocab_digest", "?"),
               pretrained["vocab_digest"], target)
    stored = [f["test"].numpy() for f in classified["folds"]]
    if len(stored) != len(folds) or any(
            not np.array_equal(s, f.test) for s, f in zip(stored, folds, strict=False)):
        raise ArtifactError(f"{path} holds other test folds than this data and seed; "
                            f"delete it and run `make {target}`")
    return classified


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    with exclusive(run.layout.report(args.protocol)):
        _evaluate(run, args.protocol, MODEL_SETS[args.model])


def _evaluate(run: Run, protocol: str, families: tuple[str, ...]) -> None:
    layout = run.layout
    mr = load_json(layout.data / "mr.json", "prepare")
    pretrained = load_pretrained(run)
    folds = make_folds(mr["texts"], mr["labels"], protocol, run.seed)
    classified = {family: _load_classified(run, family, protocol, folds, mr, pretrained)
                  for family in families}
    labels = np.asarray(mr["labels"])

    start = time.perf_counter()
    rows = _baseline_rows(mr["tokens"], labels, folds)
    for family in families:
        rows += _rae_rows(classified[family])
    truth = [labels[f.test] for f in folds]
    results = [{"model": row["model"], **summarise(truth, row["predictions"], LABELS),
                "seconds": row["seconds"]} for row in rows]

    vocab = Vocabulary(pretrained["vocab"])
    unroll = None
    if "linear" in families:
        encoder = classify_linear.build_model(run.config.to_dict(), len(vocab), len(LABELS)).encoder
        encoder.load_state_dict(pretrained["encoder"])
        held_out = [vocab.encode(mr["tokens"][i]) for f in folds for i in f.test]
        unroll = recovery_by_position(encoder.to(run.device), held_out, UNROLL_POSITIONS,
                                      run.device)
    eval_seconds = time.perf_counter() - start

    tokens = [t for sentence in mr["tokens"] for t in sentence]
    # A "-top" row reuses the tree RAE trained for the row without "-top" (only its head is
    # new), so it is left out of the stage's time rather than counting that training twice.
    classify_seconds = {
        f"classify ({family}): all folds": sum(
            row["seconds"] for f in classified[family]["folds"]
            for name, row in f["models"].items() if not name.endswith("-top"))
        for family in families}
    report = {
        "dataset": "mr",
        "protocol": protocol,
        "seed": run.seed,
        "results": results,
        "references": [{**r, "reported": True} for r in MR_REPORTED],
        "chosen_alpha": {row["model"]: row["alpha"] for row in rows
                         if any(a is not None for a in row.get("alpha", [None]))},
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
            **classify_seconds,
            "eval: baselines + unroll": eval_seconds,
        },
        "config": run.config.to_dict(),
        "config_digest": run.config.digest(),
        "provenance": provenance(run.command),
    }
    out = layout.report(protocol)
    out.mkdir(parents=True, exist_ok=True)
    best = max(results[len(BASELINES):], key=lambda r: r["accuracy"])  # the best RAE row
    figures.confusion(best["confusion"], list(LABELS), f"{best['model']}, all test folds",
                      out / "confusion.png")
    figures.training_curves(
        {"skip-gram (negative sampling)": pretrained["embedding_losses"],
         "linear RAE (error per token)": pretrained["rae_losses"]},
        {name: [f["models"][name]["curve"] for f in classified[family]["folds"]]
         for family in families for name in classified[family]["folds"][0]["models"]
         if not name.endswith("-top")},  # the same tree training as the row without -top
        out / "curves.png")
    written = ["accuracy.json", "accuracy.md", "confusion.png", "curves.png"]
    if unroll is not None:
        figures.unroll_recovery(unroll, out / "unroll.png")
        written.append("unroll.png")
    save_text(markdown(report), out / "accuracy.md")
    save_json(report, out / "accuracy.json")
    print(markdown(report).split("## Reported")[0].rstrip())
    print(f"-> {out}/: {', '.join(written)}")
