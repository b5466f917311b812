"""One table of every task's accuracy report: tasks as columns, models as rows, beside the
published rows (labelled reported) -> reports/summary/<run>.{json,md}.

`make benchmark` builds each task's report first (its own protocol, MODEL=all) and then this
stage, which only reads them: the run's own reports, from its seed and config (a report
that says otherwise is refused), so the table never mixes runs.
"""

from __future__ import annotations

import argparse

from evaluation.references import REPORTED
from evaluation.report import TITLES
from pipeline.infra.artifacts import ArtifactError, read_json, save_json, save_text
from pipeline.infra.options import Run, add_common
from pipeline.infra.schema import expect


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--tasks", nargs="+", required=True, metavar="DATASET-PROTOCOL",
                        help="the reports to gather, in column order (e.g. mr-cv10 sst2-split)")


def load_report(run: Run, task: str, make_target: str) -> dict:
    """The run's report of the task, checked to come from the run's seed and config;
    make_target builds it."""
    path = run.layout.report(task) / "accuracy.json"
    report = read_json(path, make_target)
    expect(report, path, make_target, dataset=str, protocol=str, seed=int, results=list,
           data=dict, config_digest=str)
    for what, found, expected in (("seed", report.get("seed"), run.seed),
                                  ("config", report.get("config_digest"), run.config.digest())):
        if found != expected:
            raise ArtifactError(f"{path} was made with {what} {found}, this run uses "
                                f"{expected}; run `make {make_target}` with this run's "
                                f"CONFIG and SEED")
    return report


def _eval_target(task: str) -> str:
    dataset, protocol = task.rsplit("-", 1)
    return f"eval DATASET={dataset} PROTOCOL={protocol} MODEL=all"


def summarise(reports: dict[str, dict], run_name: str) -> dict:
    measured, reported = {}, {}
    for task, report in reports.items():
        for row in report["results"]:
            measured.setdefault(row["model"], {})[task] = {
                "accuracy": row["accuracy"], "std": row["std"], "folds": len(row["folds"])}
        for row in REPORTED.get(report["dataset"], []):
            reported.setdefault(row["model"], {"source": set(), "tasks": {}})
            reported[row["model"]]["tasks"][task] = row["accuracy"]
            reported[row["model"]]["source"].add(row["source"])
    return {
        "run": run_name,
        "tasks": {task: {"title": TITLES.get(r["dataset"], r["dataset"]),
                         "protocol": r["protocol"], "seed": r["seed"],
                         "sentences": r["data"]["sentences"]} for task, r in reports.items()},
        "measured": measured,
        "reported": {model: {"tasks": row["tasks"], "source": "; ".join(sorted(row["source"]))}
                     for model, row in reported.items()},
    }


def _cell(result: dict | None) -> str:
    if result is None:
        return "-"
    if result["folds"] == 1:  # one test set: no spread over folds to show
        return f"{100 * result['accuracy']:.1f}"
    return f"{100 * result['accuracy']:.1f} ± {100 * result['std']:.1f}"


def markdown(summary: dict) -> str:
    tasks = list(summary["tasks"])
    header = ["| model | " + " | ".join(tasks) + " |", "| --- |" + " --- |" * len(tasks)]
    lines = ["# Every task, every model", "",
             "Measured by this project: accuracy %, mean ± std over the test folds (10-fold CV) "
             "or on the standard test set (one figure), seed "
             f"{next(iter(summary['tasks'].values()))['seed']}. Each column's report, with its "
             f"protocol in full, is reports/<column>/{summary['run']}/accuracy.md.", "",
             *header]
    lines += [f"| {model} | " + " | ".join(_cell(row.get(t)) for t in tasks) + " |"
              for model, row in summary["measured"].items()]
    lines += ["", "## Reported in the literature (not measured here)", "",
              "Published figures for the same tasks and protocols, as the papers give them.", "",
              "| model | " + " | ".join(tasks) + " | source |",
              "| --- |" + " --- |" * (len(tasks) + 1)]
    lines += [f"| {model} | " + " | ".join(
                  f"{100 * row['tasks'][t]:.1f}" if t in row["tasks"] else "-" for t in tasks)
              + f" | {row['source']} |" for model, row in summary["reported"].items()]
    return "\n".join(lines) + "\n"


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    summary = summarise({task: load_report(run, task, _eval_target(task)) for task in args.tasks},
                        run.layout.run_name)
    path = run.layout.summary
    save_json(summary, path)
    save_text(markdown(summary), path.with_suffix(".md"))
    print(f"summary of {len(args.tasks)} tasks -> {path.with_suffix('.md')}")
