"""Learn a binary constituency parser from SST's training trees, their brackets only (never a
sentiment label), and measure it on the test trees beside the simple baselines
-> build/<run>/parser.pt, reports/sst-parser/<run>/parser.{json,md}.

The parser reads the pretrained word vectors (skip-gram, or VECTORS=), with the training
sentences' words added to the vocabulary; dev picks the epoch by bracket F1.
"""

from __future__ import annotations

import argparse
import time

import torch

from data.trees import LabelledTree
from data.vocab import Vocabulary
from evaluation.parsing import BASELINES, bracket_scores
from models.span_parser import Sentence, SpanParser
from pipeline.infra.artifacts import load_json, reusable, save_json, save_text, save_torch
from pipeline.infra.built import load_pretrained
from pipeline.infra.checkpoints import open_checkpoint, remove_checkpoint
from pipeline.infra.config import PRETRAIN_SECTIONS
from pipeline.infra.locks import exclusive
from pipeline.infra.options import Run, add_common
from pipeline.infra.provenance import code_digest, provenance
from pipeline.serving.text_parser import build_parser
from training.parser import Example, parse, train_parser

PARSER_SECTIONS = (*PRETRAIN_SECTIONS, "parser")  # the settings a parser is made from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def main(args: argparse.Namespace) -> None:
    run = Run.from_args(args)
    with exclusive(run.layout.run):
        learn_parser(run)


def learn_parser(run: Run) -> None:
    path, prepared = run.layout.parser, load_json(run.layout.data / "sst.json", "prepare "
                                                   "DATASET=sst2")
    made_from = {"config_digest": run.config.digest(*PARSER_SECTIONS),
                 "data_fingerprint": prepared["fingerprint"], "seed": run.seed,
                 "code_digest": code_digest()}
    if reusable(path, "parser", **made_from):
        return
    pretrained = load_pretrained(run)
    trees = {part: [LabelledTree(tokens, [tuple(pair) for pair in children], [])
                    for tokens, children, split in zip(prepared["tokens"], prepared["children"],
                                                       prepared["split"], strict=True)
                    if split == part] for part in ("train", "dev", "test")}
    vocab = Vocabulary(pretrained["vocab"])
    if run.config.parser.training_words:
        vocab = vocab.extended(tree.leaves for tree in trees["train"])
    parts = {part: [(Sentence(vocab.encode(tree.leaves), tree.leaves), tree.children)
                    for tree in part_trees] for part, part_trees in trees.items()}

    start = time.perf_counter()
    model = build_parser(run.config, len(vocab)).to(run.device)
    with torch.no_grad():  # pretrained rows; the added words keep their random start
        vectors = pretrained["encoder"]["embeddings.weight"]
        model.embeddings.weight[: len(vectors)] = vectors
    checkpoint = open_checkpoint(path, made_from, run.checkpoint_every, "parser")
    curve = train_parser(model, parts["train"], parts["dev"], run.config.parser.schedule,
                         run.seed, run.device, checkpoint)
    seconds = time.perf_counter() - start
    report = measure(model, parts["test"], run.device)
    report.update(dev_f1=100 * max(curve.dev_accuracy), epochs=len(curve.train_loss),
                  best_epoch=curve.best_epoch + 1, training_seconds=seconds,
                  sentences={part: len(examples) for part, examples in parts.items()})
    save_torch({"kind": "parser", **made_from, "config": run.config.to_dict(),
                "vocab": vocab.words, "vocab_digest": vocab.digest(),
                "model": {k: v.cpu() for k, v in model.state_dict().items()},
                "curve": vars(curve), "report": report, "provenance": provenance(run.command)},
               path)
    remove_checkpoint(path)
    write_report(report, run)
    print(f"parser: test bracket F1 {report['rows']['parser']['f1']:.1f} "
          f"(dev {report['dev_f1']:.1f}, epoch {report['best_epoch']}), "
          f"{report['parse_sentences_per_s']:,.0f} sentences/s -> {path}")


def measure(model: SpanParser, test: list[Example], device: torch.device) -> dict:
    """Test bracket F1 and exact match of the parser and of each baseline, and the parser's
    speed over the test sentences."""
    sentences, gold = [sentence for sentence, _ in test], [tree for _, tree in test]
    lengths = [len(sentence.ids) for sentence in sentences]
    parse(model, sentences[:64], device)  # warm-up
    start = time.perf_counter()
    parsed = parse(model, sentences, device)
    speed = len(sentences) / (time.perf_counter() - start)
    rows = {"parser": bracket_scores(parsed, gold, lengths)}
    rows.update({name: bracket_scores([baseline(n) for n in lengths], gold, lengths)
                 for name, baseline in BASELINES.items()})
    return {"rows": rows, "parse_sentences_per_s": speed, "threads": torch.get_num_threads(),
            "device": str(device)}


def write_report(report: dict, run: Run) -> None:
    folder = run.layout.parser_report
    save_json(report, folder / "parser.json")
    lines = ["# A parser learned from SST's trees", "",
             f"Measured by this project on SST's {report['sentences']['test']} test sentences "
             f"against their gold binary trees, seed {run.seed}. Trained on the "
             f"{report['sentences']['train']} training trees' brackets only (never a "
             f"sentiment label); dev ({report['sentences']['dev']} trees) picked epoch "
             f"{report['best_epoch']} of {report['epochs']}. Bracket F1: the internal spans "
             "besides the whole sentence, summed over sentences (binary trees over the same "
             "words have equally many, so precision = recall = F1).", "",
             "| trees | bracket F1 % | exact tree % |", "| --- | --- | --- |"]
    lines += [f"| {name} | {row['f1']:.1f} | {row['exact']:.1f} |"
              for name, row in report["rows"].items()]
    lines += ["", f"Parsing: {report['parse_sentences_per_s']:,.0f} sentences/s "
              f"({report['device']}, {report['threads']} threads, batches of 128); training: "
              f"{report['training_seconds']:.0f} s."]
    save_text("\n".join(lines) + "\n", folder / "parser.md")
