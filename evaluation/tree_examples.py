"""The greedy-versus-parse-tree figure: short SST test sentences, those with a negation first,
drawn with the greedy RAE's own tree, the parse tree as tree-rae reads it, and the treebank's
labels. (SST's test set holds no "not good" or "not bad" phrase; its train set does.)"""

from __future__ import annotations

from pathlib import Path

import torch

from data.tasks import Task
from data.trees import LabelledTree
from data.vocab import Vocabulary
from evaluation.tree_figure import tree_pairs
from models.classifier import GreedyRAEClassifier
from models.parse_tree_rae import ParseTreeRAE
from training.parse_tree import node_probabilities

NEGATIONS = {"not", "n't", "no", "never", "nothing"}


def pick_sentences(task: Task, count: int = 4, words: range = range(6, 13)) -> list[int]:
    """Short test sentences (6 to 12 words), those holding a negation first, then shortest."""
    test = task.folds[0].test
    candidates = [i for i in test if len(task.tokens[i]) in words] or list(test)
    return sorted(candidates, key=lambda i: (not NEGATIONS & set(task.tokens[i]),
                                             len(task.tokens[i]), i))[:count]


@torch.no_grad()
def draw_tree_examples(task: Task, greedy: tuple[GreedyRAEClassifier, Vocabulary],
                       parse: tuple[ParseTreeRAE, Vocabulary], device: torch.device, path: Path
                       ) -> list[str]:
    """Draw the figure from the saved greedy-rae and tree-rae models; -> the sentences drawn."""
    picked, examples = pick_sentences(task), []
    for i in picked:
        tree, n = task.trees[i], len(task.trees[i].leaves)
        greedy_children, greedy_classes = greedy[0].rae.sentence_tree(greedy[1].encode(tree.leaves))
        parse_tree = LabelledTree(parse[1].encode(tree.leaves), tree.children, tree.node_labels)
        parse_classes = node_probabilities(parse[0], [parse_tree], device)[0].argmax(1).tolist()
        examples.append({"words": tree.leaves, "trees": {
            # The greedy RAE's softmax is trained on merges only, so its leaves stay grey.
            "greedy tree, greedy-rae's node softmax": (greedy_children, [-1] * n + greedy_classes),
            "parse tree, tree-rae's node softmax": (tree.children, parse_classes),
            "parse tree, treebank labels": (tree.children, tree.node_labels),
        }})
    tree_pairs(examples, list(task.class_names), path)
    return [" ".join(task.tokens[i]) for i in picked]
