"""Write the model `classify` trained as a folder others can pick up -> exports/<task>-<family>/
(model_folder.py says what it holds), with the accuracy `make eval` measured in its model card.

--model: a family that reads text (linear, greedy, greedy-random), or all of those run on the
data set. The folder holds the current CONFIG and SEED's model; exporting again replaces it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from data.tasks import TaskError, task_name
from pipeline.families import FAMILIES, Family, families_for
from pipeline.infra.options import Run, add_common, dataset_of
from pipeline.infra.paths import classify_target
from pipeline.model_card import model_card
from pipeline.model_folder import save_folder
from pipeline.summary import load_report
from pipeline.trained import load_model


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", choices=[*FAMILIES, "all"], default="linear",
                        help="the family to export, or all (default: linear)")
    parser.add_argument("--exports", default="exports",
                        help="where model folders go (default: %(default)s)")


def measured_accuracy(report: dict, family: Family) -> dict:
    (row,) = [row for row in report["results"] if row["model"] == family.saved_row]
    return {"value": row["accuracy"], "std": row["std"] if report["protocol"] == "cv10" else None,
            "protocol": report["protocol"], "seed": report["seed"], "row": family.saved_row}


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    dataset = dataset_of(args)
    task = task_name(dataset.name, args.protocol)
    families = [f for f in families_for(dataset.kind, args.model) if not f.needs_trees]
    if not families:
        raise TaskError(f"MODEL={args.model} follows parse trees, so it cannot read a typed "
                        f"sentence; export linear, greedy or greedy-random")
    report = load_report(run, task, f"eval {dataset.make_args} PROTOCOL={args.protocol} "
                                    f"MODEL={args.model}")
    for family in families:
        target = classify_target(dataset.make_args, args.protocol, family.name)
        trained = load_model(run.layout.model(family.name, task), family, target,
                             dataset=dataset.name)
        name = f"{task}-{family.name}"
        accuracy = measured_accuracy(report, family)
        folder = Path(args.exports) / name
        save_folder(trained, folder, model_card(trained, name, accuracy), accuracy)
        print(f"{name}: {family.saved_row} {100 * accuracy['value']:.1f}% -> {folder}/")
