"""Read and tokenise MR and the unlabeled movie-review corpus (build/data/*.json)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time

from data.sources import LabeledText, load_movie_reviews, load_mr
from data.tokenize import tokenize
from pipeline.artifacts import save_json
from pipeline.locks import exclusive
from pipeline.options import Run, add_common


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def _tokenised(corpus: LabeledText, name: str) -> dict:
    if corpus.dropped:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(corpus.dropped.items()))
        print(f"warning: {name}: {counts} line(s) in {corpus.source}", file=sys.stderr)
    # The fingerprint follows the sentences and labels, not the files' bytes or order of reading.
    content = json.dumps([corpus.texts, corpus.labels], ensure_ascii=False).encode()
    return {"source": corpus.source, "dropped": corpus.dropped, "texts": corpus.texts,
            "labels": corpus.labels, "tokens": [tokenize(t) for t in corpus.texts],
            "fingerprint": hashlib.sha256(content).hexdigest()[:12]}


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    with exclusive(run.layout.data):
        _prepare(run)


def _prepare(run: Run) -> None:
    for name, load, path in (("MR", load_mr, run.layout.data / "mr.json"),
                             ("movie_reviews", load_movie_reviews,
                              run.layout.data / "unlabeled.json")):
        start = time.perf_counter()
        corpus = load()
        prepared = {**_tokenised(corpus, name), "seconds": time.perf_counter() - start}
        save_json(prepared, path, indent=None)
        print(f"{name}: {len(corpus.texts)} sentences from {corpus.source} -> {path}")
