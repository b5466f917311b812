"""The greedy-versus-parse-tree figure: short SST test sentences, those with a negation first,
drawn with the greedy RAE's own tree, the parse tree as tree-rae reads it, and the treebank's
labels. (SST's test set holds no "not good" or "not bad" phrase; its train set does.)"""

from __future__ import annotations

from pathlib import Path

import torch

from data.vocab import Vocabulary
from evaluation.tree_figure import tree_pairs
from models.tree_rae import SentenceTree
from pipeline.options import Run
from pipeline.predict import load_model
from pipeline.tasks import Task, classify_target
from training.tree import node_probabilities

NEGATIONS = {"not", "n't", "no", "never", "nothing"}


def pick_sentences(task: Task, count: int = 4, words: range = range(6, 13)) -> list[int]:
    """Short test sentences (6 to 12 words), those holding a negation first, then shortest."""
    test = task.folds[0].test
    candidates = [i for i in test if len(task.tokens[i]) in words] or list(test)
    return sorted(candidates, key=lambda i: (not NEGATIONS & set(task.tokens[i]),
                                             len(task.tokens[i]), i))[:count]


def _classes(model, tree: SentenceTree, device: torch.device) -> list[int]:
    return node_probabilities(model, [tree], device)[0].argmax(1).tolist()


@torch.no_grad()
def draw(run: Run, task: Task, path: Path) -> list[str]:
    """Draw the figure; -> the sentences drawn."""
    greedy, vocab = _load(run, task, "greedy")
    parse, _ = _load(run, task, "tree")
    picked, examples = pick_sentences(task), []
    for i in picked:
        ids, n = vocab.encode(task.tokens[i]), len(task.tokens[i])
        greedy_tree = SentenceTree(ids, greedy.rae.tree_children(ids), [-1] * (2 * n - 1))
        parse_tree = SentenceTree(ids, task.children[i], task.node_labels[i])
        examples.append({"words": task.tokens[i], "trees": {
            # The greedy RAE's softmax is trained on merges only, so its leaves stay grey.
            "greedy tree, greedy-rae's node softmax": (
                greedy_tree.children,
                [-1] * n + _classes(greedy.rae, greedy_tree, run.device)[n:]),
            "parse tree, tree-rae's node softmax": (
                parse_tree.children, _classes(parse, parse_tree, run.device)),
            "parse tree, treebank labels": (parse_tree.children, parse_tree.node_labels),
        }})
    tree_pairs(examples, list(task.class_names), path)
    return [" ".join(task.tokens[i]) for i in picked]


def _load(run: Run, task: Task, family: str) -> tuple[torch.nn.Module, Vocabulary]:
    model, vocab, _, _ = load_model(run.layout.model(family, task.name), family,
                                    classify_target(task.dataset, task.protocol, family))
    return model.to(run.device), vocab
