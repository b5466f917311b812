"""One tokenizer for training data and for text typed at predict time."""

from __future__ import annotations

import re
import unicodedata

from nltk.tokenize import NLTKWordTokenizer

_TOKENIZER = NLTKWordTokenizer()  # rule-based: needs no downloaded model
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """NFKC folds compatibility forms (full-width letters, ligatures), control characters
    become spaces, and everything is lower-cased."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).lower()


def tokenize(text: str) -> list[str]:
    """Lower-cased NLTK word tokens of normalised text, so odd input still gives clean tokens."""
    return _TOKENIZER.tokenize(normalise(text))
