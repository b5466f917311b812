"""Predict the polarity of sentences with the model `make classify` trained.

Sentences come as arguments, or one per line on stdin. Each gives one JSON line:
{"text": ..., "label": "pos" | "neg", "prob": probability of that label}.
"""

from __future__ import annotations

import argparse
import json
import sys

from data.tokenize import tokenize
from data.vocab import Vocabulary
from models.classifier import RAEClassifier
from models.word_rae import WordRAE
from pipeline.artifacts import ArtifactError, load_torch
from pipeline.options import Run, add_common
from training.classifier import predict_proba

BATCH = 256  # sentences per forward pass: memory stays bounded on endless stdin


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, protocol=True)
    parser.add_argument("--model", help="a model file from `make classify` "
                        "(default: the one for --config, --seed and --protocol)")
    parser.add_argument("text", nargs="*", help="sentences to classify (default: read stdin)")


def load_model(path, make_target: str) -> tuple[RAEClassifier, Vocabulary, list[str], int]:
    saved = load_torch(path, make_target)
    if saved.get("kind") != "model":
        raise ArtifactError(f"{path} is not a classifier model; run `make {make_target}`")
    config = saved["config"]
    encoder = WordRAE(len(saved["vocab"]), config["embeddings"]["dim"], config["rae"]["hidden"],
)
    model = RAEClassifier(encoder, classes=len(saved["labels"]))
    try:
        model.load_state_dict(saved["state"])
    except RuntimeError:
        raise ArtifactError(f"{path} does not match this code's model; run `make {make_target}`"
                            ) from None
    return model, Vocabulary(saved["vocab"]), saved["labels"], config["data"]["max_length"]


def _lines(args: argparse.Namespace):
    if args.text:
        yield from args.text
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


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    path = args.model or run.layout.model(args.protocol)
    model, vocab, labels, max_length = load_model(path, f"classify PROTOCOL={args.protocol}")
    model.to(run.device)
    for texts in _chunks(_lines(args), BATCH):
        sentences = [vocab.encode(tokenize(text)) for text in texts]
        probs = predict_proba(model, sentences, max_length, run.device)
        for text, p in zip(texts, probs, strict=True):
            best = int(p.argmax())
            line = {"text": text, "label": labels[best], "prob": round(float(p[best]), 4)}
            print(json.dumps(line, ensure_ascii=False))
        sys.stdout.flush()  # each batch's answers go out before the next batch is read

