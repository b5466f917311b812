"""Fit the classifiers of one RAE family on a task, fold by fold, and save their test predictions.

--model names a family of pipeline/families/ (`make help` lists them with their rows).
--jobs N trains N folds at once, each in a process of its own with 1/N of the threads; a fold
trains from its own seed, so it learns the same as in the serial run at the same threads per
process. A killed parallel run resumes from its finished folds (a serial one from its last step).
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

import torch

from data.tasks import Task
from data.vocab import Vocabulary
from pipeline.families import FAMILIES, Family, FoldInputs
from pipeline.infra.artifacts import reusable, save_torch
from pipeline.infra.built import load_pretrained, load_task
from pipeline.infra.checkpoints import open_checkpoint, remove_checkpoint
from pipeline.infra.config import Config, ConfigError
from pipeline.infra.locks import exclusive
from pipeline.infra.memory import too_large
from pipeline.infra.options import Run, add_common, dataset_of, processes_value
from pipeline.infra.paths import classify_target
from pipeline.infra.provenance import code_digest, provenance
from pipeline.infra.runtime import set_seed
from pipeline.serving.text_parser import load_text_parser, with_parsed_trees
from training.resume import Checkpoint


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", choices=FAMILIES, default="linear",
                        help="which RAE family to classify with (default: linear)")
    parser.add_argument("--jobs", type=processes_value, default=1,
                        help="folds trained at once, each in a process of its own, at most one "
                             "per core (default: 1)")


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    problem = too_large(run.config, processes=args.jobs)  # each job holds a whole fold's model
    if problem:
        raise ConfigError(f"--jobs {args.jobs}: {problem}")
    with exclusive(run.layout.run):
        classify(run, FAMILIES[args.model], load_task(run, dataset_of(args), args.protocol),
                 args.jobs)


def _inputs(task: Task, vocab: Vocabulary, family: Family) -> list:
    """What the family trains on: word-id lists, or the parse trees over word ids."""
    if not family.needs_trees:
        return [vocab.encode(tokens) for tokens in task.tokens]
    return [tree.encoded(vocab) for tree in task.trees]


def fold_vocabulary(pretrained: Vocabulary, training_tokens: Iterable[list[str]],
                     family: Family, config: Config) -> Vocabulary:
    """The pretrained vocabulary, with the words of the fold's training sentences where the
    family's settings ask for them (never a dev or test sentence's)."""
    if not getattr(config, family.section).training_words:
        return pretrained
    return pretrained.extended(training_tokens)


def _train_fold(family: Family, inputs: FoldInputs) -> tuple[dict, dict]:
    set_seed(inputs.seed)  # a fold trains the same whether or not earlier ones were resumed
    rows, state = family.train_fold(inputs)
    assert tuple(rows) == family.rows, f"{family.name} made rows {tuple(rows)}"
    return rows, state


def _train_fold_in_worker(family_name: str, threads: int, inputs: FoldInputs
                          ) -> tuple[dict, dict]:
    """In a worker process: its share of the threads, a checkpoint of its own in memory."""
    torch.set_num_threads(threads)
    inputs.checkpoint = Checkpoint.in_memory()
    return _train_fold(FAMILIES[family_name], inputs)


def classify(run: Run, family: Family, task: Task, jobs: int = 1) -> None:
    pretrained = load_pretrained(run)
    made_from = {"config_digest": run.config.digest(), "vocab_digest": pretrained["vocab_digest"],
                 "data_fingerprint": task.fingerprint, "dataset": task.dataset,
                 "protocol": task.protocol, "family": family.name, "seed": run.seed,
                 "code_digest": code_digest()}
    classify_path = run.layout.classify(family.name, task.name)
    model_path = run.layout.model(family.name, task.name)
    target = classify_target(task.data.make_args, task.protocol, family.name)
    if model_path.is_file() and reusable(classify_path, target, **made_from):
        model_path.touch()
        return
    if family.needs_trees and task.trees is None:  # a sentence task: the parser's trees
        parser = load_text_parser(run.layout.parser).to(run.device)
        task = with_parsed_trees(task, parser, run.config.data.max_length)
    pretrained_vocab = Vocabulary(pretrained["vocab"])
    pretrained_inputs = _inputs(task, pretrained_vocab, family)
    checkpoint = open_checkpoint(classify_path, made_from, run.checkpoint_every, target)

    def fold_inputs(k: int) -> FoldInputs:
        fold = task.folds[k]
        vocab = fold_vocabulary(pretrained_vocab, (task.tokens[i] for i in fold.train), family,
                                run.config)
        inputs = pretrained_inputs if vocab is pretrained_vocab else _inputs(task, vocab, family)
        parts = {part: ([inputs[i] for i in idx], task.labels[idx])
                 for part, idx in (("train", fold.train), ("dev", fold.dev), ("test", fold.test))}
        return FoldInputs(pretrained, run.config, run.device, vocab, parts,
                          len(task.class_names), run.seed * 1000 + k, checkpoint.scope(f"fold{k}"))

    def tell(k: int) -> None:
        fold, done = task.folds[k], checkpoint.get(f"fold{k}")
        accuracies = ", ".join(
            f"{row_name} {(row['probs'].argmax(1).numpy() == task.labels[fold.test]).mean():.3f}"
            for row_name, row in done["models"].items())
        print(f"fold {k + 1}/{len(task.folds)}: {accuracies}", flush=True)

    def finished(k: int, rows: dict, state: dict, vocab: Vocabulary) -> None:
        # predict uses the first fold's model, with its vocabulary
        checkpoint.put(f"fold{k}", {"models": rows, "state": state if k == 0 else None,
                                    "vocab": vocab.words if k == 0 else None})
        tell(k)

    resumed = [k for k in range(len(task.folds)) if checkpoint.get(f"fold{k}") is not None]
    for k in resumed:
        tell(k)
    to_train = [k for k in range(len(task.folds)) if k not in resumed]
    if jobs > 1 and len(to_train) > 1:
        threads = max(1, torch.get_num_threads() // jobs)
        # spawn: a fresh interpreter per worker, never a fork of this one's torch threads
        with ProcessPoolExecutor(jobs, multiprocessing.get_context("spawn")) as pool:
            submitted = []
            for k in to_train:
                inputs = fold_inputs(k)
                submitted.append((k, inputs.vocab, pool.submit(
                    _train_fold_in_worker, family.name, threads, _without_checkpoint(inputs))))
            for k, vocab, future in submitted:
                finished(k, *future.result(), vocab)
    else:
        for k in to_train:
            inputs = fold_inputs(k)
            finished(k, *_train_fold(family, inputs), inputs.vocab)

    results = [{"test": torch.as_tensor(fold.test), "models": checkpoint.get(f"fold{k}")["models"]}
               for k, fold in enumerate(task.folds)]
    header = {**made_from, "config": run.config.to_dict(), "provenance": provenance(run.command)}
    first = checkpoint.get("fold0")
    model_state = {key: value.cpu() for key, value in first["state"].items()}
    save_torch({**header, "kind": "model", "vocab": first["vocab"],
                "labels": list(task.class_names), "state": model_state}, model_path)
    save_torch({**header, "kind": "classify", "folds": results}, classify_path)
    remove_checkpoint(classify_path)
    print(f"-> {classify_path}, {model_path}")


def _without_checkpoint(inputs: FoldInputs) -> FoldInputs:
    """The fold's inputs as a worker gets them: the stage's checkpoint stays here."""
    return dataclasses.replace(inputs, checkpoint=None)
