"""The tables README.md and docs/ quote, rendered from the results of record (results/*.json,
pipeline/results.py writes them): pure functions of those dicts, so a doc's table is what
results/ holds, to the digit."""

from __future__ import annotations

MISSING = "*Not in results/ yet: `make results` makes it.*"


SHORT_NAMES = {"mr": "MR", "subj": "SUBJ", "cr": "CR", "mpqa": "MPQA", "sst2": "SST-2",
               "sst5": "SST-5"}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _spread(row: dict, seeds: int) -> float | None:
    """Several seeds: the std of their means; one seed: the std over its test folds."""
    return row["std_of_seed_means"] if seeds > 1 else row["std"]


def _cell(row: dict | None, seeds: int) -> str:
    if row is None:
        return "-"
    spread = _spread(row, seeds)
    return _percent(row["accuracy"]) + ("" if spread is None else f" ± {_percent(spread)}")


def _column_title(result: dict) -> str:
    seeds = result["seeds"]
    count = f"{len(seeds)} seeds" if len(seeds) > 1 else f"seed {seeds[0]}"
    name = SHORT_NAMES.get(result["dataset"], result["dataset"])
    return f"{name} ({result['protocol']}, {count})"


def headline(results: list[dict], head_digest: str) -> list[str]:
    """Models as rows, tasks as columns: each row's accuracy, mean over the seeds; and a line
    when the computing code has changed since they were made."""
    if not results:
        return [MISSING]
    models = list(dict.fromkeys(model for result in results for model in result["models"]))
    return ["| model | " + " | ".join(_column_title(r) for r in results) + " |",
            "| --- |" + " --- |" * len(results),
            *(f"| {model} | " + " | ".join(_cell(r["models"].get(model), len(r["seeds"]))
                                           for r in results) + " |" for model in models),
            "", "Accuracy %, the mean over every test fold (cv10) or test set (split) of the "
                "seeds; ± the std of the seeds' means, or over the ten folds of one seed."
            + (" " + stale_note(results, head_digest) if _stale(results, head_digest) else "")]


def task_table(result: dict | None) -> list[str]:
    """One task's rows: the mean, the std over all its test sets, and each seed's mean."""
    if result is None:
        return [MISSING]
    seeds = result["seeds"]
    return [f"{_column_title(result)}: accuracy %, mean and std over every test "
            f"{'fold' if result['protocol'] == 'cv10' else 'set'} of the seeds, then each "
            f"seed's mean.", "",
            "| model | accuracy % | ± std | " + " | ".join(f"seed {s}" for s in seeds) + " |",
            "| --- | --- | --- |" + " --- |" * len(seeds),
            *(f"| {model} | {_percent(row['accuracy'])} | {_percent(row['std'])} | "
              + " | ".join(_percent(row["seed_means"].get(str(s))) for s in seeds) + " |"
              for model, row in result["models"].items())]


def measures_table(result: dict | None) -> list[str]:
    """What else the reports measure of each row, mean ± std over the seeds."""
    if result is None or not result["other_measures"]:
        return [MISSING]
    measured = result["other_measures"]
    shown = list(dict.fromkeys(m for row in measured.values() for m in row))

    def cell(value: dict | None) -> str:
        if value is None:
            return "-"
        return _percent(value["mean"]) + ("" if value["std"] is None
                                          else f" ± {_percent(value['std'])}")

    return [f"{_column_title(result)}, % (mean ± std over the seeds): all phrases, every "
            f"labelled node of the test trees; negation and but, the test sentences holding "
            f"one; probes, evaluation/probes.tsv; parsed, the tree models on the parser's "
            f"trees.", "",
            "| model | " + " | ".join(shown) + " |", "| --- |" + " --- |" * len(shown),
            *(f"| {model} | " + " | ".join(cell(row.get(m)) for m in shown) + " |"
              for model, row in measured.items())]


def parser_table(result: dict | None) -> list[str]:
    """The parser's bracket F1 and exact trees on SST's test trees, beside the baselines."""
    if result is None:
        return [MISSING]
    seeds = result["seeds"]
    count = f"{len(seeds)} seeds, mean ± std" if len(seeds) > 1 else f"seed {seeds[0]}"
    return [f"SST's 2,210 test trees ({count}):", "",
            "| trees | bracket F1 % | exact tree % |", "| --- | --- | --- |",
            *(f"| {name} | {_percent(row['f1'])}"
              + ("" if row["f1_std"] is None else f" ± {_percent(row['f1_std'])}")
              + f" | {_percent(row['exact'])} |" for name, row in result["rows"].items())]


def provenance_lines(results: dict[str, dict], head_digest: str) -> list[str]:
    """Where, when and with what each result was made; and whether the computing code has
    changed since."""
    if not results:
        return [MISSING]
    lines = ["| result | seeds | made | commit | computing code | threads | CPU | torch |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, result in results.items():
        made = result["made"]
        digests = sorted({m["code_digest"] for m in made})
        lines.append(
            f"| {name} | {', '.join(str(m['seed']) for m in made)} | "
            f"{', '.join(sorted({m.get('date') or 'not recorded' for m in made}))} | "
            f"{', '.join(sorted({m['git_commit'][:10] for m in made}))} | "
            f"{', '.join(digests)} | "
            f"{', '.join(sorted({str(m.get('threads') or 'not recorded') for m in made}))} | "
            f"{', '.join(sorted({m.get('cpu') or 'not recorded' for m in made}))} | "
            f"{', '.join(sorted({m['versions']['torch'] for m in made}))} |")
    return lines + ["", stale_note(list(results.values()), head_digest)]


def _stale(results: list[dict], head_digest: str) -> list[dict]:
    return [r for r in results if any(m["code_digest"] != head_digest for m in r["made"])]


def stale_note(results: list[dict], head_digest: str) -> str:
    """Whether the computing code (the digest of the files that compute the numbers, which
    every artifact records) has changed since the results were made."""
    stale = _stale(results, head_digest)
    if not stale:
        return f"Every result was made by the computing code of this checkout ({head_digest})."
    digests = sorted({m["code_digest"] for r in stale for m in r["made"]} - {head_digest})
    which = "All these" if len(stale) == len(results) else f"{len(stale)} of these {len(results)}"
    return (f"{which} results were made by computing code "
            f"{', '.join(digests)} (the digest of the source files that compute the numbers, "
            f"which every artifact records); this checkout's is {head_digest}, so they may "
            f"differ from what it computes: `make results` remakes them.")
