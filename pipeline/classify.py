"""Fit the classifiers of one RAE family on a task, fold by fold, and save their test predictions.

--model linear: linear-rae-frozen and linear-rae-finetuned (pipeline/classify_linear.py).
--model greedy: greedy-rae and greedy-rae-top (pipeline/classify_greedy.py).
--model greedy-random: the same from random word vectors: greedy-rae-random(-top).
--model tree: tree-rae, along SST's parse trees (pipeline/classify_tree.py; sst2, sst5 only).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from data.vocab import Vocabulary
from models.tree_rae import SentenceTree
from pipeline import classify_greedy, classify_linear, classify_tree
from pipeline.artifacts import check_same, load_torch, reusable, save_torch
from pipeline.checkpoints import open_checkpoint, remove_checkpoint
from pipeline.config import ConfigError
from pipeline.locks import exclusive
from pipeline.options import Run, add_common
from pipeline.pretrain import PRETRAIN_SECTIONS
from pipeline.provenance import provenance
from pipeline.runtime import set_seed
from pipeline.tasks import Task, classify_target, load_task


@dataclass(frozen=True)
class Family:
    # (pretrained, run, parts, classes, fold_seed, checkpoint) -> (rows, state predict loads)
    train_fold: Callable[..., tuple[dict, dict]]
    build_model: Callable[[dict, int, int], nn.Module]  # (config, vocabulary size, classes)
    needs_trees: bool = False  # trains on SentenceTrees instead of word-id lists


FAMILIES = {
    "linear": Family(classify_linear.train_fold, classify_linear.build_model),
    "greedy": Family(classify_greedy.train_fold, classify_greedy.build_model),
    "greedy-random": Family(partial(classify_greedy.train_fold, pretrained_words=False),
                            classify_greedy.build_model),
    "tree": Family(classify_tree.train_fold, classify_tree.build_model, needs_trees=True),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", choices=FAMILIES, default="linear",
                        help="which RAE to classify with (default: linear)")


def load_pretrained(run: Run) -> dict:
    pretrained = load_torch(run.layout.pretrain, "pretrain")
    check_same(run.layout.pretrain, "pretraining config", pretrained.get("config_digest", "?"),
               run.config.digest(*PRETRAIN_SECTIONS), "pretrain")
    return pretrained


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    with exclusive(run.layout.run):
        _classify(run, args.model, load_task(run.layout, args.dataset, args.protocol, run.seed))


def _inputs(task: Task, vocab: Vocabulary, family: Family) -> list:
    sentences = [vocab.encode(tokens) for tokens in task.tokens]
    if not family.needs_trees:
        return sentences
    if task.children is None:
        raise ConfigError(f"MODEL=tree follows parse trees, and {task.dataset} has none; "
                          f"use DATASET=sst2 or sst5")
    return [SentenceTree(ids, children, labels) for ids, children, labels
            in zip(sentences, task.children, task.node_labels, strict=True)]


def _classify(run: Run, name: str, task: Task) -> None:
    family = FAMILIES[name]
    pretrained = load_pretrained(run)
    made_from = {"config_digest": run.config.digest(), "vocab_digest": pretrained["vocab_digest"],
                 "data_fingerprint": task.fingerprint, "dataset": task.dataset,
                 "protocol": task.protocol, "family": name, "seed": run.seed}
    classify_path = run.layout.classify(name, task.name)
    model_path = run.layout.model(name, task.name)
    target = classify_target(task.dataset, task.protocol, name)
    if model_path.is_file() and reusable(classify_path, target, **made_from):
        model_path.touch()
        return
    inputs = _inputs(task, Vocabulary(pretrained["vocab"]), family)
    checkpoint = open_checkpoint(classify_path, made_from, run.checkpoint_every, target)

    results = []
    for k, fold in enumerate(task.folds):
        parts = {part: ([inputs[i] for i in idx], task.labels[idx])
                 for part, idx in (("train", fold.train), ("dev", fold.dev), ("test", fold.test))}
        done = checkpoint.get(f"fold{k}")
        if done is None:
            fold_seed = run.seed * 1000 + k
            set_seed(fold_seed)  # a fold trains the same whether or not earlier ones were resumed
            rows, state = family.train_fold(pretrained, run, parts, len(task.class_names),
                                            fold_seed, checkpoint.scope(f"fold{k}"))
            # predict uses the first fold's model
            done = {"models": rows, "state": state if k == 0 else None}
            checkpoint.put(f"fold{k}", done)
        results.append({"test": torch.as_tensor(fold.test), "dev": torch.as_tensor(fold.dev),
                        "models": done["models"]})
        accuracies = ", ".join(
            f"{row_name} {(row['probs'].argmax(1).numpy() == parts['test'][1]).mean():.3f}"
            for row_name, row in done["models"].items())
        print(f"fold {k + 1}/{len(task.folds)}: {accuracies}", flush=True)

    header = {**made_from, "config": run.config.to_dict(), "provenance": provenance(run.command)}
    model_state = {key: value.cpu() for key, value in checkpoint.get("fold0")["state"].items()}
    save_torch({**header, "kind": "model", "vocab": pretrained["vocab"],
                "labels": list(task.class_names), "state": model_state}, model_path)
    save_torch({**header, "kind": "classify", "folds": results}, classify_path)
    remove_checkpoint(classify_path)
    print(f"-> {classify_path}, {model_path}")
