"""The accuracy report: one JSON document for programs, the same as Markdown for people."""

from __future__ import annotations


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _skipped(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"


def results_table(results: list[dict]) -> list[str]:
    lines = ["| model | accuracy % | ± std | 95% CI | F1 neg / pos | seconds |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in results:
        f1 = " / ".join(f"{c['f1']:.3f}" for c in row["per_class"].values())
        low, high = row["ci95"]
        lines.append(f"| {row['model']} | {_percent(row['accuracy'])} | {_percent(row['std'])} "
                     f"| {_percent(low)}–{_percent(high)} | {f1} | {row['seconds']:.1f} |")
    return lines


def _unroll_lines(unroll: dict | None) -> list[str]:
    if unroll is None:
        return []
    return [
        "## Unrolling the pretrained code",
        "",
        "Share of held-out sentences whose p-th word from the end is the nearest vocabulary word "
        "to the p-th unrolled step (pretrained linear RAE, before any fine-tuning):",
        "",
        "| position from end | " + " | ".join(map(str, unroll["positions"])) + " |",
        "| --- |" + " --- |" * len(unroll["positions"]),
        "| recovered % | " + " | ".join(_percent(r) for r in unroll["recovered"]) + " |",
        "",
    ]


def markdown(report: dict) -> str:
    protocol = {"split": "one stratified 80/10/10 train/dev/test split",
                "cv10": "stratified 10-fold cross-validation (dev carved from each training part)"}
    lines = [
        f"# MR sentence polarity: {report['protocol']}",
        "",
        f"Measured by this project: {protocol[report['protocol']]}, seed {report['seed']}, "
        f"{report['data']['sentences']} sentences from {report['data']['source']} "
        f"(odd lines: {_skipped(report['data']['skipped_lines'])}; "
        f"{_percent(report['data']['oov_token_rate'])}% of tokens outside the pretraining "
        "vocabulary). "
        "Accuracy is the mean over test folds; the interval is Student-t over folds (cv10) or "
        "Wilson on the test set (split). Baselines fit on train+dev (they select nothing); "
        "the RAE rows use dev for early stopping and alpha. greedy-rae reads [root; mean of all "
        "nodes] of the greedy trees, greedy-rae-top the root alone.",
        "",
        "## Measured",
        "",
        *results_table(report["results"]),
        "",
        *(f"alpha picked on dev per fold, {name}: {alphas}"
          for name, alphas in report["chosen_alpha"].items()),
        "",
        "## Reported in the literature (not measured here; 10-fold CV)",
        "",
        "| model | accuracy % | source |",
        "| --- | --- | --- |",
        *(f"| {r['model']} | {_percent(r['accuracy'])} | {r['source']} |"
          for r in report["references"]),
        "",
        *_unroll_lines(report["unroll"]),
        "## Time per stage (seconds)",
        "",
        *(f"- {stage}: {seconds:.1f}" for stage, seconds in report["stage_seconds"].items()),
        "",
        "## Provenance",
        "",
        f"- commit: {report['provenance']['git_commit']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in report["provenance"]["versions"].items()),
        f"- config digest: {report['config_digest']} (resolved config in accuracy.json)",
        f"- command: `{report['provenance']['command']}`",
        "",
        "Figures: confusion.png (best RAE row), curves.png"
        + (", unroll.png." if report["unroll"] else "."),
        "",
    ]
    return "\n".join(lines)
