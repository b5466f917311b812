"""What the families that follow parse trees score when the trees come from this project's
parser (`make parser`) instead of SST's: root accuracy on the test sentences, and the probes,
each probe's sentence parsed. The gap to the same model on the gold trees is what a typed
sentence costs it. Beside the parser's bracket F1, the greedy RAE's own trees are scored
against SST's the same way."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from data.batching import padded_batches
from data.tasks import Task
from evaluation.parsing import bracket_scores
from evaluation.probes import asks, load_probes
from evaluation.probes import score as score_probes
from models.greedy_rae import merge_children
from pipeline.families import FAMILIES, Family
from pipeline.infra.options import Run
from pipeline.infra.paths import classify_target
from pipeline.serving.text_parser import load_text_parser
from pipeline.serving.trained import BATCH, load_model


def parsed_tree_scores(run: Run, task: Task, families: tuple[Family, ...]) -> dict | None:
    """-> {"parser_f1": its test bracket F1, "rows": {saved row: {"accuracy": root accuracy on
    the parsed test trees, "probes": the probes' score or None}}, "greedy_tree_f1": that of
    the greedy RAE's trees, when the families hold it}; None without tree families. A task
    without trees of its own (mr, subj, ...) has rows None: its tree families learned and were
    tested on parsed trees already."""
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
    greedy = FAMILIES["greedy"]
    return {"parser_f1": parser.test_f1, "rows": rows,
            "greedy_tree_f1": greedy_tree_f1(run, task) if greedy in families else None}


@torch.no_grad()
def greedy_tree_f1(run: Run, task: Task) -> float:
    """Bracket F1 of the trees the task's greedy RAE builds of the test sentences against
    SST's (evaluation/parsing.py), over the sentences it reads whole (max_length words)."""
    target = classify_target(task.data.make_args, task.protocol, "greedy")
    trained = load_model(run.layout.model("greedy", task.name), FAMILIES["greedy"], target)
    model = trained.model.to(run.device)
    (fold,) = task.folds
    tested = [i for i in fold.test if len(task.tokens[i]) <= trained.max_length]
    sentences = [trained.vocab.encode(task.tokens[i]) for i in tested]
    built: dict[int, list] = {}
    for batch, ids, lengths in padded_batches(sentences, BATCH, trained.max_length, run.device):
        merges = model.infer(ids, lengths)[1].merges.cpu()
        for row, k in enumerate(batch.tolist()):
            n = len(sentences[k])
            built[k] = merge_children(n, merges[row, : n - 1].tolist())
    return bracket_scores([built[k] for k in range(len(tested))],
                          [task.trees[i].children for i in tested],
                          [len(s) for s in sentences])["f1"]
