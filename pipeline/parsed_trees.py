"""What the families that follow parse trees score when the trees come from this project's
parser (`make parser`) instead of SST's: root accuracy on the test sentences, and the probes,
each probe's sentence parsed. The gap to the same model on the gold trees is what a typed
sentence costs it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from data.tasks import Task
from evaluation.probes import asks, load_probes
from evaluation.probes import score as score_probes
from pipeline.families import Family
from pipeline.infra.options import Run
from pipeline.infra.paths import classify_target
from pipeline.serving.text_parser import load_text_parser
from pipeline.serving.trained import load_model


def parsed_tree_scores(run: Run, task: Task, families: tuple[Family, ...]) -> dict | None:
    """-> {"parser_f1": its test bracket F1, "rows": {saved row: {"accuracy": root accuracy on
    the parsed test trees, "probes": the probes' score or None}}}; None without tree
    families. A task without trees of its own (mr, subj, ...) has rows None: its tree
    families learned and were tested on parsed trees already."""
    tree_families = [family for family in families if family.needs_trees]
    if not tree_families:
        return None
    parser = load_text_parser(run.layout.parser).to(run.device)
    if task.trees is None:
        return {"parser_f1": parser.test_f1, "rows": None}
    (fold,) = task.folds  # SST's one split
    sentences = [task.tokens[i] for i in fold.test]
    probes = load_probes() if asks(task.class_names) else []
    rows = {}
    for family in tree_families:
        target = classify_target(task.data.make_args, task.protocol, family.name)
        trained = replace(load_model(run.layout.model(family.name, task.name), family, target),
                          parser=parser).to(run.device)
        predicted = trained.word_probabilities(sentences).argmax(1)
        rows[family.saved_row] = {
            "accuracy": float(np.mean(predicted == task.labels[fold.test])),
            "probes": score_probes(probes, trained.probabilities([p.text for p in probes]),
                                   task.class_names) if probes else None}
    return {"parser_f1": parser.test_f1, "rows": rows}
