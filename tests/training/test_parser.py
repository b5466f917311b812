"""The span parser's hinge loss, and its training on a small treebank."""

import numpy as np
import pytest
import torch

from evaluation.parsing import balanced, bracket_scores, right_branching
from models.chart import tree_from_splits
from models.span_parser import Sentence, SpanParser, SpanParserConfig
from training.parser import hinge_loss, parse, span_mask, train_parser
from training.schedule import Schedule

CPU = torch.device("cpu")


def test_the_loss_is_zero_only_when_the_gold_tree_wins_by_its_margin():
    gold, lengths = [right_branching(5), balanced(3)], [5, 3]
    mask = span_mask(gold, lengths, 6)
    assert hinge_loss(3.0 * mask, gold, lengths).item() == 0.0
    # flat scores: the best wrong tree of 5 words shares only the root with the right-branching
    # one (3 brackets missed), and of 3 words 1 bracket; the mean over the two is 2
    assert hinge_loss(torch.zeros(2, 6, 6), gold, lengths).item() == 2.0


def test_the_loss_gradient_raises_gold_spans_and_lowers_the_rival_ones():
    gold, lengths = [right_branching(4)], [4]
    scores = torch.zeros(1, 5, 5, requires_grad=True)
    hinge_loss(scores, gold, lengths).backward()
    assert scores.grad[0, 2, 4] < 0 and scores.grad[0, 1, 4] < 0  # gold: raised
    assert (scores.grad[0] > 0).sum() == 2  # the rival's two brackets: lowered


@pytest.mark.parametrize(("known", "chars"), [(True, 0), (False, 8)])
def test_a_parser_learns_a_small_treebank(known, chars):
    """Sentences of 'a' and 'b' words, bracketed by a rule the words tell: a run of a's is
    right-branching, and the sentence splits before its first b. Every word unknown to the
    vocabulary (one id), the parser tells them apart by their spelling alone."""
    rng = np.random.default_rng(0)

    def example():
        n_a, n_b = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        words = ["a"] * n_a + ["b"] * n_b
        ids = [2 + (w == "b") if known else 1 for w in words]
        return Sentence(ids, words), tree_from_splits(
            n_a + n_b, lambda i, j: n_a if i < n_a < j else i + 1)

    train, dev = [example() for _ in range(200)], [example() for _ in range(40)]
    torch.manual_seed(0)
    model = SpanParser(SpanParserConfig(vocab_size=4, dim=8, lstm=16, layers=1, hidden=16,
                                        dropout=0.0, chars=chars))
    train_parser(model, train, dev, Schedule(8, 8, 16, 1e-2, 5.0), 0, CPU)
    sentences = [sentence for sentence, _ in dev]
    scores = bracket_scores(parse(model, sentences, CPU), [tree for _, tree in dev],
                            [len(s.ids) for s in sentences])
    assert scores["f1"] > 95
