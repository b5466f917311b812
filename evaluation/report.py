"""The accuracy report: one JSON document for programs, the same as Markdown for people."""

from __future__ import annotations


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _skipped(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"


def results_table(results: list[dict]) -> list[str]:
    classes = " / ".join(results[0]["per_class"])
    phrases = any(row.get("all_phrases") is not None for row in results)
    subsets = results[0].get("subsets", {})
    lines = [f"| model | accuracy % | ± std | 95% CI |{' all phrases % |' * phrases}"
             + "".join(f" {name} ({s['sentences']}) % |" for name, s in subsets.items())
             + f" F1 {classes} | seconds |",
             "| --- | --- | --- | --- |" + " --- |" * (phrases + len(subsets)) + " --- | --- |"]
    for row in results:
        f1 = " / ".join(f"{c['f1']:.3f}" for c in row["per_class"].values())
        low, high = row["ci95"]
        phrase = f" {_percent(row.get('all_phrases'))} |" if phrases else ""
        subset = "".join(f" {_percent(s['accuracy'])} |" for s in row.get("subsets", {}).values())
        lines.append(f"| {row['model']} | {_percent(row['accuracy'])} | {_percent(row['std'])} "
                     f"| {_percent(low)}–{_percent(high)} |{phrase}{subset} {f1} | "
                     f"{row['seconds']:.1f} |")
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


TITLES = {"mr": "MR sentence polarity", "subj": "SUBJ: subjective or objective",
          "cr": "CR: customer review polarity", "mpqa": "MPQA: opinion phrase polarity",
          "sst2": "SST-2: binary sentiment, root level",
          "sst5": "SST-5: fine-grained sentiment, root level"}
PROTOCOLS = {
    "split": "one stratified 80/10/10 train/dev/test split",
    "cv10": "stratified 10-fold cross-validation (dev carved from each training part)",
}
SST_PROTOCOLS = {"sst2": "SST's standard train/dev/test split without neutral sentences",
                 "sst5": "SST's standard train/dev/test split"}
REFERENCE_PROTOCOLS = {"sst2": "SST test split, root", "sst5": "SST test split, root"}
PHRASES = ("all phrases: every labelled node of the test trees (words included). Models that "
           "follow the trees predict each node with their node softmax; the baselines and the "
           "other saved models classify each phrase's words as a text of its own; rows whose "
           "model is not kept have none.")

SUBSETS = ("negation (n), but (n): accuracy on the n test sentences holding a negation (not, "
           "n't, no, never, nothing, none, nor, neither, without, hardly), and on those holding "
           "but.")


def _vectors(embeddings: dict) -> str:
    if not embeddings.get("vectors"):
        return ""
    return (f" Word vectors: {embeddings['vectors']} (fingerprint "
            f"{embeddings['vectors_fingerprint']}), {embeddings['dim']} dimensions, which set "
            "the models' word size; skip-gram was not trained.")


def _intro(report: dict) -> list[str]:
    dataset, data = report["dataset"], report["data"]
    phrases = any(row.get("all_phrases") is not None for row in report["results"])
    return [
        f"# {TITLES.get(dataset, dataset)}: {report['protocol']}",
        "",
        f"Measured by this project: {SST_PROTOCOLS.get(dataset, PROTOCOLS[report['protocol']])}, "
        f"seed {report['seed']}, {data['sentences']} sentences from {data['source']} "
        f"(odd lines: {_skipped(data['skipped_lines'])}; {_percent(data['oov_token_rate'])}% of "
        "tokens outside the pretraining vocabulary). "
        "Accuracy is the mean over test folds; the interval is Student-t over folds (cv10) or "
        "Wilson on the test set (split). Baselines fit on train+dev (they select nothing); "
        "the RAE rows use dev for early stopping and alpha." + (" " + PHRASES if phrases else "")
        + _vectors(report["config"]["embeddings"]),
        "",
        *(f"- {about}" for about in report.get("families", {}).values()),
        "",
    ]


def _refit_lines(refit_rows: list[str]) -> list[str]:
    if not refit_rows:
        return []
    return ["", f"Refit (the paper's 90%): {', '.join(refit_rows)} tested a model trained again "
                "on train + dev with the alpha, epochs and head steps dev picked; the other "
                "RAE rows test the model dev picked (80/10/10)."]


def _fusion_lines(fusion: dict | None) -> list[str]:
    if fusion is None:
        return []
    alone = "; ".join(f"{name} {_percent(accuracy)}" for name, accuracy in fusion["alone"].items())
    return ["", f"rae+nbsvm: {fusion['rae_row']} (the best RAE row on dev) mixed with NBSVM-bi "
                f"fit on the train part; the RAE's weight, picked by dev log-loss per fold: "
                f"{fusion['rae_weights']}. Each part alone on the same test folds: {alone}."]


def _epoch_lines(report: dict) -> list[str]:
    """Epochs each trained row ran per fold (early stopping ends it), and their mean time."""
    seconds = {row["model"]: row["seconds"] for row in report["results"]}
    return [f"epochs trained per fold, {name}: {epochs} ({seconds[name] / sum(epochs):.1f} s "
            f"an epoch, dev included)" for name, epochs in report.get("epochs", {}).items()]


def _probe_lines(probes: dict[str, dict]) -> list[str]:
    """Each saved model's score on the negation and contrast probes, by kind."""
    if not probes:
        return []
    answers = next(iter(probes.values()))["answers"]
    kinds = list(dict.fromkeys(a["kind"] for a in answers))
    counts = {kind: sum(a["kind"] == kind for a in answers) for kind in kinds}
    return ["", f"Probes (evaluation/probes.tsv): {len(answers)} short sentences written for "
                "this project that turn on negation or contrast, put to each saved model (a "
                "tree model reads the probe's tree); % answered with the right polarity.", "",
            f"| model | all ({len(answers)}) | "
            + " | ".join(f"{kind} ({counts[kind]})" for kind in kinds) + " |",
            "| --- | --- |" + " --- |" * len(kinds),
            *(f"| {row} | {_percent(score['accuracy'])} | "
              + " | ".join(_percent(score["by_kind"][kind]) for kind in kinds) + " |"
              for row, score in probes.items())]


def _parsed_lines(report: dict) -> list[str]:
    """The tree families on the parser's trees beside SST's (pipeline/parsed_trees.py)."""
    parsed = report.get("parsed_trees")
    if not parsed:
        return []
    if parsed["rows"] is None:
        return ["", f"Parsed trees: the models that follow trees learned from and were tested "
                    f"on the trees this project's parser gives each sentence (`make parser`: "
                    f"learned from SST's training trees, their brackets only, never a label; "
                    f"bracket F1 {parsed['parser_f1']:.1f} on SST's test trees), the "
                    f"sentence's class on the root only. SST's sentences come from the "
                    f"reviews MR's come from, so the parser may have seen some of these "
                    f"sentences' brackets, never their labels."]
    gold = {row["model"]: row["accuracy"] for row in report["results"]}
    probes = report.get("probes", {})
    greedy = parsed.get("greedy_tree_f1")
    greedy_f1 = "" if greedy is None else f"; the greedy RAE's own trees, {greedy:.1f}"
    return ["", f"On parsed trees: the models that follow trees, given the trees of this "
                f"project's parser (`make parser`: learned from SST's training brackets, "
                f"bracket F1 {parsed['parser_f1']:.1f} on the test trees{greedy_f1}) instead of "
                f"SST's; the probes' sentences parsed too, as a typed sentence is.", "",
            "| model | gold trees % | parsed trees % | probes, gold-style trees % | "
            "probes, parsed % |", "| --- | --- | --- | --- | --- |",
            *(f"| {name} | {_percent(gold[name])} | {_percent(row['accuracy'])} | "
              f"{_percent(probes[name]['accuracy']) if name in probes else '-'} | "
              f"{_percent(row['probes']['accuracy']) if row['probes'] else '-'} |"
              for name, row in parsed["rows"].items())]


def _measured(report: dict) -> list[str]:
    return [
        "## Measured",
        "",
        *results_table(report["results"]),
        "",
        SUBSETS,
        "",
        *(f"alpha picked on dev per fold, {name}: {alphas}"
          for name, alphas in report["chosen_alpha"].items()),
        *(f"word vectors' start picked on dev per fold, {name}: {starts}"
          for name, starts in report.get("chosen_word_start", {}).items()),
        *_epoch_lines(report),
        *(f"dev accuracy per fold (that choice, best epoch), {name}: "
          f"{[round(a, 3) for a in accuracies]}"
          for name, accuracies in report.get("dev_accuracy", {}).items()),
        *_refit_lines(report.get("refit_rows", [])),
        *_fusion_lines(report.get("fusion")),
        *_probe_lines(report.get("probes", {})),
        *_parsed_lines(report),
        "",
        f"## Reported in the literature (not measured here; "
        f"{REFERENCE_PROTOCOLS.get(report['dataset'], '10-fold CV')})",
        "",
        "| model | accuracy % | source |",
        "| --- | --- | --- |",
        *(f"| {r['model']} | {_percent(r['accuracy'])} | {r['source']} |"
          for r in report["references"]),
        "",
    ]


def _provenance(report: dict) -> list[str]:
    provenance = report["provenance"]
    figures = "Figures: confusion.png (best RAE row), curves.png"
    if report["unroll"]:
        figures += ", unroll.png"
    if report.get("tree_figure"):
        figures += ", trees.png: greedy tree and parse tree of " + "; ".join(
            f'"{sentence}"' for sentence in report["tree_figure"])
    return [
        "## Time per stage (seconds)",
        "",
        *(f"- {stage}: {seconds:.1f}" for stage, seconds in report["stage_seconds"].items()),
        "",
        "## Provenance",
        "",
        f"- eval: commit {provenance['git_commit']}, code {provenance['code_digest']}",
        *(f"- {name}: commit {made['git_commit']}, code {made['code_digest']}, "
          f"`{made['command']}`" for name, made in report["built_by"].items()),
        "- versions: " + ", ".join(f"{k} {v}" for k, v in provenance["versions"].items()),
        f"- config digest: {report['config_digest']} (resolved config in accuracy.json)",
        f"- command: `{provenance['command']}`",
        "",
        figures + ".",
        "",
    ]


def markdown(report: dict) -> str:
    return "\n".join([*_intro(report), *_measured(report), *_unroll_lines(report["unroll"]),
                      *_provenance(report)])
