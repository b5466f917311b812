"""Evaluate: baselines on the same folds, the RAE rows from classify, unroll recovery, report.

Writes reports/<dataset>-<protocol>/accuracy.json, accuracy.md and the figures.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from data.vocab import Vocabulary
from evaluation import figures
from evaluation.baselines import BASELINES
from evaluation.metrics import summarise
from evaluation.references import REPORTED
from evaluation.report import markdown
from evaluation.unroll import recovery_by_position
from pipeline import classify_linear, tree_examples
from pipeline.artifacts import (
    ArtifactError,
    check_same,
    load_torch,
    save_json,
    save_text,
)
from pipeline.classify import FAMILIES, load_pretrained
from pipeline.locks import exclusive
from pipeline.options import Run, add_common
from pipeline.phrases import SAVED_ROW, node_accuracy, phrase_accuracy
from pipeline.predict import load_model
from pipeline.provenance import provenance
from pipeline.tasks import Task, classify_target, load_task
from training.classifier import predict_proba

UNROLL_POSITIONS = 10
# --model all: every family that applies to the dataset
ALL_FAMILIES = {"mr": ("linear", "greedy", "greedy-random"), "sst2": ("linear", "greedy", "tree"),
                "sst5": ("linear", "greedy", "tree")}


def families_for(dataset: str, model: str) -> tuple[str, ...]:
    return ALL_FAMILIES[dataset] if model == "all" else (model,)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", choices=[*FAMILIES, "all"], default="linear",
                        help="which RAEs' rows to report beside the baselines (default: linear)")


def _baseline_rows(task: Task) -> list[dict]:
    tokens, labels, rows = task.tokens, task.labels, []
    for name, estimator in BASELINES.items():
        start, predictions = time.perf_counter(), []
        for fold in task.folds:
            train = np.concatenate([fold.train, fold.dev])
            model = estimator().fit([tokens[i] for i in train], labels[train])
            predictions.append(model.predict([tokens[i] for i in fold.test]))
        row = {"model": name, "predictions": predictions}
        if task.children is not None:
            row["all_phrases"] = phrase_accuracy(model.predict, task)
        rows.append({**row, "seconds": time.perf_counter() - start})
    return rows


def _saved_model_phrase_accuracy(run: Run, task: Task, family: str) -> float:
    """All-phrase accuracy of the model classify saved for the family (SST has one fold)."""
    model, vocab, _, max_length = load_model(
        run.layout.model(family, task.name), family,
        classify_target(task.dataset, task.protocol, family))
    model.to(run.device)

    def predict(phrases):
        ids = [vocab.encode(words) for words in phrases]
        return predict_proba(model, ids, max_length, run.device).argmax(1)

    return phrase_accuracy(predict, task)


def _rae_rows(classified: dict, task: Task) -> list[dict]:
    folds = classified["folds"]
    rows = []
    for name in folds[0]["models"]:
        row = {"model": name, "alpha": [f["models"][name].get("alpha") for f in folds],
               "predictions": [f["models"][name]["probs"].argmax(1).numpy() for f in folds],
               "seconds": sum(f["models"][name]["seconds"] for f in folds)}
        if "node_predictions" in folds[0]["models"][name]:
            row["all_phrases"] = node_accuracy(task,
                                               folds[0]["models"][name]["node_predictions"])
        rows.append(row)
    return rows


def _load_classified(run: Run, family: str, task: Task, pretrained: dict) -> dict:
    path = run.layout.classify(family, task.name)
    target = classify_target(task.dataset, task.protocol, family)
    classified = load_torch(path, target)
    check_same(path, "config", classified.get("config_digest", "?"), run.config.digest(), target)
    check_same(path, f"{task.dataset} data", classified.get("data_fingerprint", "?"),
               task.fingerprint, target)
    check_same(path, "vocabulary", classified.get("vocab_digest", "?"),
               pretrained["vocab_digest"], target)
    stored = [f["test"].numpy() for f in classified["folds"]]
    if len(stored) != len(task.folds) or any(
            not np.array_equal(s, f.test) for s, f in zip(stored, task.folds, strict=False)):
        raise ArtifactError(f"{path} holds other test folds than this data and seed; "
                            f"delete it and run `make {target}`")
    return classified


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    task = load_task(run.layout, args.dataset, args.protocol, run.seed)
    with exclusive(run.layout.report(task.name)):
        _evaluate(run, task, families_for(args.dataset, args.model))


def _evaluate(run: Run, task: Task, families: tuple[str, ...]) -> None:
    layout, folds, labels = run.layout, task.folds, task.labels
    pretrained = load_pretrained(run)
    classified = {family: _load_classified(run, family, task, pretrained)
                  for family in families}

    start = time.perf_counter()
    rows = _baseline_rows(task)
    for family in families:
        rows += _rae_rows(classified[family], task)
        saved = [row for row in rows if row["model"] == SAVED_ROW.get(family)]
        if task.children is not None and saved:
            saved[0]["all_phrases"] = _saved_model_phrase_accuracy(run, task, family)
    truth = [labels[f.test] for f in folds]
    results = [{"model": row["model"], **summarise(truth, row["predictions"], task.class_names),
                "all_phrases": row.get("all_phrases"), "seconds": row["seconds"]}
               for row in rows]

    vocab = Vocabulary(pretrained["vocab"])
    unroll = None
    if "linear" in families:
        encoder = classify_linear.build_model(run.config.to_dict(), len(vocab),
                                              len(task.class_names)).encoder
        encoder.load_state_dict(pretrained["encoder"])
        held_out = [vocab.encode(task.tokens[i]) for f in folds for i in f.test]
        unroll = recovery_by_position(encoder.to(run.device), held_out, UNROLL_POSITIONS,
                                      run.device)
    eval_seconds = time.perf_counter() - start

    tokens = [t for sentence in task.tokens for t in sentence]
    # A "-top" row reuses the tree RAE trained for the row without "-top" (only its head is
    # new), so it is left out of the stage's time rather than counting that training twice.
    classify_seconds = {
        f"classify ({family}): all folds": sum(
            row["seconds"] for f in classified[family]["folds"]
            for name, row in f["models"].items() if not name.endswith("-top"))
        for family in families}
    report = {
        "dataset": task.dataset,
        "protocol": task.protocol,
        "seed": run.seed,
        "results": results,
        "references": [{**r, "reported": True} for r in REPORTED[task.dataset]],
        "chosen_alpha": {row["model"]: row["alpha"] for row in rows
                         if any(a is not None for a in row.get("alpha", [None]))},
        "unroll": unroll,
        "data": {"source": task.prepared["source"], "sentences": len(task.texts),
                 "skipped_lines": task.prepared["dropped"],
                 "oov_token_rate": float(np.mean([t not in vocab.index for t in tokens])),
                 "pretraining_sentences": pretrained["sentences"],
                 "pretraining_tokens": pretrained["tokens"], "vocabulary": len(vocab)},
        "stage_seconds": {
            f"prepare: read and tokenise {task.dataset}": task.prepared["seconds"],
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
    out = layout.report(task.name)
    out.mkdir(parents=True, exist_ok=True)
    best = max(results[len(BASELINES):], key=lambda r: r["accuracy"])  # the best RAE row
    figures.confusion(best["confusion"], list(task.class_names), f"{best['model']}, all test folds",
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
    if task.children is not None and {"greedy", "tree"} <= set(families):
        report["tree_figure"] = tree_examples.draw(run, task, out / "trees.png")
        written.append("trees.png")
    save_text(markdown(report), out / "accuracy.md")
    save_json(report, out / "accuracy.json")
    print(markdown(report).split("## Reported")[0].rstrip())
    print(f"-> {out}/: {', '.join(written)}")
