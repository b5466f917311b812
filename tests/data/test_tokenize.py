"""The tokenizer runs NLTK's rules through the standard `re` (data/tokenize.py): its tokens
must be stock nltk's, on every data set it tokenises and on arbitrary text made of characters
both engines class alike (their Unicode tables differ on some, data/tokenize.py says which)."""

import re

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize import NLTKWordTokenizer

from data.line_sets import LINE_SETS, load_line_set
from data.sources import load_movie_reviews
from data.tokenize import normalise, tokenize

STOCK = NLTKWordTokenizer()


def stock_tokens(text: str) -> list[str]:
    return STOCK.tokenize(normalise(text))


@pytest.mark.parametrize("name", [*LINE_SETS, "movie_reviews"])
def test_every_data_set_gets_stock_nltk_tokens(name):
    texts = (load_movie_reviews() if name == "movie_reviews" else load_line_set(name)).texts
    different = [text for text in texts if tokenize(text) != stock_tokens(text)]
    assert not different, different[:3]


def classed_alike(character: str) -> bool:
    """Both engines class the character alike, and what NFKC makes of it: the tokenizer sees
    normalised text, where a spacing mark such as the cedilla becomes a combining one."""
    return all(bool(re.match(kind, folded)) == bool(regex.match(kind, folded))
               for folded in normalise(character) for kind in (r"\w", r"\d", r"\s"))


# NLTK's rules are about quotes, clitics, brackets, dashes and punctuation: draw text rich in them
TRICKY = st.text(alphabet=st.sampled_from(list("aZ9 '\"`.,:;!?()[]{}<>-–—«»“”‘’„$%&@#*\\/\t\n"))
                 | st.characters(blacklist_categories=("Cs",)).filter(classed_alike))


@settings(max_examples=500)
@given(st.lists(TRICKY | st.sampled_from(["n't", "'ll", "'re", "cannot", "gonna", "''", "``",
                                           "...", "--", "'s "]), max_size=20).map("".join))
def test_arbitrary_text_gets_stock_nltk_tokens(text):
    assert tokenize(text) == stock_tokens(text)
