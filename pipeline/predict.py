"""Predict the polarity of sentences with the model `make classify` trained.

Sentences come as arguments, or one per line on stdin. Each gives one JSON line:
{"text": ..., "label": "pos" | "neg", "prob": probability of that label}. With --tree the
greedy tree RAE answers (`make classify MODEL=greedy`), or the model folder given, and each line
also carries "tree": the tree it built or parsed, in nltk.Tree bracket form, each node labelled
by its own softmax as class:probability ("pos:0.93"; a space in a class name written as _). A
folder of a family that follows parse trees (tree, rntn, treelstm) parses the sentence with its
own parser and labels the words too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from itertools import chain
from pathlib import Path

import torch
from nltk import Tree

from data.tasks import task_name
from pipeline.families import FAMILIES
from pipeline.infra.options import Run, add_common, dataset_of
from pipeline.infra.paths import classify_target
from pipeline.serving.model_folder import load_folder
from pipeline.serving.trained import BATCH, TrainedModel, load_model, texts_read


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", help="a model file from `make classify` or a model folder "
                        "from `make export` (default: the model file for --config, --seed, "
                        "--dataset and --protocol)")
    parser.add_argument("--tree", action="store_true",
                        help="use the greedy tree RAE and print the tree of each sentence")
    parser.add_argument("--text-variable", metavar="NAME",
                        help="classify the text of environment variable NAME (how `make predict "
                             "TEXT=...` passes it, untouched by the shell); unset or empty: stdin")
    parser.add_argument("text", nargs="*", help="sentences to classify (default: read stdin)")


def _lines(args: argparse.Namespace):
    if args.text:
        yield from args.text
        return
    if args.text_variable and os.environ.get(args.text_variable):
        yield os.environ[args.text_variable]
        return
    # Bytes that are not UTF-8 become U+FFFD instead of ending the run.
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    for line in stdin:
        yield line.rstrip("\n")


def _chunks(lines, size: int):
    chunk = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def as_json(text: str, answer: dict) -> dict:
    """An answer as predict prints it: the tree in nltk's one-line bracket form."""
    tree = {"tree": _probabilities_shown(answer["tree"]).pformat(margin=10**9)
            } if "tree" in answer else {}
    return {"text": text, "label": answer["label"], "prob": answer["prob"], **tree}


def _probabilities_shown(tree: Tree) -> Tree:
    """The tree with each node's label written class:probability."""
    label = f"{tree.label().replace(' ', '_')}:{tree.label().prob:.2f}"
    return Tree(label, [_probabilities_shown(child) if isinstance(child, Tree) else child
                        for child in tree])


def answer_lines(trained: TrainedModel, lines, tree: bool, batch: int = BATCH):
    """One answer dict per input line, in order, `batch` lines at a time (bounded memory).
    From the second batch on, a process of its own tokenises the next batch while the model
    answers this one: tokenising is pure Python and holds the interpreter, so a thread doing
    it made the model wait (a slower whole than one thread doing both). With batch 1 (a person
    typing) each line is answered as it comes, never waiting for the next."""
    chunks = _chunks(lines, batch)
    first = next(chunks, [])
    second = next(chunks, None) if batch > 1 else None
    if second is None:  # one batch, or one line at a time: not worth starting a process
        for texts in chain([first], chunks):
            yield from _answered(trained, texts, trained.read(texts), tree)
        return
    read = partial(texts_read, max_length=trained.max_length)
    with _reading_process() as reader:
        ahead = first, reader.submit(read, first)
        for texts in chain([second], chunks):
            following = texts, reader.submit(read, texts)
            yield from _answered(trained, ahead[0], ahead[1].result(), tree)
            ahead = following
        yield from _answered(trained, ahead[0], ahead[1].result(), tree)


def _reading_process() -> ProcessPoolExecutor:
    """One worker process. Forked where that is safe (Linux): it starts at once with the
    tokenizer loaded, and runs no torch; elsewhere spawned. It leaves Ctrl-C to this process,
    which says it in one line."""
    method = "fork" if sys.platform == "linux" else "spawn"
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method),
                               initializer=signal.signal,
                               initargs=(signal.SIGINT, signal.SIG_IGN))


@contextmanager
def one_core_reading():
    """torch one thread short while answer_lines runs: its reading process has a core of its
    own (on 2 cores, sharing them made both slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, threads - 1))
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _answered(trained: TrainedModel, texts: list[str], words: list[list[str]], tree: bool):
    for text, answer in zip(texts, trained.answers_to(words, tree), strict=True):
        yield as_json(text, answer)


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    family = FAMILIES["greedy" if args.tree else "linear"]
    dataset = dataset_of(args)
    if args.model and Path(args.model).is_dir():
        trained = load_folder(Path(args.model), trees=args.tree)
    else:
        path = args.model or run.layout.model(family.name, task_name(dataset.name, args.protocol))
        target = classify_target(dataset.make_args, args.protocol, family.name)
        trained = load_model(path, family, target, dataset=dataset.name,
                             named=args.model is not None)
    trained = trained.to(run.device)
    # a person typing at a terminal gets each answer at once; piped lines go BATCH at a time
    batch = 1 if not args.text and sys.stdin.isatty() else BATCH
    with one_core_reading():
        for i, answer in enumerate(answer_lines(trained, _lines(args), args.tree, batch),
                                   start=1):
            print(json.dumps(answer, ensure_ascii=False), flush=i % batch == 0)
    sys.stdout.flush()
