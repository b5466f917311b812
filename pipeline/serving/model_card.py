"""A model folder's README.md: a model card whose YAML header carries the Hugging Face model-card
fields (library, pipeline tag, data sets, metrics with the measured accuracy) and whose text says
what the model was trained on, how it was measured and where it fails.

The failures are not written by hand: the probe sentences whose polarity a reader knows
(negation, contrast: evaluation/probes.tsv) are put to the model when the card is written, and
the card lists what it got wrong.
"""

from __future__ import annotations

import json

from evaluation.probes import asks, load_probes, score
from pipeline.serving.trained import TrainedModel

PROTOCOLS = {
    "split": "accuracy on the test part (10%) of one stratified 80/10/10 split",
    "cv10": "mean accuracy over stratified 10-fold cross-validation; the exported model is "
            "the first fold's",
}


def probe_score(trained: TrainedModel) -> dict | None:
    """The model's score on the negation and contrast probes (evaluation/probes.tsv), if its
    classes have a polarity."""
    if not asks(trained.labels):
        return None
    probes = load_probes()
    return score(probes, trained.probabilities([p.text for p in probes]), trained.labels)


def model_card(trained: TrainedModel, name: str, accuracy: dict | None) -> str:
    """accuracy: {value (0..1), std, protocol, seed} as the report measured it, or None."""
    made = trained.made_from
    dataset = made.get("dataset", "sentences given to RAEClassifier.fit")
    metric = "" if accuracy is None else (
        f"    metrics:\n"
        f"    - type: accuracy\n"
        f"      value: {100 * accuracy['value']:.2f}\n"
        f"      name: {json.dumps(_protocol(accuracy))}\n")
    header = (f"---\nlibrary_name: rae-sentiment\npipeline_tag: text-classification\n"
              f"language: en\ntags: [recursive-autoencoder, sentence-classification]\n"
              f"datasets: [{json.dumps(dataset)}]\nmetrics: [accuracy]\n"
              f"model-index:\n- name: {json.dumps(name)}\n"
              f"  results:\n"
              f"  - task:\n      type: text-classification\n"
              f"    dataset:\n      name: {json.dumps(dataset)}\n"
              f"      type: {json.dumps(dataset)}\n"
              f"{metric}---\n")
    return header + "\n".join([
        f"# {name}: a {trained.family.name} recursive autoencoder classifier",
        "",
        "## Trained on",
        "",
        _trained_on(trained),
        "",
        "## How it was measured",
        "",
        "Not measured: fitted through the Python API." if accuracy is None else
        f"{_capitalised(_protocol(accuracy))}: **{100 * accuracy['value']:.1f}%**"
        + (f" ± {100 * accuracy['std']:.1f}" if accuracy.get("std") else "") + ".",
        "",
        *_failures(trained),
        "## Use",
        "",
        "```",
        'python -m pipeline predict --model <this folder> "a sentence"',
        "```",
        "",
        "```python",
        "from pipeline import RAEClassifier",
        'RAEClassifier.load("<this folder>").predict(["a sentence"])',
        "```",
        "",
        "To share it on the Hugging Face hub (needs a token and the network): "
        "`huggingface-cli upload <user>/<repo> <this folder>`.",
        "",
    ])


def _trained_on(trained: TrainedModel) -> str:
    made = trained.made_from
    if "data_fingerprint" in made:
        source = (f"Data set `{made.get('dataset')}` (fingerprint `{made['data_fingerprint']}`), "
                  f"protocol `{made.get('protocol')}`")
    else:
        source = (f"{made.get('sentences', 'Some')} sentences given to `RAEClassifier.fit` "
                  f"({made.get('dev_size', 0):.0%} of them held out to pick alpha and the "
                  f"epochs)")
    return (f"{source}, seed {made.get('seed', 'unknown')}, settings digest "
            f"`{trained.config.digest()}` (config.json holds them all). Classes: "
            f"{', '.join(trained.labels)}. Vocabulary: {len(trained.vocab):,} tokens "
            f"(vocab.txt); a sentence is read from its last {trained.max_length} tokens."
            + _parsed_by(trained))


def _parsed_by(trained: TrainedModel) -> str:
    if trained.parser is None:
        return ""
    return (f" The model follows a sentence's binary parse tree, which the span parser in "
            f"this folder gives it (parser.safetensors, parser-vocab.txt): learned from SST's "
            f"training trees, their brackets only, it finds {trained.parser.test_f1:.1f}% of "
            f"the brackets of SST's test trees (bracket F1).")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _protocol(accuracy: dict) -> str:
    return f"{PROTOCOLS[accuracy['protocol']]}, seed {accuracy['seed']}"


def _failures(trained: TrainedModel) -> list[str]:
    probed = probe_score(trained)
    if probed is None:
        return []
    answers = probed["answers"]
    wrong = [a for a in answers if not a["right"]]
    kinds = "; ".join(f"{kind} {100 * accuracy:.0f}%" for kind, accuracy in
                      probed["by_kind"].items())
    rows = [f"| {a['text']} | {a['kind']} | {a['expected']} | {a['label']} ({a['prob']:.2f}) |"
            for a in wrong]
    return ["## Known failures", "",
            f"The {len(answers)} negation and contrast probes (evaluation/probes.tsv), put to "
            f"this model when the folder was written: {len(wrong)} wrong, "
            f"{100 * probed['accuracy']:.0f}% right ({kinds}). The wrong ones:", "",
            "| sentence | kind | polarity | answered |", "| --- | --- | --- | --- |", *rows, ""]
