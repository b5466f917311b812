"""One tokenizer for training data and for text typed at predict time."""

from __future__ import annotations

import re
import unicodedata

from nltk.tokenize import NLTKWordTokenizer

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The flags the standard `re` knows; `regex` patterns also carry its own (VERSION0).
_RE_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.VERBOSE | re.ASCII


def _compiled_by_re(rule):
    """A tokenizer rule (a pattern, or lists and tuples holding patterns) with every pattern
    compiled by the standard `re`; replacement strings and `re` patterns are kept."""
    if isinstance(rule, list | tuple):
        return type(rule)(_compiled_by_re(part) for part in rule)
    if hasattr(rule, "pattern") and not isinstance(rule, re.Pattern):
        return re.compile(rule.pattern, rule.flags & _RE_FLAGS)
    return rule


# NLTK's rule-based word tokenizer (it needs no downloaded model), running NLTK's own code on
# NLTK's own rules. nltk >= 3.10 runs each of its 23 substitutions per sentence through the
# `regex` engine under a ReDoS timeout, a guard meant for patterns that callers supply; these
# are fixed and linear, and the standard `re` runs them about twice as fast, which is most
# of predict's time. The tokens are stock nltk's on every data set (tests/data/test_tokenize.py).
# The engines' Unicode tables differ on what \w is for combining marks, a few symbols and code
# points newer than Python's tables, so an apostrophe beside one of those may split otherwise.
_TOKENIZER = type("ReNLTKWordTokenizer", (NLTKWordTokenizer,), {
    name: _compiled_by_re(rules) for name, rules in vars(NLTKWordTokenizer).items()
    if name.isupper()})()


def normalise(text: str) -> str:
    """NFKC folds compatibility forms (full-width letters, ligatures), control characters
    become spaces, and everything is lower-cased."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).lower()


def tokenize(text: str) -> list[str]:
    """Lower-cased NLTK word tokens of normalised text, so odd input still gives clean tokens."""
    return _TOKENIZER.tokenize(normalise(text))
