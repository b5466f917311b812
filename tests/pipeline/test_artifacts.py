import os

import pytest
import torch

from pipeline.infra.artifacts import (
    ArtifactError,
    check_same,
    load_json,
    load_torch,
    save_json,
    save_torch,
)


def test_round_trip_without_pickle(tmp_path):
    path = tmp_path / "a" / "model.pt"
    save_torch({"w": torch.ones(2), "vocab": ["<pad>", "<unk>"], "n": 3}, path)
    loaded = load_torch(path, "pretrain")
    assert torch.equal(loaded["w"], torch.ones(2)) and loaded["vocab"] == ["<pad>", "<unk>"]
    assert [p.name for p in path.parent.iterdir()] == ["model.pt"]  # no temporary file left


def test_damaged_or_missing_files_name_the_make_target(tmp_path):
    path = tmp_path / "pretrain.pt"
    save_torch({"w": torch.ones(1000)}, path)
    path.write_bytes(path.read_bytes()[:500])  # truncated, as by a full disk
    with pytest.raises(ArtifactError, match="make pretrain") as error:
        load_torch(path, "pretrain")
    assert "\n" not in str(error.value)
    with pytest.raises(ArtifactError, match="does not exist; run `make classify`"):
        load_torch(tmp_path / "missing.pt", "classify")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ArtifactError, match="make prepare"):
        load_json(tmp_path / "bad.json", "prepare")


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"payload": os.getcwd, "w": torch.ones(1)}, path)  # a callable needs pickle
    with pytest.raises(ArtifactError, match="damaged or not a checkpoint"):
        load_torch(path, "pretrain")


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "report.json"
    save_json({"ok": 1}, path)
    with pytest.raises(TypeError):
        save_json({"bad": object()}, path)
    assert load_json(path, "eval") == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_mismatched_config_names_both(tmp_path):
    with pytest.raises(ArtifactError, match="config abc.*uses def.*make pretrain"):
        check_same(tmp_path / "pretrain.pt", "config", "abc", "def", "pretrain")
