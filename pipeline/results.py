"""The results of record: results/<task>.json (committed), each task's reports of its seeds
gathered with where, when and by what code they were made; and the tables README.md and
docs/ quote, generated from them between `<!-- generated: NAME -->` and
`<!-- end generated -->`, so that no accuracy in the docs is typed by hand.

    python -m pipeline results             gather RECORD's reports into results/, then the tables
    python -m pipeline results --tables    the docs' tables from results/ as it is
    python -m pipeline results --check     one line per doc table that results/ does not give
    python -m pipeline results --plan      the sweeps RECORD needs, for `make results`

A task whose reports are not all there keeps its results/ file (gathering says which).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data.datasets import resolve_dataset
from evaluation import results_tables as tables
from pipeline.infra.artifacts import ArtifactError, load_torch, read_json, save_json, save_text
from pipeline.infra.config import ConfigError
from pipeline.infra.options import Run, add_common
from pipeline.infra.paths import folder_names
from pipeline.infra.provenance import ROOT, code_digest
from pipeline.seeds import across_seeds, other_measures, seed_reports

RESULTS = ROOT / "results"
PARSER_RESULT = "sst-parser"


@dataclass(frozen=True)
class Record:
    dataset: str
    protocol: str
    seeds: tuple[int, ...]
    model: str  # MODEL= of its sweep
    headline: bool  # a column of README's table

    @property
    def task(self) -> str:
        return f"{self.dataset}-{self.protocol}"


# What the docs quote: the MR recipe and SST over three seeds, the other sentence tasks over
# one, and the sentence tasks again with the tree models on the parser's trees.
SENTENCE_TREES = "greedy tree rntn treelstm"
RECORD = (
    Record("mr", "cv10", (0, 1, 2), "all", True),
    Record("sst2", "split", (0, 1, 2), "all", True),
    Record("sst5", "split", (0, 1, 2), "all", True),
    Record("subj", "cv10", (0,), "all", True),
    Record("cr", "cv10", (0,), "all", True),
    Record("mpqa", "cv10", (0,), "all", True),
    *(Record(name, "split", (0,), SENTENCE_TREES, False) for name in ("mr", "subj", "cr", "mpqa")),
)
BLOCK = re.compile(r"<!-- generated: (?P<name>[^>]+?) -->\n(?P<body>.*?)<!-- end generated -->",
                   re.DOTALL)
# A table header that announces accuracies; outside a generated block it was typed by hand.
ACCURACY_HEADER = re.compile(r"accuracy|%|\bf1\b", re.IGNORECASE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--tables", action="store_true",
                        help="only write the docs' tables from results/ as it is")
    action.add_argument("--check", action="store_true",
                        help="only check that every table in README.md and docs/ is what "
                             "results/ generates")
    action.add_argument("--plan", action="store_true",
                        help="print the sweeps results/ needs: dataset protocol seeds models")


def main(args: argparse.Namespace) -> None:
    if args.plan:
        for record in RECORD:
            print(record.dataset, record.protocol, ",".join(map(str, record.seeds)),
                  record.model.replace(" ", ","))
        return
    if args.check:
        problems = check_docs(docs_files(), load_results())
        if problems:
            raise ConfigError(f"{problems[0]} ({len(problems)} in all); regenerate with "
                              f"`python -m pipeline results --tables`")
        print(f"{len(docs_files())} docs: every table is what results/ generates")
        return
    if not args.tables:
        gather(Run.from_args(args), Path(args.config), args.nproc)
    for path in write_tables(docs_files(), load_results()):
        print(f"-> {path}")


def gather(run: Run, config_path: Path, nproc: int) -> None:
    """Each task's result from the reports of its seeds that are made (its table says which);
    a task with none keeps its results/ file."""
    for record in RECORD:
        reports, missing = {}, []
        for seed in record.seeds:
            try:
                reports |= seed_reports(run, config_path, nproc, resolve_dataset(record.dataset),
                                        record.protocol, [seed], record.model.split())
            except ArtifactError:  # not made yet (or not by this config): `make results`
                missing.append(seed)
        make = (f"`make eval DATASET={record.dataset} PROTOCOL={record.protocol} "
                f"MODEL='{record.model}' SEED=s` makes seed s")
        if not reports:
            print(f"{record.task}: no seed's report, kept what results/ holds ({make})")
            continue
        models = across_seeds(reports)
        save_json({"task": record.task, "dataset": record.dataset, "protocol": record.protocol,
                   "seeds": list(reports), "model": record.model, "models": models,
                   "other_measures": other_measures(reports, list(models)),
                   "made": [_made(seed, report) for seed, report in reports.items()]},
                  RESULTS / f"{record.task}.json")
        print(f"{record.task}: seeds {', '.join(map(str, reports))} -> results/"
              + (f"; not {', '.join(map(str, missing))} ({make})" if missing else ""))
    parsers = {}
    for seed in RECORD[1].seeds:  # the parser of each SST seed's run: its report, provenance
        path = run.layout.build / folder_names(config_path, run.config, seed, nproc)[0] \
            / "parser.pt"
        if path.is_file():
            saved = load_torch(path, "parser")
            parsers[seed] = {"rows": saved["report"]["rows"], "provenance": saved["provenance"]}
    if parsers:
        save_json(_parser_result(parsers), RESULTS / f"{PARSER_RESULT}.json")
        print(f"{PARSER_RESULT}: seeds {', '.join(map(str, parsers))} -> results/")


# What a result keeps of each seed's provenance (the report's or parser.json's).
MADE_KEYS = ("git_commit", "code_digest", "versions", "cpu", "threads", "date")


def _made(seed: int, artifact: dict) -> dict:
    return {"seed": seed, **{key: artifact["provenance"].get(key) for key in MADE_KEYS}}


def _parser_result(parsers: dict[int, dict]) -> dict:
    names = list(next(iter(parsers.values()))["rows"])
    rows = {}
    for name in names:
        f1 = [p["rows"][name]["f1"] / 100 for p in parsers.values()]
        rows[name] = {"f1": float(np.mean(f1)),
                      "f1_std": float(np.std(f1, ddof=1)) if len(f1) > 1 else None,
                      "exact": float(np.mean([p["rows"][name]["exact"] / 100
                                              for p in parsers.values()]))}
    return {"seeds": list(parsers), "rows": rows,
            "made": [_made(seed, parser) for seed, parser in parsers.items()]}


def load_results(folder: Path = RESULTS) -> dict[str, dict]:
    """{task or sst-parser: its result}, of the files results/ holds."""
    return {path.stem: read_json(path, "results") for path in sorted(folder.glob("*.json"))}


def docs_files(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def render(name: str, results: dict[str, dict]) -> list[str]:
    """A generated block's lines, from its name (`headline`, `task mr-cv10`, ...)."""
    kind, _, task = name.partition(" ")
    if kind == "headline":
        return tables.headline([results[r.task] for r in RECORD
                                if r.headline and r.task in results], code_digest())
    if kind == "task":
        return tables.task_table(results.get(task))
    if kind == "measures":
        return tables.measures_table(results.get(task))
    if kind == "parser":
        return tables.parser_table(results.get(PARSER_RESULT))
    if kind == "provenance":
        return tables.provenance_lines(results, code_digest())
    raise ConfigError(f"no generated table is named {name!r}")


def generated(text: str, results: dict[str, dict]) -> str:
    """The text with every generated block rendered afresh."""
    return BLOCK.sub(lambda found: f"<!-- generated: {found['name']} -->\n"
                                   + "\n".join(render(found["name"], results))
                                   + "\n<!-- end generated -->", text)


def write_tables(paths: list[Path], results: dict[str, dict]) -> list[Path]:
    written = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fresh = generated(text, results)
        if fresh != text:
            save_text(fresh, path)
            written.append(path)
    return written


def check_docs(paths: list[Path], results: dict[str, dict]) -> list[str]:
    """A line per generated block that results/ does not give, and per accuracy table typed
    outside one."""
    problems = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        name = f"docs/{path.name}" if path.parent.name == "docs" else path.name
        for found in BLOCK.finditer(text):
            if found["body"] != "\n".join(render(found["name"], results)) + "\n":
                line = text.count("\n", 0, found.start()) + 1
                problems.append(f"{name} line {line}: the {found['name']!r} table is not what "
                                f"results/ generates")
        outside = BLOCK.sub(lambda found: "\n" * found[0].count("\n"), text)
        lines = outside.split("\n")
        for number, line in enumerate(lines, start=1):
            starts_table = line.startswith("|") and (number == 1 or
                                                      not lines[number - 2].startswith("|"))
            if starts_table and ACCURACY_HEADER.search(line):
                problems.append(f"{name} line {number}: an accuracy table typed by hand; "
                                f"generate it from results/")
    return problems
