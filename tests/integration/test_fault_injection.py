"""SIGKILL real pretrain and classify processes mid-run, start them again, and compare with
uninterrupted runs; and two runs started together on one build folder."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from pipeline.infra.config import load_config
from pipeline.infra.paths import folder_names

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def _stage(name: str, workdir: Path, data: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", name, "--config", "tests/tiny.toml",
               "--build", str(workdir / "build"), "--reports", str(workdir / "reports"),
               "--device", "cpu", *extra]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "RAE_DATA_DIR": str(data)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    return stdout


def _kill_once_saved(process: subprocess.Popen, checkpoint: Path, entry: str) -> None:
    """SIGKILL the process as soon as its checkpoint holds `entry` (a training loop's state)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, "the stage finished before it could be killed"
        try:
            entries = torch.load(checkpoint, weights_only=True)["entries"]
        except FileNotFoundError:
            entries = {}
        if any(name.startswith(entry) for name in entries):
            process.kill()
            process.wait()
            return
        time.sleep(0.02)
    raise AssertionError(f"{checkpoint} never held {entry}")


@pytest.fixture(scope="module")
def prepared(data_slice, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("uninterrupted")
    _finish(_stage("prepare", workdir, data_slice))
    return workdir


def _fresh_copy(prepared: Path, tmp_path: Path, *folders: str) -> Path:
    for folder in folders:
        shutil.copytree(prepared / "build" / folder, tmp_path / "build" / folder)
    return tmp_path


RUN, PRETRAIN = folder_names(Path("tests/tiny.toml"), load_config(ROOT / "tests/tiny.toml"), 0)


def test_killed_pretraining_resumes_to_the_same_result(prepared, data_slice, tmp_path):
    _finish(_stage("pretrain", prepared, data_slice))
    workdir = _fresh_copy(prepared, tmp_path, "data")
    checkpoint = workdir / "build" / PRETRAIN / "pretrain.checkpoint.pt"
    # Killed twice: in skip-gram, then in the RAE's first epoch.
    for entry in ("skip-gram", "linear RAE"):
        process = _stage("pretrain", workdir, data_slice, "--checkpoint-every", "0")
        _kill_once_saved(process, checkpoint, entry)
    stdout = _finish(_stage("pretrain", workdir, data_slice, "--checkpoint-every", "0"))
    assert f"resuming from {checkpoint}" in stdout
    assert not checkpoint.exists()
    expected = torch.load(prepared / "build" / PRETRAIN / "pretrain.pt", weights_only=True)
    resumed = torch.load(workdir / "build" / PRETRAIN / "pretrain.pt", weights_only=True)
    for key in ("embedding_losses", "rae_losses", "vocab"):
        assert resumed[key] == expected[key]
    assert all(torch.equal(resumed["encoder"][k], expected["encoder"][k])
               for k in expected["encoder"])


def test_killed_classify_resumes_to_the_same_predictions(prepared, data_slice, tmp_path):
    _finish(_stage("pretrain", prepared, data_slice))  # kept if the test above made it
    _finish(_stage("classify", prepared, data_slice))
    workdir = _fresh_copy(prepared, tmp_path, "data", PRETRAIN, RUN)
    for name in ("classify-linear-mr-split.pt", "model-linear-mr-split.pt"):
        (workdir / "build" / RUN / name).unlink()
    checkpoint = workdir / "build" / RUN / "classify-linear-mr-split.checkpoint.pt"
    process = _stage("classify", workdir, data_slice, "--checkpoint-every", "0")
    _kill_once_saved(process, checkpoint, "fold0/fine-tune α=0.5")  # the second alpha
    stdout = _finish(_stage("classify", workdir, data_slice, "--checkpoint-every", "0"))
    assert f"resuming from {checkpoint}" in stdout
    artifact = Path("build") / RUN / "classify-linear-mr-split.pt"
    expected = torch.load(prepared / artifact, weights_only=True)
    resumed = torch.load(workdir / artifact, weights_only=True)
    for name, row in expected["folds"][0]["models"].items():
        assert torch.equal(resumed["folds"][0]["models"][name]["probs"], row["probs"])
        assert resumed["folds"][0]["models"][name]["curve"] == row["curve"]


def test_two_runs_started_together_train_once(prepared, data_slice, tmp_path):
    workdir = _fresh_copy(prepared, tmp_path, "data")
    first, second = (_stage("pretrain", workdir, data_slice) for _ in range(2))
    outputs = [_finish(first), _finish(second)]
    assert sum("pretrained on" in out for out in outputs) == 1
    assert sum("pretrain.pt was built from these settings and data: kept" in out
               for out in outputs) == 1
    torch.load(workdir / "build" / PRETRAIN / "pretrain.pt", weights_only=True)
