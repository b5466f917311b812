"""Pretrain on unlabeled movie reviews: skip-gram word vectors (or the user's VECTORS), then
the linear RAE. The vectors are also written in word2vec's text format (vectors.txt).

Only the nltk movie_reviews corpus is read here, never MR, so no test fold can leak into the
vocabulary, the word vectors or the RAE, whatever the protocol.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack, redirect_stdout
from pathlib import Path

import numpy as np
import torch

from data.token_store import SentenceIds, open_token_store
from data.vectors import read_vectors, write_vectors
from data.vocab import Vocabulary
from models.word_rae import WordRAE
from pipeline.infra.artifacts import ArtifactError, load_json, reusable, save_bytes_with, save_torch
from pipeline.infra.checkpoints import open_checkpoint, remove_checkpoint
from pipeline.infra.config import PRETRAIN_SECTIONS, Config, ConfigError
from pipeline.infra.locks import exclusive
from pipeline.infra.options import Run, add_common
from pipeline.infra.paths import unlabeled_name
from pipeline.infra.provenance import code_digest, provenance
from training.distributed import SINGLE, Ranks, start, stop
from training.rae_pretrain import pretrain_rae
from training.resume import Checkpoint
from training.skipgram import train_skipgram

MIN_WORDS = 10  # in the vocabulary; fewer leave nothing to learn


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def main(args: argparse.Namespace) -> None:
    """One process, or each rank of `torchrun ... -m pipeline pretrain`: only rank 0 takes
    the folder's lock (the others wait for it at the barrier), writes files and prints; the
    others would only say the same again."""
    run = Run.from_args(args)
    ranks, run.device = start(run.device)
    with ExitStack() as stack:
        stack.callback(stop)
        if ranks.world != args.nproc:  # the folder's name would be another count's
            raise ConfigError(f"--nproc is {args.nproc}, but this pretraining runs in "
                              f"{ranks.world} process(es) (torchrun's --nproc-per-node times "
                              f"--nnodes; 1 without torchrun): the two must agree, as `make "
                              f"pretrain NPROC=N` makes them")
        if ranks.main:
            stack.enter_context(exclusive(run.layout.pretrain_folder))
        else:
            stack.enter_context(redirect_stdout(stack.enter_context(open(os.devnull, "w"))))
        with ranks.watching_peers():
            ranks.barrier()
            pretrain(run, ranks)


def given_vectors(path: Path, vocab: Vocabulary, seed: int) -> torch.Tensor:
    """The vocabulary's rows from the user's vectors; a word the file lacks starts small and
    random (uniform in +-0.05, as the released RAE code starts every word)."""
    dim, found = read_vectors(path, set(vocab.words))
    generator = torch.Generator().manual_seed(seed)
    vectors = (torch.rand(len(vocab), dim, generator=generator) - 0.5) * 0.1
    for row, word in enumerate(vocab.words):
        if word in found:
            vectors[row] = torch.tensor(found[word])
    print(f"{len(found)} of {len(vocab)} vocabulary words have a vector in {path}")
    return vectors


def pretrain(run: Run, ranks: Ranks) -> None:
    config, path = run.config, run.layout.pretrain
    corpus = load_json(run.layout.data / f"{unlabeled_name(config)}.json", "prepare")
    made_from = {"config_digest": config.digest(*PRETRAIN_SECTIONS),
                 "data_fingerprint": corpus["fingerprint"], "seed": run.seed,
                 "code_digest": code_digest()}
    if reusable(path, "pretrain", **made_from):
        return
    checkpoint = open_checkpoint(path, made_from, run.checkpoint_every, "pretrain",
                                 write=ranks.main)
    stored_words, counts, provisional = open_token_store(run.layout.data / corpus["store"])
    if (len(provisional), provisional.tokens) != (corpus["sentences"], corpus["tokens"]):
        prepared = run.layout.data / f"{unlabeled_name(config)}.json"
        raise ArtifactError(f"{run.layout.data / corpus['store']} does not hold the sentences "
                            f"{prepared} records", f"delete {prepared} and run `make prepare`")
    vocab = corpus_vocabulary(dict(zip(stored_words, counts.tolist(), strict=True)), config)
    sentences = SentenceIds(provisional.flat, provisional.offsets,
                            np.asarray(vocab.encode(stored_words), dtype=np.int64))

    encoder, losses, seconds = train_encoder(config, sentences, vocab, run.seed, run.device,
                                             checkpoint, ranks)
    if not ranks.main:
        return
    # pretraining keeps the word vectors fixed: the encoder's are the vectors it was given
    save_bytes_with(lambda stream: write_vectors(stream, vocab.words,
                                                 encoder.embeddings.weight.detach().cpu()),
                    run.layout.pretrain_folder / "vectors.txt")

    save_torch({
        "kind": "pretrain",
        **made_from,
        "config": config.to_dict(),
        "vocab": vocab.words,
        "vocab_digest": vocab.digest(),
        "encoder": {k: v.cpu() for k, v in encoder.state_dict().items()},
        **losses,
        "seconds": {"prepare": corpus["seconds"], **seconds},
        "sentences": len(sentences),
        "tokens": sentences.tokens,
        "processes": ranks.world,
        "provenance": provenance(run.command),
    }, path)
    remove_checkpoint(path)
    vectors_said = (f"skip-gram loss {losses['embedding_losses'][-1]:.3f}"
                    if losses["embedding_losses"] else f"vectors from {config.embeddings.vectors}")
    print(f"pretrained on {len(sentences)} sentences, vocabulary {len(vocab)}: {vectors_said} "
          f"({seconds['embeddings']:.0f}s), RAE error per token "
          f"{losses['rae_losses'][-1]:.3f} ({seconds['rae']:.0f}s) -> {path}")


def corpus_vocabulary(counts: dict[str, int], config: Config) -> Vocabulary:
    """The words seen at least data.min_count times; too few to learn from is a config error."""
    vocab = Vocabulary.from_counts(counts, config.data.min_count)
    words = len(vocab) - 2  # besides <pad> and <unk>
    if words < MIN_WORDS:
        raise ConfigError(f"config key 'data.min_count' = {config.data.min_count} leaves "
                          f"{words} words of the unlabeled corpus in the vocabulary; "
                          f"at least {MIN_WORDS} are needed")
    return vocab


def train_encoder(config: Config, sentences: SentenceIds, vocab: Vocabulary, seed: int,
                  device: torch.device, checkpoint: Checkpoint | None = None,
                  ranks: Ranks = SINGLE) -> tuple[WordRAE, dict, dict]:
    """Word vectors (skip-gram, or the config's vector file), then the linear RAE over them ->
    (the encoder, {embedding_losses, rae_losses}, {embeddings, rae: seconds}). `make pretrain`
    and an RAEClassifier without a pretrained run both train this way."""
    start = time.perf_counter()
    e = config.embeddings
    if e.vectors:
        vectors, embedding_losses = given_vectors(Path(e.vectors), vocab, seed), []
    else:
        vectors, embedding_losses = train_skipgram(
            sentences, len(vocab), e.dim, e.window, e.negatives, e.subsample, e.epochs,
            e.batch_size, e.lr, seed, device, checkpoint, ranks)
    embedding_seconds = time.perf_counter() - start

    start = time.perf_counter()
    encoder = WordRAE(len(vocab), e.dim, config.rae.hidden).to(device)
    with torch.no_grad():
        encoder.embeddings.weight.copy_(vectors)
    r = config.rae
    rae_losses = pretrain_rae(encoder, sentences, r.epochs, r.batch_size, r.lr,
                              config.data.max_length, seed, device, checkpoint, ranks)
    return (encoder, {"embedding_losses": embedding_losses, "rae_losses": rae_losses},
            {"embeddings": embedding_seconds, "rae": time.perf_counter() - start})
