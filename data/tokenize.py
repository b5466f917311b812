"""One tokenizer for training data and for text typed at predict time."""

from __future__ import annotations

import re
import unicodedata

from nltk.tokenize import NLTKWordTokenizer

_TOKENIZER = NLTKWordTokenizer()  # rule-based: needs no downloaded model
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def tokenize(text: str) -> list[str]:
    """Lower-cased NLTK word tokens. NFKC folds compatibility forms (full-width letters,
    ligatures) and control characters become spaces, so odd input still gives clean tokens."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).lower()
    return _TOKENIZER.tokenize(text)
