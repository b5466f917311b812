"""The family registry: what the Makefile and `make help` list agrees with it, and each family's
declaration is consistent."""

import re
import subprocess
from pathlib import Path

import pytest
import torch

from data.datasets import KINDS
from pipeline.families import FAMILIES, families_for
from pipeline.infra.artifacts import ArtifactError, save_torch
from pipeline.infra.config import Config
from pipeline.serving.trained import load_model

ROOT = Path(__file__).resolve().parents[2]


def _makefile_families() -> dict[str, tuple[str, ...]]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    found = [re.fullmatch(r"FAMILY\.([\w-]+)\s*:=\s*(.*)", line) for line in lines]
    return {m[1]: tuple(m[2].split()) for m in found if m}


def test_the_makefile_lists_every_family_with_its_data_sets():
    assert _makefile_families() == {name: f.datasets for name, f in FAMILIES.items()}


def test_the_makefile_knows_which_families_follow_parse_trees():
    (line,) = [line for line in (ROOT / "Makefile").read_text().splitlines()
               if line.startswith("TREE_FAMILIES ")]
    assert line.split(":=")[1].split() == [n for n, f in FAMILIES.items() if f.needs_trees]


def test_make_help_lists_the_families():
    shown = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"],
                           capture_output=True, text=True, check=True).stdout
    for name, family in FAMILIES.items():
        assert re.search(rf"^\s+{re.escape(name)}\s+{' '.join(family.datasets)}$", shown, re.M)


@pytest.mark.parametrize("name", FAMILIES)
def test_a_family_declares_rows_it_can_report(name):
    family = FAMILIES[name]
    assert family.saved_row in family.trained_rows
    assert set(family.reuses_training) < set(family.rows)
    assert set(family.datasets) <= set(KINDS)


def test_model_all_runs_every_family_that_applies_in_registry_order():
    assert [f.name for f in families_for("mr", "all")] == ["linear", "greedy", "greedy-random"]
    assert [f.name for f in families_for("sst2", "all")] == ["linear", "greedy", "tree", "rntn",
                                                             "treelstm"]
    assert families_for("sst5", "tree") == (FAMILIES["tree"],)
    assert families_for("mr", ["greedy", "linear"]) == (FAMILIES["linear"], FAMILIES["greedy"])


# Parameter names of the saved models: models saved before a refactor must still load.
SAVED_PARAMETERS = {
    "linear": {"encoder.embeddings.weight", "encoder.rae.encoder.weight_ih_l0",
               "encoder.rae.encoder.weight_hh_l0", "encoder.rae.encoder.bias_ih_l0",
               "encoder.rae.encoder.bias_hh_l0", "encoder.rae.decode_input.weight",
               "encoder.rae.decode_input.bias", "encoder.rae.decode_state.weight",
               "encoder.rae.decode_state.bias", "encoder.rae.h0", "head.weight", "head.bias"},
    "greedy": {"rae.embeddings.weight", "rae.compose.weight", "rae.compose.bias",
               "rae.reconstruct.weight", "rae.reconstruct.bias", "rae.node_classifier.weight",
               "rae.node_classifier.bias", "head.weight", "head.bias"},
    "tree": {"embeddings.weight", "compose.weight", "compose.bias", "reconstruct.weight",
             "reconstruct.bias", "node_classifier.weight", "node_classifier.bias"},
    "rntn": {"embeddings.weight", "compose.weight", "compose.bias", "tensor",
             "node_classifier.weight", "node_classifier.bias"},
    "treelstm": {"embeddings.weight", "leaf_gates.weight", "leaf_gates.bias", "node_gates.weight",
                 "node_gates.bias", "node_classifier.weight", "node_classifier.bias"},
}
SAVED_PARAMETERS["greedy-random"] = SAVED_PARAMETERS["greedy"]


@pytest.mark.parametrize("name", FAMILIES)
def test_saved_models_keep_their_parameter_names_and_load(name, tmp_path):
    family, config = FAMILIES[name], Config()
    model = family.build_model(config, 12, 2)
    assert set(model.state_dict()) == SAVED_PARAMETERS[name]
    path = tmp_path / "model.pt"
    save_torch({"kind": "model", "family": name, "config": config.to_dict(), "dataset": "mr",
                "vocab": ["<pad>", "<unk>"] + [f"w{i}" for i in range(10)],
                "labels": ["neg", "pos"], "state": model.state_dict()}, path)
    loaded = load_model(path, family, "classify")
    assert len(loaded.vocab) == 12 and loaded.labels == ["neg", "pos"]
    assert loaded.max_length == config.data.max_length and loaded.made_from == {"dataset": "mr"}
    assert all(torch.equal(a, b) for a, b in zip(loaded.model.state_dict().values(),
                                                  model.state_dict().values(), strict=True))


def test_a_model_file_with_a_bad_embedded_config_is_one_line(tmp_path):
    family = FAMILIES["linear"]
    path = tmp_path / "model.pt"
    config = Config().to_dict()
    config["data"]["max_length"] = -5
    save_torch({"kind": "model", "family": "linear", "config": config, "dataset": "mr",
                "vocab": ["<pad>", "<unk>"], "labels": ["neg", "pos"], "state": {}}, path)
    with pytest.raises(ArtifactError, match="data.max_length"):
        load_model(path, family, "classify")
