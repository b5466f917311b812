"""TrainedModel answers: the batched tree answers equal one sentence at a time (the reference),
and every tree node carries its own prediction."""

import re

import pytest
import torch

from data.vocab import PAD, UNK, Vocabulary
from models.binary_tree_rae import TreeRAEConfig
from models.classifier import GreedyRAEClassifier
from models.greedy_rae import GreedyRAE
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import ArtifactError
from pipeline.infra.config import parse_config
from pipeline.serving.trained import NodeLabel, TrainedModel, load_model

WORDS = ["good", "bad", "film", "plot", "not", "at", "all", "."]
TEXTS = ["not bad at all", "good", "", "a good film . bad plot , not good at all",
         "bad bad bad film", "plot", "Good FILM!"]


def _greedy(max_length: int = 60) -> TrainedModel:
    torch.manual_seed(0)
    vocab = Vocabulary([PAD, UNK, *WORDS])
    model = GreedyRAEClassifier(GreedyRAE(TreeRAEConfig(len(vocab), 6))).eval()
    config = parse_config({"data": {"max_length": max_length}})
    return TrainedModel(FAMILIES["greedy"], model, vocab, ["neg", "pos"], config)


def _nodes(tree):
    yield tree.label()
    for child in tree:
        if not isinstance(child, str):
            yield from _nodes(child)


def test_batched_trees_equal_one_sentence_at_a_time():
    trained = _greedy()
    batched = trained.answers(TEXTS, trees=True)
    alone = [trained.answers([text], trees=True)[0] for text in TEXTS]
    for one, other in zip(batched, alone, strict=True):
        assert one["label"] == other["label"] and abs(one["prob"] - other["prob"]) < 1e-4
        assert one["tree"] == other["tree"]
        assert [n.prob for n in _nodes(one["tree"])] == [n.prob for n in _nodes(other["tree"])]


def test_every_node_carries_its_own_class_and_probability():
    trained = _greedy()
    (answer,) = trained.answers(["a good film . bad plot"], trees=True)
    tree = answer["tree"]
    assert tree.leaves() == ["a", "good", "film", ".", "bad", "plot"]
    nodes = list(_nodes(tree))
    assert len(nodes) == 5  # one per merge of six words
    assert all(isinstance(n, NodeLabel) and n in ("neg", "pos") and 0.5 <= n.prob <= 1
               for n in nodes)
    # the answer's probabilities are the sentence softmax's, as predict_proba gives them
    probs = trained.probabilities(["a good film . bad plot"])[0]
    assert answer["label"] == ["neg", "pos"][int(probs.argmax())]


def test_a_tree_is_built_from_the_last_max_length_words():
    (answer,) = _greedy(max_length=3).answers(["good film not bad at all"], trees=True)
    assert answer["tree"].leaves() == ["bad", "at", "all"]


def test_a_model_file_that_is_no_checkpoint_is_ours_to_rebuild_only_when_we_located_it(tmp_path):
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(ArtifactError, match=r"passwd is damaged or not a checkpoint \(.*\); "
                                            r"delete it and run `make classify`$"):
        load_model(path, FAMILIES["linear"], "classify")
    with pytest.raises(ArtifactError) as named:
        load_model(path, FAMILIES["linear"], "classify", named=True)
    assert re.fullmatch(rf"{path} is not a model file or folder this project writes \(.+\); "
                        r"pass a model folder from `make export` or a model-\*\.pt from "
                        r"`make classify`", str(named.value))
