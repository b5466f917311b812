"""Model folders (`make export`): what is written loads back to the same answers, and a
damaged, foreign or half-written folder is one line that names what is wrong."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from data.vocab import PAD, UNK, Vocabulary
from models.binary_tree_rae import TreeRAEConfig
from models.classifier import GreedyRAEClassifier, LinearRAEClassifier
from models.greedy_rae import GreedyRAE
from models.word_rae import WordRAE
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import ArtifactError
from pipeline.infra.config import Config
from pipeline.model_card import model_card
from pipeline.model_folder import load_folder, save_folder
from pipeline.trained import TrainedModel

VOCAB = Vocabulary([PAD, UNK, "good", "bad", "film", "not", "at", "all"])
TEXTS = ["not bad at all", "a good film", "", "bad"]
ACCURACY = {"value": 0.765, "std": 0.012, "protocol": "cv10", "seed": 0, "row": "x"}


def _trained(family: str) -> TrainedModel:
    torch.manual_seed(0)
    config = Config()
    if family == "linear":
        model = LinearRAEClassifier(WordRAE(len(VOCAB), config.embeddings.dim, config.rae.hidden),
                                    mean_states=config.classify.mean_states)
    else:
        model = GreedyRAEClassifier(GreedyRAE(TreeRAEConfig(len(VOCAB), config.embeddings.dim)))
    made_from = {"dataset": "mr", "protocol": "cv10", "seed": 0, "data_fingerprint": "abc"}
    return TrainedModel(FAMILIES[family], model.eval(), VOCAB, ["neg", "pos"], config, made_from)


def _save(trained: TrainedModel, folder):
    save_folder(trained, folder, model_card(trained, folder.name, ACCURACY), ACCURACY)


@pytest.mark.parametrize("family", ["linear", "greedy"])
def test_a_folder_loads_back_to_the_same_answers(family, tmp_path):
    trained = _trained(family)
    _save(trained, tmp_path / "m")
    loaded = load_folder(tmp_path / "m")
    assert loaded.family.name == family and loaded.labels == ["neg", "pos"]
    assert loaded.vocab.words == VOCAB.words
    assert np.array_equal(loaded.probabilities(TEXTS), trained.probabilities(TEXTS))
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "README.md", "config.json", "model.safetensors", "vectors.txt", "vocab.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name != "m"]  # no temporary folder left


def test_the_files_say_what_they_should(tmp_path):
    trained = _trained("linear")
    _save(trained, tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["family"] == "linear" and config["labels"] == ["neg", "pos"]
    assert config["max_length"] == 60 and config["dimensions"]["vocabulary"] == len(VOCAB)
    assert config["made_from"]["dataset"] == "mr" and "commit" in config["made_from"]
    assert config["config_digest"] == Config().digest()
    assert (tmp_path / "m" / "vocab.txt").read_text().split("\n")[:3] == [PAD, UNK, "good"]
    vectors = (tmp_path / "m" / "vectors.txt").read_text().splitlines()
    assert vectors[0] == f"{len(VOCAB)} {Config().embeddings.dim}"
    assert vectors[3].startswith("good ")
    tensors = load_file(tmp_path / "m" / "model.safetensors")
    assert set(tensors) == set(trained.model.state_dict())
    card = (tmp_path / "m" / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: rae-sentiment\npipeline_tag: text-classification")
    assert "value: 76.50" in card and "**76.5%** ± 1.2" in card
    assert "| not bad at all | pos |" in card  # the probes' answers


def test_exporting_again_replaces_the_folder(tmp_path):
    _save(_trained("linear"), tmp_path / "m")
    _save(_trained("greedy"), tmp_path / "m")
    assert load_folder(tmp_path / "m").family.name == "greedy"
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def _damage(folder, name, content: bytes | None):
    if content is None:
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(content)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("config.json", None, "is not an RAE model folder (it has no config.json)"),
    ("config.json", b"{not json", "config.json is not JSON"),
    ("config.json", b'{"model_type": "bert"}', 'is not an RAE model folder (its config.json has'),
    ("vocab.txt", None, "it has no vocab.txt"),
    ("vocab.txt", b"<pad>\n<unk>\ngood\n", "parameter encoder.embeddings.weight has shape"),
    ("vocab.txt", b"good\nbad\n", "vocab.txt is not this model's vocabulary"),
    ("vocab.txt", b"\xff\xfe", "cannot read"),
    ("model.safetensors", b"", "model.safetensors cannot be read"),
    ("model.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage", "cannot be read"),
    ("model.safetensors", None, "model.safetensors cannot be read"),
])
def test_a_damaged_folder_is_one_line(tmp_path, name, content, message):
    _save(_trained("linear"), tmp_path / "m")
    _damage(tmp_path / "m", name, content)
    with pytest.raises(ArtifactError) as raised:
        load_folder(tmp_path / "m")
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_foreign_families_and_missing_folders_are_one_line(tmp_path):
    with pytest.raises(ArtifactError, match="does not exist"):
        load_folder(tmp_path / "nothing")
    _save(_trained("linear"), tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    (tmp_path / "m" / "config.json").write_text(json.dumps({**config, "family": "tree"}))
    with pytest.raises(ArtifactError, match="names family 'tree'"):
        load_folder(tmp_path / "m")
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ArtifactError, match="builds no trees"):
        load_folder(tmp_path / "m", trees=True)
