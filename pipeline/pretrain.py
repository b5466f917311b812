"""Pretrain on unlabeled movie reviews: skip-gram word vectors, then the linear RAE.

Only the nltk movie_reviews corpus is read here, never MR, so no test fold can leak into the
vocabulary, the word vectors or the RAE, whatever the protocol.
"""

from __future__ import annotations

import argparse
import time

import torch

from data.vocab import Vocabulary
from models.word_rae import WordRAE
from pipeline.artifacts import ArtifactError, load_json, load_torch, save_torch
from pipeline.options import Run, add_common
from pipeline.provenance import provenance
from training.rae_pretrain import pretrain_rae
from training.skipgram import train_skipgram


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


PRETRAIN_SECTIONS = ("data", "embeddings", "rae")  # the settings this stage reads


def build_encoder(vocab_size: int, run: Run) -> WordRAE:
    return WordRAE(vocab_size, run.config.embeddings.dim, run.config.rae.hidden)


def _still_valid(run: Run, data_fingerprint: str) -> bool:
    """An edit to the config that leaves this stage's settings alone (classifier settings,
    say) makes make call this stage again; then, if the text is the same too, the artifact is
    kept and only touched."""
    path = run.layout.pretrain
    if not path.is_file():
        return False
    try:
        built = load_torch(path, "pretrain")
    except ArtifactError:
        return False
    if (built.get("config_digest"), built.get("data_fingerprint")) != (
            run.config.digest(*PRETRAIN_SECTIONS), data_fingerprint):
        return False
    path.touch()
    print(f"{path} was built with these pretraining settings: kept")
    return True


def run(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    config = run.config
    corpus = load_json(run.layout.data / "unlabeled.json", "prepare")
    if _still_valid(run, corpus["fingerprint"]):
        return
    vocab = Vocabulary.build(corpus["tokens"], config.data.min_count)
    sentences = [ids for ids in map(vocab.encode, corpus["tokens"]) if ids]

    start = time.perf_counter()
    e = config.embeddings
    vectors, embedding_losses = train_skipgram(
        sentences, len(vocab), e.dim, e.window, e.negatives, e.subsample, e.epochs,
        e.batch_size, e.lr, run.seed, run.device)
    embedding_seconds = time.perf_counter() - start

    start = time.perf_counter()
    encoder = build_encoder(len(vocab), run).to(run.device)
    with torch.no_grad():
        encoder.embeddings.weight.copy_(vectors)
    r = config.rae
    rae_losses = pretrain_rae(encoder, sentences, r.epochs, r.batch_size, r.lr,
                              config.data.max_length, run.seed, run.device)
    rae_seconds = time.perf_counter() - start

    save_torch({
        "kind": "pretrain",
        "config": config.to_dict(),
        "config_digest": config.digest(*PRETRAIN_SECTIONS),
        "vocab": vocab.words,
        "vocab_digest": vocab.digest(),
        "data_fingerprint": corpus["fingerprint"],
        "encoder": {k: v.cpu() for k, v in encoder.state_dict().items()},
        "embedding_losses": embedding_losses,
        "rae_losses": rae_losses,
        "seconds": {"prepare": corpus["seconds"], "embeddings": embedding_seconds,
                    "rae": rae_seconds},
        "sentences": len(sentences),
        "tokens": sum(map(len, sentences)),
        "provenance": provenance(run.command),
    }, run.layout.pretrain)
    print(f"pretrained on {len(sentences)} sentences, vocabulary {len(vocab)}: skip-gram loss "
          f"{embedding_losses[-1]:.3f} ({embedding_seconds:.0f}s), RAE error per token "
          f"{rae_losses[-1]:.3f} ({rae_seconds:.0f}s) -> {run.layout.pretrain}")
