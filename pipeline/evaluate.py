"""Evaluate: baselines on the same folds, the RAE rows from classify, unroll recovery, report.

Writes reports/<dataset>-<protocol>/<run>/accuracy.json, accuracy.md and the figures.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np

from data.tasks import Task
from data.vocab import Vocabulary
from evaluation import figures
from evaluation.baselines import BASELINES
from evaluation.fusion import best_dev_row, mix, nbsvm_probabilities
from evaluation.metrics import summarise
from evaluation.phrases import node_accuracy, phrase_accuracy
from evaluation.predictions import fold_predictions
from evaluation.probes import asks, load_probes
from evaluation.probes import score as score_probes
from evaluation.references import REPORTED
from evaluation.report import markdown
from evaluation.subsets import subset_accuracies, subset_masks
from evaluation.tree_examples import draw_tree_examples
from evaluation.unroll import recovery_by_position
from models.word_rae import WordRAE
from pipeline.families import FAMILIES, Family, families_for
from pipeline.infra.artifacts import save_json, save_text
from pipeline.infra.built import load_classified, load_pretrained, load_task
from pipeline.infra.locks import exclusive
from pipeline.infra.options import Run, add_common, dataset_of
from pipeline.infra.paths import classify_target
from pipeline.infra.provenance import provenance
from pipeline.parsed_trees import parsed_tree_scores
from pipeline.serving.trained import load_model
from training.inference import predict_proba
from training.parse_tree import root_probabilities

UNROLL_POSITIONS = 10
FUSED = "rae+nbsvm"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", choices=[*FAMILIES, "all"], nargs="+", default=["linear"],
                        help="which RAE families' rows to report beside the baselines "
                             "(default: linear; all: every family that runs on the data set)")


@dataclass
class Inputs:
    """What eval reads: the task, the pretrained encoder, each family's classify artifact."""

    task: Task
    families: tuple[Family, ...]
    pretrained: dict
    classified: dict[str, dict]  # family name -> its classify artifact


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    task = load_task(run, dataset_of(args), args.protocol)
    families = families_for(task.data.kind, args.model)
    with exclusive(run.layout.report(task.name)):
        if _reported(run, task, families):
            print(f"{run.layout.report(task.name)} already holds this run's "
                  f"{', '.join(f.name for f in families)} rows, made since their artifacts by "
                  f"another eval: kept")
            return
        inputs = _load(run, task, families)
        report, rows = _measure(run, inputs)
        _write(run, inputs, report, rows)
        # Last, under the report's lock: make compares it with the run it is asked for.
        save_text(f"{run.layout.run_name} {' '.join(f.name for f in families)}\n",
                  run.layout.report_source(task.name))


def _reported(run: Run, task: Task, families: tuple[Family, ...]) -> bool:
    """Whether the report already holds these families' rows of this run, made after their
    artifacts: another eval (a make started beside this one, with more families) made it
    while this one waited for the lock, and remaking it would drop that one's rows."""
    source = run.layout.report_source(task.name)
    paths = [run.layout.report(task.name) / "accuracy.json",
             *(run.layout.classify(f.name, task.name) for f in families)]
    if not source.is_file() or not all(path.is_file() for path in paths):
        return False
    run_name, *reported = source.read_text().split() or [""]
    made, *artifacts = (path.stat().st_mtime for path in paths)
    return (run_name == run.layout.run_name and {f.name for f in families} <= set(reported)
            and all(artifact <= made for artifact in artifacts))


def _load(run: Run, task: Task, families: tuple[Family, ...]) -> Inputs:
    pretrained = load_pretrained(run)
    return Inputs(task, families, pretrained,
                  {f.name: load_classified(run, f, task, pretrained) for f in families})


def _baseline_rows(task: Task) -> list[dict]:
    tokens, labels, rows = task.tokens, task.labels, []
    for name, estimator in BASELINES.items():
        start, predictions = time.perf_counter(), []
        for fold in task.folds:
            train = np.concatenate([fold.train, fold.dev])
            model = estimator().fit([tokens[i] for i in train], labels[train])
            predictions.append(model.predict([tokens[i] for i in fold.test]))
        row = {"model": name, "predictions": predictions}
        if task.trees is not None:
            row["all_phrases"] = phrase_accuracy(model.predict, task)
        rows.append({**row, "seconds": time.perf_counter() - start})
    return rows


def _saved_model_phrase_accuracy(run: Run, task: Task, family: Family) -> float:
    """All-phrase accuracy of the model classify saved for the family (SST has one fold)."""
    model, vocab = _saved_model(run, task, family)
    max_length = run.config.data.max_length  # the saved model's own: its config digest is checked

    def predict(phrases):
        ids = [vocab.encode(words) for words in phrases]
        return predict_proba(model, ids, max_length, run.device).argmax(1)

    return phrase_accuracy(predict, task)


def _family_rows(run: Run, task: Task, family: Family, classified: dict) -> list[dict]:
    folds, rows = classified["folds"], []
    for name in family.rows:
        made = [f["models"][name] for f in folds]
        row = {"model": name, "alpha": [m.get("alpha") for m in made],
               "word_start": [m.get("word_start") for m in made],
               "epochs": [len(m["curve"]["train_loss"]) if "curve" in m else None
                          for m in made],
               "predictions": [m["probs"].argmax(1).numpy() for m in made],
               "probs": [m["probs"].numpy() for m in made],
               "dev_probs": [m["dev_probs"].numpy() for m in made],
               "refit": any(m.get("refit") for m in made),
               # the picked alpha's dev accuracy at its best epoch (rows that pick alpha)
               "dev_accuracy": [max(m["dev_accuracy"].values()) if "dev_accuracy" in m else None
                                for m in made],
               "seconds": sum(m["seconds"] for m in made)}
        if task.trees is not None:  # on a sentence task no phrase has a label
            if "node_predictions" in made[0]:
                row["all_phrases"] = node_accuracy(task, made[0]["node_predictions"])
            elif name == family.saved_row:
                row["all_phrases"] = _saved_model_phrase_accuracy(run, task, family)
        rows.append(row)
    return rows


def _per_fold(rows: list[dict], key: str) -> dict[str, list]:
    """{row: its per-fold `key`} of the rows that have one (the RAE rows that pick alpha)."""
    return {row["model"]: row[key] for row in rows
            if any(value is not None for value in row.get(key, [None]))}


def _fused(task: Task, rae_rows: list[dict]) -> dict:
    """The rae+nbsvm row (evaluation/fusion.py) and what each part scores on the same folds."""
    start = time.perf_counter()
    folds = task.folds
    dev_labels = [task.labels[f.dev] for f in folds]
    name = best_dev_row({r["model"]: r["dev_probs"] for r in rae_rows}, dev_labels)
    rae = next(r for r in rae_rows if r["model"] == name)
    nbsvm = [nbsvm_probabilities(task.tokens, task.labels, f) for f in folds]
    mixed = [mix({"dev": d, "test": t}, nb, y) for d, t, nb, y in
             zip(rae["dev_probs"], rae["probs"], nbsvm, dev_labels, strict=True)]

    def test_accuracy(probs: list[np.ndarray]) -> float:
        return float(np.mean([(p.argmax(1) == task.labels[f.test]).mean()
                              for p, f in zip(probs, folds, strict=True)]))

    return {"row": {"model": FUSED, "predictions": [p.argmax(1) for _, p in mixed],
                    "seconds": time.perf_counter() - start},
            "rae_row": name, "rae_weights": [round(w, 2) for w, _ in mixed],
            "alone": {name: test_accuracy(rae["probs"]),
                      "nbsvm-bi (train part only, Platt-scaled on dev)":
                          test_accuracy([nb["test"] for nb in nbsvm])}}


def _unroll(run: Run, inputs: Inputs) -> dict | None:
    """How much of held-out sentences the pretrained linear code gives back (linear rows only)."""
    if "linear" not in inputs.classified:
        return None
    config, vocab = run.config, Vocabulary(inputs.pretrained["vocab"])
    encoder = WordRAE(len(vocab), config.embeddings.dim, config.rae.hidden)
    encoder.load_state_dict(inputs.pretrained["encoder"])
    held_out = [vocab.encode(inputs.task.tokens[i]) for f in inputs.task.folds for i in f.test]
    return recovery_by_position(encoder.to(run.device), held_out, UNROLL_POSITIONS, run.device)


def _measure(run: Run, inputs: Inputs) -> tuple[dict, list[dict]]:
    """-> (the report, the rows with their per-fold predictions)."""
    task, pretrained = inputs.task, inputs.pretrained
    start = time.perf_counter()
    rows = _baseline_rows(task)
    for family in inputs.families:
        rows += _family_rows(run, task, family, inputs.classified[family.name])
    fusion = _fused(task, rows[len(BASELINES):]) if len(task.class_names) == 2 else None
    if fusion is not None:
        rows.append(fusion.pop("row"))
    truth = [task.labels[f.test] for f in task.folds]
    masks = subset_masks([task.tokens[i] for f in task.folds for i in f.test])
    results = [{"model": row["model"], **summarise(truth, row["predictions"], task.class_names),
                "all_phrases": row.get("all_phrases"),
                "subsets": subset_accuracies(masks, np.concatenate(truth),
                                             np.concatenate(row["predictions"])),
                "seconds": row["seconds"]}
               for row in rows]
    unroll = _unroll(run, inputs)
    trained = {name for f in inputs.families for name in f.trained_rows}
    eval_seconds = time.perf_counter() - start
    vocab = Vocabulary(pretrained["vocab"])
    tokens = [t for sentence in task.tokens for t in sentence]
    report = {
        "dataset": task.dataset,
        "protocol": task.protocol,
        "seed": run.seed,
        "results": results,
        "families": {f.name: f.about for f in inputs.families},
        "references": [{**r, "reported": True} for r in REPORTED.get(task.dataset, [])],
        "chosen_alpha": _per_fold(rows, "alpha"),
        "chosen_word_start": _per_fold(rows, "word_start"),
        "epochs": _per_fold([r for r in rows if r["model"] in trained], "epochs"),
        "dev_accuracy": _per_fold(rows, "dev_accuracy"),
        # Rows whose tested model was trained again on train + dev (config `refit`).
        "refit_rows": [row["model"] for row in rows if row.get("refit")],
        "unroll": unroll,
        "fusion": fusion,
        "probes": _probe_scores(run, task, inputs.families),
        "parsed_trees": parsed_tree_scores(run, task, inputs.families),
        "data": {"source": task.prepared["source"], "sentences": len(task.texts),
                 "skipped_lines": task.prepared["dropped"],
                 "oov_token_rate": float(np.mean([t not in vocab.index for t in tokens])),
                 "pretraining_sentences": pretrained["sentences"],
                 "pretraining_tokens": pretrained["tokens"], "vocabulary": len(vocab)},
        "stage_seconds": _stage_seconds(inputs, eval_seconds),
        "config": run.config.to_dict(),
        "config_digest": run.config.digest(),
        "provenance": provenance(run.command),
        # Each artifact records the code that made it; the report names every one.
        "built_by": {"pretrain": pretrained["provenance"],
                     **{f"classify {name}": classified["provenance"]
                        for name, classified in inputs.classified.items()}},
    }
    return report, rows


def _stage_seconds(inputs: Inputs, eval_seconds: float) -> dict[str, float]:
    seconds = inputs.pretrained["seconds"]
    return {
        f"prepare: read and tokenise {inputs.task.dataset}": inputs.task.prepared["seconds"],
        "prepare: read and tokenise movie_reviews": seconds["prepare"],
        "pretrain: skip-gram vectors": seconds["embeddings"],
        "pretrain: linear RAE": seconds["rae"],
        # A row that reuses another row's training is not counted twice.
        **{f"classify ({f.name}): all folds": sum(
            fold["models"][name]["seconds"] for fold in inputs.classified[f.name]["folds"]
            for name in f.trained_rows) for f in inputs.families},
        "eval: baselines + unroll": eval_seconds,
    }


def _write(run: Run, inputs: Inputs, report: dict, rows: list[dict]) -> None:
    task, out = inputs.task, run.layout.report(inputs.task.name)
    out.mkdir(parents=True, exist_ok=True)
    best = max((r for r in report["results"][len(BASELINES):] if r["model"] != FUSED),
               key=lambda r: r["accuracy"])  # best RAE row
    figures.confusion(best["confusion"], list(task.class_names), f"{best['model']}, all test folds",
                      out / "confusion.png")
    figures.training_curves(
        {"skip-gram (negative sampling)": inputs.pretrained["embedding_losses"],
         "linear RAE (error per token)": inputs.pretrained["rae_losses"]},
        {name: [fold["models"][name]["curve"] for fold in inputs.classified[f.name]["folds"]]
         for f in inputs.families for name in f.trained_rows},
        out / "curves.png")
    save_json(fold_predictions(task, rows), out / "predictions.json", indent=None)
    written = ["accuracy.json", "accuracy.md", "predictions.json", "confusion.png", "curves.png"]
    if report["unroll"] is not None:
        figures.unroll_recovery(report["unroll"], out / "unroll.png")
        written.append("unroll.png")
    if task.trees is not None and {"greedy", "tree"} <= set(inputs.classified):
        greedy, tree = (_saved_model(run, task, FAMILIES[name]) for name in ("greedy", "tree"))
        report["tree_figure"] = draw_tree_examples(task, greedy, tree, run.device,
                                                   out / "trees.png")
        written.append("trees.png")
    save_text(markdown(report), out / "accuracy.md")
    save_json(report, out / "accuracy.json")
    print(markdown(report).split("## Reported")[0].rstrip())
    print(f"-> {out}/: {', '.join(written)}")


def _probe_scores(run: Run, task: Task, families: tuple[Family, ...]) -> dict[str, dict]:
    """{saved row: the probes' score} of every family's saved model, on sentiment tasks: a text
    model reads each probe's sentence, a tree model its tree."""
    if not asks(task.class_names):
        return {}
    probes, scores = load_probes(), {}
    for family in families:
        target = classify_target(task.data.make_args, task.protocol, family.name)
        trained = load_model(run.layout.model(family.name, task.name), family, target)
        if family.needs_trees:
            trees = [p.tree.encoded(trained.vocab) for p in probes]
            probs = root_probabilities(trained.model.to(run.device), trees, run.device).numpy()
        else:
            probs = trained.to(run.device).probabilities([p.text for p in probes])
        scores[family.saved_row] = score_probes(probes, probs, task.class_names)
    return scores


def _saved_model(run: Run, task: Task, family: Family):
    target = classify_target(task.data.make_args, task.protocol, family.name)
    trained = load_model(run.layout.model(family.name, task.name), family, target)
    return trained.model.to(run.device), trained.vocab
