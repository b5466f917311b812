import os
import signal
import threading
import time

import pytest
import torch

from pipeline.infra.artifacts import (
    ArtifactError,
    check_same,
    load_json,
    load_torch,
    reusable,
    save_bytes_with,
    save_json,
    save_torch,
    seal,
)
from pipeline.infra.locks import exclusive


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
    path = tmp_path / "prepared.json"
    save_json(seal({"ok": 1}), path)
    with pytest.raises(TypeError):
        save_json({"bad": object()}, path)
    assert load_json(path, "prepare") == {"ok": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["prepared.json"]


@pytest.mark.parametrize("receiver", ["main thread", "another thread"])
def test_ctrl_c_while_writing_lands_after_the_file_is_in_place(tmp_path, receiver):
    """The kernel hands a process's SIGINT to any thread; torch runs several."""
    path = tmp_path / "checkpoint.json"

    def write_interrupted(stream):
        if receiver == "main thread":
            signal.raise_signal(signal.SIGINT)
        else:
            worker = threading.Thread(target=time.sleep, args=(0.5,))
            worker.start()
            signal.pthread_kill(worker.ident, signal.SIGINT)
            worker.join()
        stream.write(b"{}")

    # Python's own Ctrl-C handler, even where this test runs as a background job, which starts
    # with SIGINT ignored (and a write leaves an ignored SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            save_bytes_with(write_interrupted, path)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.json"]


def test_mismatched_config_names_both(tmp_path):
    with pytest.raises(ArtifactError, match="config abc.*uses def.*make pretrain"):
        check_same(tmp_path / "pretrain.pt", "config", "abc", "def", "pretrain")


def test_one_changed_value_inside_a_tensor_breaks_the_seal(tmp_path):
    path = tmp_path / "model.pt"
    save_torch({"w": torch.arange(100.0), "vocab": ["<pad>", "<unk>"]}, path)
    raw = torch.load(path, weights_only=True)
    raw["w"][37] = 37.5  # keys, shapes and types unchanged: only the checksum can tell
    torch.save(raw, path)
    with pytest.raises(ArtifactError, match="does not match its checksum; delete it and run"):
        load_torch(path, "classify")


def test_an_unsealed_artifact_is_an_older_format_and_is_rebuilt(tmp_path, capsys):
    path = tmp_path / "pretrain.pt"
    torch.save({"seed": 0}, path)  # as written before artifacts were sealed
    with pytest.raises(ArtifactError, match="written in format 1, this code reads format 2"):
        load_torch(path, "pretrain")
    assert not reusable(path, "pretrain", seed=0)
    assert "format 1, this code reads format 2: rebuilding it" in capsys.readouterr().out
    save_torch({"seed": 0, "code_digest": "old"}, path)
    assert not reusable(path, "pretrain", seed=0, code_digest="new")
    assert "its code_digest differ" in capsys.readouterr().out
    assert reusable(path, "pretrain", seed=0, code_digest="old")


def test_the_lock_clears_what_killed_writers_left_and_never_follows_a_link(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / ".pretrain.pt.x1y2.partial").write_bytes(b"half")
    (folder / "pretrain.pt").write_bytes(b"whole")
    with exclusive(folder):
        assert sorted(p.name for p in folder.iterdir()) == [".lock", "pretrain.pt"]
    target = tmp_path / "precious"
    target.write_text("keep")
    (folder / ".lock").unlink()
    (folder / ".lock").symlink_to(target)
    with pytest.raises(ArtifactError, match="is a symbolic link"), exclusive(folder):
        pass
    assert target.read_text() == "keep"
