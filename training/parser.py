"""Training the span parser (models/span_parser.py) on gold binary trees, as Stern et al.
2017 train theirs: a structured hinge loss, the margin the number of the gold tree's brackets
a tree lacks, found by CKY with that margin added to the span scores; Adam, early stopping on
the dev trees' bracket F1. Parsing: CKY on the scores."""

from __future__ import annotations

import torch

from evaluation.parsing import bracket_scores
from models.chart import best_trees, tree_spans
from models.span_parser import Sentence, SpanParser
from training.early_stopping import Curve
from training.resume import Checkpoint
from training.schedule import Schedule
from training.supervised import train_supervised

Children = list[tuple[int, int]]
Example = tuple[Sentence, Children]  # a sentence and its gold tree


def span_mask(trees: list[Children], lengths: list[int], fences: int) -> torch.Tensor:
    """(B, fences, fences) 1 at each tree's internal spans, root included."""
    mask = torch.zeros(len(trees), fences, fences)
    for b, (children, n) in enumerate(zip(trees, lengths, strict=True)):
        spans = tree_spans(children, n)
        if spans:
            i, j = zip(*spans, strict=True)
            mask[b, list(i), list(j)] = 1.0
    return mask


def hinge_loss(scores: torch.Tensor, gold: list[Children], lengths: list[int]) -> torch.Tensor:
    """Mean over the sentences of max over trees T of [s(T) + Δ(T, gold)] - s(gold), Δ the
    gold brackets T lacks: zero only when the gold tree beats every other by its margin."""
    gold_mask = span_mask(gold, lengths, scores.shape[1]).to(scores.device)
    augmented = scores.detach() + (1.0 - gold_mask)  # +1 for every span outside the gold tree
    predicted = best_trees(augmented, lengths)
    predicted_mask = span_mask(predicted, lengths, scores.shape[1]).to(scores.device)
    margin = (predicted_mask * (1.0 - gold_mask)).sum()
    return ((predicted_mask - gold_mask) * scores).sum().add(margin) / len(gold)


@torch.no_grad()
def parse(model: SpanParser, sentences: list[Sentence], device: torch.device,
          batch_size: int = 128) -> list[Children]:
    """-> each sentence's best tree under the model, in their order."""
    model.eval()
    order = sorted(range(len(sentences)), key=lambda s: len(sentences[s].ids))
    trees: dict[int, Children] = {}
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        batch = [sentences[s] for s in rows]
        for s, tree in zip(rows, best_trees(model(batch, device), [len(b.ids) for b in batch]),
                           strict=True):
            trees[s] = tree
    return [trees[s] for s in range(len(sentences))]


def train_parser(model: SpanParser, train: list[Example], dev: list[Example],
                 schedule: Schedule, seed: int, device: torch.device,
                 checkpoint: Checkpoint | None = None) -> Curve:
    """The kept epoch is the best dev bracket F1's."""

    def batch_loss(model, batch):
        sentences = [train[i][0] for i in batch]
        return hinge_loss(model(sentences, device), [train[i][1] for i in batch],
                          [len(s.ids) for s in sentences])

    def dev_f1(model) -> float:
        sentences = [sentence for sentence, _ in dev]
        return bracket_scores(parse(model, sentences, device), [tree for _, tree in dev],
                              [len(s.ids) for s in sentences])["f1"] / 100

    return train_supervised(model, [len(sentence.ids) for sentence, _ in train], batch_loss,
                            dev_f1, schedule, seed, "span parser", checkpoint)
