"""The test sentences that turn on negation or on contrast, and a model's accuracy on them
beside the whole test set: those holding a negation word, and those holding "but" (the cases
Socher et al. 2013 built the RNTN for)."""

from __future__ import annotations

import numpy as np

NEGATIONS = frozenset({"not", "n't", "no", "never", "nothing", "none", "nor", "neither",
                       "without", "hardly"})
SUBSETS = {"negation": lambda words: not NEGATIONS.isdisjoint(words),
           "but": lambda words: "but" in words}


def subset_masks(sentences: list[list[str]]) -> dict[str, np.ndarray]:
    """{subset: which sentences (tokens) belong to it}."""
    lowered = [{word.lower() for word in sentence} for sentence in sentences]
    return {name: np.array([holds(words) for words in lowered], dtype=bool)
            for name, holds in SUBSETS.items()}


def subset_accuracies(masks: dict[str, np.ndarray], truth: np.ndarray, predicted: np.ndarray
                      ) -> dict[str, dict]:
    """{subset: {accuracy (None when it holds no sentence), sentences}}."""
    return {name: {"accuracy": float((predicted[mask] == truth[mask]).mean()) if mask.any()
                   else None, "sentences": int(mask.sum())} for name, mask in masks.items()}
