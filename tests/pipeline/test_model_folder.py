"""Model folders (`make export`): what is written loads back to the same answers; a damaged,
edited, foreign or half-written folder is one line that names what is wrong; and writing one
never deletes what it did not write."""

import json
import re

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
from pipeline.infra.config import Config, parse_config
from pipeline.serving.model_card import model_card
from pipeline.serving.model_folder import READ_BACK, SEAL, checksums, load_folder, save_folder
from pipeline.serving.trained import TrainedModel

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
        "README.md", SEAL, "config.json", "model.safetensors", "vectors.txt", "vocab.txt"]
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
    # the probes' wrong answers, one row each
    wrong = int(re.search(r"probes \(evaluation/probes.tsv\), put to this model when the folder "
                          r"was written: (\d+) wrong", card)[1])
    failures = card[card.index("## Known failures"):].split("\n\n## ")[0]
    assert failures.count("\n| ") == wrong + 2  # and the header and its rule


def test_exporting_again_replaces_the_folder(tmp_path):
    _save(_trained("linear"), tmp_path / "m")
    _save(_trained("greedy"), tmp_path / "m")
    assert load_folder(tmp_path / "m").family.name == "greedy"
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def _damage(folder, name, content: bytes | None, reseal: bool = False):
    """Remove or overwrite one file; `reseal`: and record its checksum, as someone editing the
    folder by hand and rewriting SHA256SUMS would, so that the checks behind the seal run."""
    if content is None:
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(content)
    if reseal:
        (folder / SEAL).write_text(checksums({n: (folder / n).read_bytes() for n in READ_BACK}))


def _refused(folder, **kwargs) -> str:
    with pytest.raises(ArtifactError) as raised:
        load_folder(folder, **kwargs)
    assert "\n" not in str(raised.value)
    return str(raised.value)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("config.json", None, "is not an RAE model folder (it has no config.json)"),
    ("config.json", b"{not json", "config.json is not JSON"),
    ("config.json", b'{"model_type": "bert"}', 'is not an RAE model folder (its config.json has'),
    ("vocab.txt", None, "it has no vocab.txt"),
    ("model.safetensors", None, "it has no model.safetensors"),
    (SEAL, None, f"it has no {SEAL}"),
    (SEAL, b"", "config.json does not match the folder's checksum"),
    ("vocab.txt", b"<pad>\n<unk>\ngood\n", "vocab.txt does not match the folder's checksum"),
    ("model.safetensors", b"", "model.safetensors does not match the folder's checksum"),
])
def test_a_damaged_folder_is_one_line(tmp_path, name, content, message):
    _save(_trained("linear"), tmp_path / "m")
    _damage(tmp_path / "m", name, content)
    assert message in _refused(tmp_path / "m")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("vocab.txt", b"<pad>\n<unk>\ngood\n", "config.json: 'dimensions' is {\"vocabulary\": 8, "
                                           "\"embedding\": 100}, but vocab.txt and its config's "
                                           "embeddings.dim make it {\"vocabulary\": 3, "
                                           "\"embedding\": 100}"),
    ("vocab.txt", b"good\nbad\n", "vocab.txt is not this model's vocabulary"),
    ("vocab.txt", b"\xff\xfe", "vocab.txt is not this model's vocabulary"),
    ("model.safetensors", b"", "model.safetensors cannot be read"),
    ("model.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage", "cannot be read"),
])
def test_a_resealed_edit_still_meets_every_check(tmp_path, name, content, message):
    _save(_trained("linear"), tmp_path / "m")
    _damage(tmp_path / "m", name, content, reseal=True)
    assert message in _refused(tmp_path / "m")


def _edit_config(folder, change) -> None:
    config = json.loads((folder / "config.json").read_text())
    change(config)
    _damage(folder, "config.json", json.dumps(config).encode(), reseal=True)


def test_swapped_labels_or_vocabulary_lines_are_refused_not_answered(tmp_path):
    """Each file is intact on its own; only the seal tells that the folder was edited."""
    folder = tmp_path / "m"
    _save(_trained("linear"), folder)
    config = json.loads((folder / "config.json").read_text())
    config["labels"].reverse()
    (folder / "config.json").write_text(json.dumps(config))
    assert _refused(folder) == (f"{folder}/config.json does not match the folder's checksum; "
                                f"export the model again")
    _save(_trained("linear"), folder)
    lines = (folder / "vocab.txt").read_text().split("\n")
    lines[2], lines[3] = lines[3], lines[2]
    (folder / "vocab.txt").write_text("\n".join(lines))
    assert _refused(folder) == (f"{folder}/vocab.txt does not match the folder's checksum; "
                                f"export the model again")


def _other_hidden_size(config: dict) -> None:
    """A valid config of another model than the tensors': its digest follows, the shapes not."""
    config["config"]["rae"]["hidden"] = 7
    config["config_digest"] = parse_config(config["config"]).digest()


@pytest.mark.parametrize(("change", "message"), [
    (lambda c: c.update(max_length=10**12),
     "config.json: 'max_length' is 1000000000000, but its config's data.max_length is 60"),
    (lambda c: c["config"]["data"].update(max_length=10**12),
     "holds a config this code cannot use (config key 'data.max_length' must be in 1..1,000"),
    (lambda c: c["config"]["data"].update(max_length=30), "'max_length' is 60, but"),
    (lambda c: c["config"].update(extra={}), "config key 'extra'"),
    (lambda c: c.update(extra=1), "config.json holds unknown key 'extra'"),
    (lambda c: c.pop("accuracy"), "config.json lacks 'accuracy'"),
    (lambda c: c.update(family="dcnn"), "config.json names family 'dcnn'"),
    (lambda c: c.update(family="tree"), "family tree has no parser, but its models read"),
    (lambda c: c.update(parser={"config": {}, "test_f1": 80.0}), "it has no parser-vocab.txt"),
    (lambda c: c.update(family=3), "'family' is a int, not a str"),
    (lambda c: c.update(labels="neg pos"), "'labels' is a str, not a list"),
    (lambda c: c.update(labels=["pos", "pos"]), "'labels' must be two or more distinct"),
    (lambda c: c.update(labels=["neg", "neutral", "pos"]), "parameter head.weight has shape"),
    (lambda c: c["dimensions"].update(embedding=50), "'dimensions' is"),
    (lambda c: c["dimensions"].update(vocabulary=True), "'dimensions' is"),
    (lambda c: c.update(config_digest="abc"), "'config_digest' is \"abc\", but"),
    (lambda c: c["made_from"].update(seed=-1), "'made_from' must be a table of names and plain"),
    (lambda c: c["made_from"].update(seed=[0]), "'made_from' must be"),
    (lambda c: c["accuracy"].update(value=76.5), "'accuracy' must be null, or value (0..1)"),
    (lambda c: c.update(accuracy=True), "'accuracy' must be null"),
    (lambda c: c.update(config=[]), "'config' is a list, not a dict"),
    (_other_hidden_size, "parameter encoder.rae.h0 has shape (200,), this model's is (7,)"),
])
def test_every_field_of_config_json_is_checked(tmp_path, change, message):
    """As a TOML config is: types, ranges and unknown keys, and the fields that repeat the
    config, the vocabulary or the tensors agree with them."""
    _save(_trained("linear"), tmp_path / "m")
    _edit_config(tmp_path / "m", change)
    assert message in _refused(tmp_path / "m")


def test_a_folder_of_the_last_format_is_refused_with_its_fix(tmp_path):
    _save(_trained("linear"), tmp_path / "m")
    (tmp_path / "m" / SEAL).unlink()
    _edit_config(tmp_path / "m", lambda c: c.update(format_version=2))
    assert _refused(tmp_path / "m").endswith(
        "config.json has format version 2; this code reads version 3; export the model again")


def test_foreign_families_and_missing_folders_are_one_line(tmp_path):
    with pytest.raises(ArtifactError, match="does not exist"):
        load_folder(tmp_path / "nothing")
    _save(_trained("linear"), tmp_path / "m")
    with pytest.raises(ArtifactError, match="builds no trees"):
        load_folder(tmp_path / "m", trees=True)


@pytest.mark.parametrize(("files", "folders"), [
    (["notes.txt"], []),
    (["config.json", ".hidden"], []),
    ([], ["vocab.txt"]),  # a model folder's name, but a folder: someone else's
])
def test_a_folder_holding_other_files_is_refused_and_kept(tmp_path, files, folders):
    folder = tmp_path / "m"
    folder.mkdir()
    for name in files:
        (folder / name).write_text("mine\n")
    for name in folders:
        (folder / name).mkdir()
    before = sorted(p.relative_to(tmp_path) for p in folder.rglob("*"))
    with pytest.raises(ArtifactError, match=re.escape(f"{folder} holds files that are not a "
                                                      f"model folder's (")):
        _save(_trained("linear"), folder)
    assert sorted(p.relative_to(tmp_path) for p in folder.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no temporary folder left


def test_a_file_or_link_is_no_place_for_a_model_folder(tmp_path):
    file = tmp_path / "m"
    file.write_text("mine\n")
    with pytest.raises(ArtifactError, match=re.escape(f"{file} is a file, not a folder")):
        _save(_trained("linear"), file)
    assert file.read_text() == "mine\n"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ArtifactError, match="link is a link, not a folder"):
        _save(_trained("linear"), tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and not list((tmp_path / "elsewhere").iterdir())


def test_an_empty_folder_takes_a_model(tmp_path):
    (tmp_path / "m").mkdir()
    _save(_trained("linear"), tmp_path / "m")
    assert load_folder(tmp_path / "m").family.name == "linear"
