"""Read and tokenise the corpora: MR, SUBJ, CR, MPQA, the unlabeled movie reviews, SST
(build/data/*.json)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from functools import partial
from pathlib import Path

from data.datasets import USER, DataSet
from data.line_sets import LINE_SETS, load_line_set
from data.sources import Sentences, corpus_lines, load_movie_reviews
from data.sst import SPLITS, load_sst
from data.tasks import TaskError
from data.token_store import write_token_store
from data.tokenize import tokenize
from data.user_data import load_user_data
from pipeline.infra.artifacts import save_json, seal
from pipeline.infra.locks import exclusive
from pipeline.infra.options import Run, add_common, add_dataset, dataset_of
from pipeline.infra.paths import unlabeled_name
from training.progress import progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--corpus", choices=[*CORPORA, UNLABELED], action="append",
                        help="which corpus to prepare, repeatable (default: mr and unlabeled)")
    add_dataset(parser)
    parser.set_defaults(dataset=None)  # --dataset PATH prepares a user's file instead


def fingerprint(*content) -> str:
    """Follows the sentences and labels, not the files' bytes or order of reading."""
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:12]


def _tokenised(corpus: Sentences, name: str) -> dict:
    _warn(name, corpus.dropped, corpus.source)
    return {"source": corpus.source, "dropped": corpus.dropped, "texts": corpus.texts,
            "tokens": [tokenize(t) for t in corpus.texts]}


def _labelled(name: str) -> dict:
    loaded = load_line_set(name)
    return {**_tokenised(loaded, LINE_SETS[name].title), "labels": loaded.labels,
            "class_names": list(loaded.class_names),
            "fingerprint": fingerprint(loaded.texts, loaded.labels)}


def _warn(name: str, dropped: dict[str, int], source: str) -> None:
    if dropped:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(dropped.items()))
        print(f"warning: {name}: {counts} line(s) in {source}", file=sys.stderr)


def _unlabeled(run: Run) -> tuple[str, dict]:
    """The pretraining text, streamed line by line through the tokeniser into a token store
    (data/token_store.py) beside its JSON: memory stays flat however large the corpus."""
    name, path, dropped = unlabeled_name(run.config), run.config.data.unlabeled, {}
    if path:
        source, lines = path, corpus_lines(Path(path), dropped)
    else:
        reviews = load_movie_reviews()
        source, lines, dropped = reviews.source, iter(reviews.texts), reviews.dropped
    digest = hashlib.sha256()

    def tokenised():
        for line in progress(lines, f"tokenising {source}"):
            digest.update(line.encode() + b"\n")
            yield tokenize(line)

    counted = write_token_store(tokenised(), run.layout.data / name)
    _warn(name, dropped, source)
    return name, {"source": source, "dropped": dropped, "store": name, **counted,
                  "fingerprint": digest.hexdigest()[:12]}


def _sst() -> dict:
    """Every tree of the standard split, in file order, with its split's name; the tree's own
    words are the tokens (SST is already tokenised)."""
    trees, source = load_sst()
    ordered = [(split, tree) for split in SPLITS for tree in trees[split]]
    prepared = {"source": source, "dropped": {},
                "split": [split for split, _ in ordered],
                "texts": [" ".join(tree.leaves) for _, tree in ordered],
                "tokens": [tree.leaves for _, tree in ordered],
                "labels": [tree.node_labels[-1] for _, tree in ordered],  # the root's 0-4
                "node_labels": [tree.node_labels for _, tree in ordered],
                "children": [tree.children for _, tree in ordered]}
    prepared["fingerprint"] = fingerprint(prepared["split"], prepared["tokens"],
                                          prepared["node_labels"], prepared["children"])
    return prepared


CORPORA = {**{name: partial(_labelled, name) for name in LINE_SETS}, "sst": _sst}
UNLABELED = "unlabeled"  # --corpus unlabeled: the pretraining text (data.unlabeled, CORPUS=)


def _user(dataset: DataSet) -> dict:
    """A user's file or folder, with its class names and, when its files give one, its split."""
    loaded = load_user_data(dataset.path, dataset.text_column, dataset.label_column)
    return {**_tokenised(loaded, dataset.name), "labels": loaded.labels,
            "class_names": list(loaded.class_names), "split": loaded.split,
            "fingerprint": fingerprint(loaded.texts, loaded.labels, loaded.class_names,
                                       loaded.split)}


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    corpora, names = dict(CORPORA), args.corpus or ["mr", UNLABELED]
    if args.dataset:
        if args.corpus:
            raise TaskError("prepare takes --corpus or --dataset, not both")
        dataset = dataset_of(args)
        if dataset.kind == USER:
            corpora[dataset.corpus] = partial(_user, dataset)
        names = [dataset.corpus]
    with exclusive(run.layout.data):
        for name in names:
            start = time.perf_counter()
            name, prepared = _unlabeled(run) if name == UNLABELED else (name, corpora[name]())
            prepared["seconds"] = time.perf_counter() - start
            path = run.layout.data / f"{name}.json"
            save_json(seal(prepared), path, indent=None)
            sentences = prepared.get("sentences", len(prepared.get("texts", ())))
            print(f"{name}: {sentences} sentences from {prepared['source']} -> {path}")
