"""A model folder's README.md: a model card whose YAML header carries the Hugging Face model-card
fields (library, pipeline tag, data sets, metrics with the measured accuracy) and whose text says
what the model was trained on, how it was measured and where it fails.

The failures are not written by hand: a few sentences whose polarity a reader knows (negation,
contrast) are put to the model when the card is written, and the card lists what it answered.
"""

from __future__ import annotations

import json

from pipeline.trained import TrainedModel

# (sentence, its polarity): sentences that turn on negation or contrast, where a model that
# adds up its words' sentiment goes wrong. Only asked of neg/pos models.
PROBES = (
    ("not bad at all", "pos"),
    ("it is not a good film", "neg"),
    ("never boring for a minute", "pos"),
    ("i did not like it at all", "neg"),
    ("the cast is wonderful but the film is a tedious mess", "neg"),
    ("a slow start , but the ending is moving and beautiful", "pos"),
)

PROTOCOLS = {
    "split": "accuracy on the test part (10%) of one stratified 80/10/10 split",
    "cv10": "mean accuracy over stratified 10-fold cross-validation; the exported model is "
            "the first fold's",
}


def probe_answers(trained: TrainedModel) -> list[dict]:
    if sorted(trained.labels) != ["neg", "pos"]:
        return []
    answers = trained.answers([sentence for sentence, _ in PROBES])
    return [{"text": sentence, "expected": expected, **answer}
            for (sentence, expected), answer in zip(PROBES, answers, strict=True)]


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
            f"(vocab.txt); a sentence is read from its last {trained.max_length} tokens.")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _protocol(accuracy: dict) -> str:
    return f"{PROTOCOLS[accuracy['protocol']]}, seed {accuracy['seed']}"


def _failures(trained: TrainedModel) -> list[str]:
    answers = probe_answers(trained)
    if not answers:
        return []
    wrong = sum(a["label"] != a["expected"] for a in answers)
    rows = [f"| {a['text']} | {a['expected']} | {a['label']} ({a['prob']:.2f}) | "
            f"{'wrong' if a['label'] != a['expected'] else 'right'} |" for a in answers]
    return ["## Known failures", "",
            f"Sentences that turn on negation or contrast, put to this model when the folder "
            f"was written: it got {wrong} of {len(answers)} wrong.", "",
            "| sentence | polarity | answered | |", "| --- | --- | --- | --- |", *rows, ""]
