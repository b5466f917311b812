"""Predict the polarity of sentences with the model `make classify` trained.

Sentences come as arguments, or one per line on stdin. Each gives one JSON line:
{"text": ..., "label": "pos" | "neg", "prob": probability of that label}. With --tree the
greedy tree RAE answers (`make classify MODEL=greedy`) and each line also carries "tree": the
tree it built, in nltk.Tree bracket form, each node labelled by its own softmax.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import torch
from nltk import Tree
from torch import nn

from data.batching import pad
from data.tasks import task_name
from data.tokenize import tokenize
from data.vocab import UNK, Vocabulary
from models.classifier import GreedyRAEClassifier
from pipeline.families import FAMILIES, load_model
from pipeline.infra.options import Run, add_common, dataset_of
from pipeline.infra.paths import classify_target
from training.inference import predict_proba

BATCH = 256  # sentences per forward pass: memory stays bounded on endless stdin
# A line is tokenised from its last MAX_CHARACTERS only: the model reads its last max_length
# words anyway, and the tokenizer's regular expressions give up on multi-megabyte lines.
MAX_CHARACTERS = 200_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, task=True)
    parser.add_argument("--model", help="a model file from `make classify` "
                        "(default: the one for --config, --seed, --dataset and --protocol)")
    parser.add_argument("--tree", action="store_true",
                        help="use the greedy tree RAE and print the tree of each sentence")
    parser.add_argument("--text-variable", metavar="NAME",
                        help="classify the text of environment variable NAME (how `make predict "
                             "TEXT=...` passes it, untouched by the shell); unset or empty: stdin")
    parser.add_argument("text", nargs="*", help="sentences to classify (default: read stdin)")


def tree_of(tokens: list[str], merges: list[int], node_labels: list[str]) -> Tree:
    """Replay the merges (at least one) on the words; each new node gets its label."""
    nodes: list = list(tokens)
    for k, label in zip(merges, node_labels, strict=True):
        nodes[k : k + 2] = [Tree(label, nodes[k : k + 2])]
    return nodes[0]


@torch.no_grad()
def _predict_trees(model: GreedyRAEClassifier, tokens: list[list[str]], vocab: Vocabulary,
                   labels: list[str], max_length: int, device: torch.device) -> list[dict]:
    answers = []
    for words in tokens:
        words = words[-max_length:] or [UNK]
        ids, lengths = pad([vocab.encode(words)])
        logits, trees = model(ids.to(device), lengths.to(device))
        probs = torch.softmax(logits[0], -1)
        n = len(words)
        node_labels = [labels[i] for i in
                       model.rae.node_classifier(trees.parents[0, : n - 1]).argmax(-1).tolist()]
        tree = tree_of(words, trees.merges[0, : n - 1].tolist(), node_labels) if n > 1 \
            else Tree(labels[int(probs.argmax())], words)
        best = int(probs.argmax())
        answers.append({"label": labels[best], "prob": round(float(probs[best]), 4),
                        "tree": tree.pformat(margin=10**9)})
    return answers


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


def answer_lines(model: nn.Module, vocab: Vocabulary, labels: list[str], max_length: int,
                 device: torch.device, lines, tree: bool):
    """One answer dict per input line, in order, BATCH lines at a time (bounded memory)."""
    for texts in _chunks(lines, BATCH):
        tokens = [tokenize(text[-MAX_CHARACTERS:]) for text in texts]
        if tree:
            answers = _predict_trees(model, tokens, vocab, labels, max_length, device)
        else:
            probs = predict_proba(model, [vocab.encode(t) for t in tokens], max_length, device)
            answers = [{"label": labels[int(p.argmax())], "prob": round(float(p.max()), 4)}
                       for p in probs]
        for text, answer in zip(texts, answers, strict=True):
            yield {"text": text, **answer}


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    family = FAMILIES["greedy" if args.tree else "linear"]
    dataset = dataset_of(args)
    path = args.model or run.layout.model(family.name, task_name(dataset.name, args.protocol))
    target = classify_target(dataset.make_args, args.protocol, family.name)
    model, vocab, labels, max_length = load_model(path, family, target, dataset=dataset.name)
    model.to(run.device)
    for i, answer in enumerate(answer_lines(model, vocab, labels, max_length, run.device,
                                            _lines(args), args.tree), start=1):
        print(json.dumps(answer, ensure_ascii=False), flush=i % BATCH == 0)
    sys.stdout.flush()
