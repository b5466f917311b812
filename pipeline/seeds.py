"""One task's reports of several seeds of one config in one table: each model's accuracy as
the mean ± std over every seed's test folds (10-fold CV) or test sets (the split), and each
seed's mean -> reports/<task>/<config>-<C>-seeds.{json,md}.

`make sweep SEEDS="0 1 2"` builds each seed's report first (`make eval SEED=s`, JOBS of them
at once) and then this stage, which only reads them.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
from pathlib import Path

import numpy as np

from data.datasets import DataSet
from pipeline.infra.artifacts import save_json, save_text
from pipeline.infra.options import Run, add_common, dataset_of, seed_value
from pipeline.infra.paths import folder_names
from pipeline.summary import load_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--seeds", nargs="+", type=seed_value, required=True, metavar="SEED",
                        help="the seeds whose reports to gather")
    parser.add_argument("--model", nargs="+", default=["linear"],
                        help="the MODEL the reports were made with (for the make command that "
                             "builds a missing one)")


def across_seeds(reports: dict[int, dict]) -> dict:
    """model -> accuracy and std over all seeds' folds, the seeds' means and their std."""
    folds_of: dict[str, dict[int, list[float]]] = {}
    for seed, report in reports.items():
        for row in report["results"]:
            folds_of.setdefault(row["model"], {})[seed] = row["folds"]
    models = {}
    for model, by_seed in folds_of.items():
        pooled = [accuracy for folds in by_seed.values() for accuracy in folds]
        means = {seed: float(np.mean(folds)) for seed, folds in by_seed.items()}
        models[model] = {
            "accuracy": float(np.mean(pooled)),
            "std": float(np.std(pooled, ddof=1)) if len(pooled) > 1 else None,
            "seed_means": means,
            "std_of_seed_means": float(np.std(list(means.values()), ddof=1))
            if len(means) > 1 else None,
            "test_sets": len(pooled)}
    return models


# What else a report measures of a row, each read from one seed's report (None: not there):
# the measure's name in the table -> (report, row name) -> its value.
MEASURES = {
    "all phrases": lambda report, model: _row(report, model).get("all_phrases"),
    "negation": lambda report, model: _subset(report, model, "negation"),
    "but": lambda report, model: _subset(report, model, "but"),
    "probes": lambda report, model: report.get("probes", {}).get(model, {}).get("accuracy"),
    "parsed trees": lambda report, model: _parsed(report, model).get("accuracy"),
    "parsed probes": lambda report, model: (_parsed(report, model).get("probes") or {}).get(
        "accuracy"),
}


def _parsed(report: dict, model: str) -> dict:
    """A tree model's row on the parser's trees (none on a task without trees of its own,
    whose tree models read parsed trees throughout)."""
    return ((report.get("parsed_trees") or {}).get("rows") or {}).get(model, {})


def _row(report: dict, model: str) -> dict:
    return next((row for row in report["results"] if row["model"] == model), {})


def _subset(report: dict, model: str, name: str) -> float | None:
    return _row(report, model).get("subsets", {}).get(name, {}).get("accuracy")


def other_measures(reports: dict[int, dict], models: list[str]) -> dict[str, dict]:
    """model -> {measure: {"mean", "std", "seeds"}} over the seeds whose report has it."""
    measured = {}
    for model in models:
        for measure, read in MEASURES.items():
            values = [v for v in (read(r, model) for r in reports.values()) if v is not None]
            if values:
                measured.setdefault(model, {})[measure] = {
                    "mean": float(np.mean(values)), "seeds": len(values),
                    "std": float(np.std(values, ddof=1)) if len(values) > 1 else None}
    return measured


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _mean_std(cell: dict | None) -> str:
    if cell is None:
        return "-"
    return _percent(cell["mean"]) + ("" if cell["std"] is None else f" ± {100 * cell['std']:.1f}")


def measures_markdown(measured: dict[str, dict]) -> list[str]:
    """The other measures' table: mean ± std over the seeds, a column per measure any row
    has."""
    shown = [m for m in MEASURES if any(m in row for row in measured.values())]
    if not shown:
        return []
    return ["", "Other measures %: mean ± std of the seeds' values (all phrases: every "
                "labelled node of the test trees; negation, but: the test sentences holding "
                "one; probes: evaluation/probes.tsv; parsed: the tree models on this "
                "project's parser's trees).", "",
            "| model | " + " | ".join(shown) + " |", "| --- |" + " --- |" * len(shown),
            *(f"| {model} | " + " | ".join(_mean_std(row.get(m)) for m in shown) + " |"
              for model, row in measured.items())]


def markdown(task: str, seeds: list[int], protocol: str, models: dict,
             measured: dict | None = None) -> str:
    lines = [f"# {task}: {len(seeds)} seeds", "",
             f"Accuracy %: mean ± std over every test {'fold' if protocol == 'cv10' else 'set'} "
             f"of seeds {', '.join(map(str, seeds))} ({protocol}); then each seed's mean.", "",
             "| model | accuracy % | ± std | std of seed means | "
             + " | ".join(f"seed {s}" for s in seeds) + " |",
             "| --- | --- | --- | --- |" + " --- |" * len(seeds)]
    for model, row in models.items():
        cells = [_percent(row["seed_means"].get(seed)) for seed in seeds]
        lines.append(f"| {model} | {_percent(row['accuracy'])} | {_percent(row['std'])} | "
                     f"{_percent(row['std_of_seed_means'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines + measures_markdown(measured or {})) + "\n"


def seed_reports(run: Run, config_path: Path, nproc: int, data: DataSet, protocol: str,
                 seeds: list[int], model: list[str]) -> dict[int, dict]:
    """{seed: its report of the task}, each checked to come from that seed and the config;
    `model` names the MODEL of the make command that builds a missing one."""
    task, reports = f"{data.name}-{protocol}", {}
    for seed in seeds:
        names = folder_names(config_path, run.config, seed, nproc)
        seed_run = dataclasses.replace(run, seed=seed, layout=dataclasses.replace(
            run.layout, run_name=names[0], pretrain_name=names[1]))
        target = (f"eval {data.make_args} PROTOCOL={protocol} "
                  f"MODEL={shlex.quote(' '.join(model))} SEED={seed}")
        reports[seed] = load_report(seed_run, task, target)
    return reports


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    data = dataset_of(args)
    task = f"{data.name}-{args.protocol}"
    seeds = list(dict.fromkeys(args.seeds))  # a seed named twice counts once
    reports = seed_reports(run, Path(args.config), args.nproc, data, args.protocol, seeds,
                           args.model)
    models = across_seeds(reports)
    measured = other_measures(reports, list(models))
    path = run.layout.seeds_report(task)
    save_json({"task": task, "protocol": args.protocol, "seeds": seeds,
               "config_digest": run.config.digest(), "models": models,
               "other_measures": measured}, path)
    table = markdown(task, seeds, args.protocol, models, measured)
    save_text(table, path.with_suffix(".md"))
    print(table.rstrip())
    print(f"-> {path.with_suffix('.md')}")
