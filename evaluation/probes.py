"""The negation and contrast probes (probes.tsv beside this file): short sentences written for
this project, each with the polarity it should get and its tree, of six kinds: negated
positives and negatives, "X but Y" both ways, intensified and softened phrases, double
negation. Text models read the sentence (its words joined by spaces); models that follow
parse trees read the tree. Every report of a sentiment task and every model card scores them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data.trees import LabelledTree

PROBE_FILE = Path(__file__).with_name("probes.tsv")
# A class name's polarity; a model whose every class has one is asked the probes.
POLARITY = {"neg": "neg", "very neg": "neg", "pos": "pos", "very pos": "pos", "neutral": None}


@dataclass(frozen=True)
class Probe:
    polarity: str  # neg or pos
    kind: str
    tree: LabelledTree[str]  # unlabelled

    @property
    def text(self) -> str:
        return " ".join(self.tree.leaves)


def bracketed_tree(text: str) -> LabelledTree[str]:
    """A binary tree written "(it (is (not bad)))" -> its words and internal nodes, numbered as
    LabelledTree numbers them (leaves first, then internal nodes in post-order)."""
    tokens = re.findall(r"\(|\)|[^\s()]+", text)
    leaves: list[str] = []
    internal: list[tuple[tuple, tuple]] = []  # (left, right) references, in post-order

    def node(at: int) -> tuple[tuple, int]:
        """The subtree at tokens[at] -> (('leaf', i) or ('node', j), the position after it)."""
        if tokens[at] != "(":
            leaves.append(tokens[at])
            return ("leaf", len(leaves) - 1), at + 1
        left, at = node(at + 1)
        right, at = node(at)
        if tokens[at] != ")":
            raise ValueError(f"not a binary tree: {text!r}")
        internal.append((left, right))
        return ("node", len(internal) - 1), at + 1

    root, end = node(0)
    if end != len(tokens):
        raise ValueError(f"not one tree: {text!r}")
    n = len(leaves)

    def number(ref: tuple) -> int:
        kind, index = ref
        return index if kind == "leaf" else n + index

    children = [(number(left), number(right)) for left, right in internal]
    return LabelledTree(leaves, children, [-1] * (n + len(children)))


def load_probes(path: Path = PROBE_FILE) -> list[Probe]:
    probes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            polarity, kind, tree = line.split("\t")
            probes.append(Probe(polarity, kind, bracketed_tree(tree)))
    return probes


def asks(class_names: list[str] | tuple[str, ...]) -> bool:
    """Whether a model of these classes has a polarity to be scored on."""
    return all(name in POLARITY for name in class_names)


def score(probes: list[Probe], probabilities: np.ndarray, class_names) -> dict:
    """{accuracy, by_kind: {kind: accuracy}, answers: [{text, expected, label, prob}]}: a probe
    is right when its most likely class has its polarity (a neutral answer is wrong)."""
    answers = []
    for probe, probs in zip(probes, probabilities, strict=True):
        best = int(np.argmax(probs))
        answers.append({"text": probe.text, "kind": probe.kind, "expected": probe.polarity,
                        "label": class_names[best], "prob": round(float(probs[best]), 4),
                        "right": POLARITY[class_names[best]] == probe.polarity})
    kinds, right = Counter(a["kind"] for a in answers), Counter(a["kind"] for a in answers
                                                               if a["right"])
    return {"accuracy": sum(right.values()) / len(answers),
            "by_kind": {kind: right[kind] / count for kind, count in kinds.items()},
            "answers": answers}
