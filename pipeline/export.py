"""Write the model `classify` trained as a folder others can pick up -> exports/<task>-<family>/
(model_folder.py says what it holds), with the accuracy `make eval` measured in its model card.

--model: the families to export, or all of those run on the data set. A family that follows
parse trees (tree, rntn, treelstm) gets the run's parser (`make parser`) in its folder, which
gives a text its tree. A folder holds the current CONFIG and SEED's model; exporting again
replaces it.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import replace
from pathlib import Path

import numpy as np

from data.tasks import Task
from pipeline.families import FAMILIES, Family, families_for
from pipeline.infra.artifacts import load_torch
from pipeline.infra.built import load_task
from pipeline.infra.options import Run, add_common, dataset_of
from pipeline.infra.paths import classify_target
from pipeline.serving.model_card import model_card
from pipeline.serving.model_folder import load_folder, save_folder
from pipeline.serving.text_parser import load_text_parser
from pipeline.serving.trained import TrainedModel, load_model
from pipeline.summary import load_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", choices=[*FAMILIES, "all"], nargs="+", default=["linear"],
                        help="the families to export, or all (default: linear)")
    parser.add_argument("--exports", default="exports",
                        help="where model folders go (default: %(default)s)")


def measured_accuracy(report: dict, family: Family) -> dict:
    (row,) = [row for row in report["results"] if row["model"] == family.saved_row]
    return {"value": row["accuracy"], "std": row["std"] if report["protocol"] == "cv10" else None,
            "protocol": report["protocol"], "seed": report["seed"], "row": family.saved_row}


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    dataset = dataset_of(args)
    families = families_for(dataset.kind, args.model)
    model = " ".join(args.model)
    task = load_task(run, dataset, args.protocol)
    report = load_report(run, task.name, f"eval {dataset.make_args} PROTOCOL={args.protocol} "
                                    f"MODEL={shlex.quote(model)}")
    for family in families:
        target = classify_target(dataset.make_args, args.protocol, family.name)
        trained = load_model(run.layout.model(family.name, task.name), family, target,
                             dataset=dataset.name)
        if family.needs_trees:
            trained = replace(trained, parser=load_text_parser(run.layout.parser))
        name = f"{task.name}-{family.name}"
        accuracy = measured_accuracy(report, family)
        folder = Path(args.exports) / name
        save_folder(trained, folder, model_card(trained, name, accuracy), accuracy)
        difference = reload_difference(folder, run, task, trained, target)
        against = ("the model and parser it was written from, on the test part's texts"
                   if family.needs_trees else "classify's test-part probabilities")
        print(f"{name}: {family.saved_row} {100 * accuracy['value']:.1f}% -> {folder}/ (read "
              f"back from the folder, it differs from {against} by "
              f"{difference:.1e} at most)")


def reload_difference(folder: Path, run: Run, task: Task, trained: TrainedModel, target: str
                      ) -> float:
    """The folder, loaded as a user loads it, against the probabilities `classify` stored for
    the first fold's test part (the saved model is that fold's): from the raw texts, so the
    tokenising and the vocabulary are checked too. classify read the gold trees, so a tree
    family's folder is held to the model and parser it was written from, on the same texts."""
    family = trained.family
    fold = load_torch(run.layout.classify(family.name, task.name), target)["folds"][0]
    texts = [task.texts[i] for i in fold["test"].tolist()]
    probs = load_folder(folder).to(run.device).probabilities(texts)
    expected = (trained.to(run.device).probabilities(texts) if family.needs_trees
                else fold["models"][family.saved_row]["probs"].numpy())
    return float(np.abs(probs - expected).max())
