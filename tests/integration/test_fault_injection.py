"""SIGKILL real pretrain and classify processes mid-run, start them again, and compare with
uninterrupted runs; two runs started together on one build folder; and pretraining as two
torchrun ranks (gloo, localhost): what they write, a killed run, a dead rank."""

import contextlib
import os
import shutil
import signal
import socket
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


TWO_RANKS = ("pipeline.launch", "--standalone", "--nproc-per-node=2", "-m", "pipeline")
NPROC_2 = ("--nproc", "2")  # the stage's side of two ranks: it names their folders


def _stage(name: str, workdir: Path, data: Path, *extra: str, launcher=("pipeline",),
           env=None) -> subprocess.Popen:
    command = [sys.executable, "-m", *launcher, name, "--config", "tests/tiny.toml",
               "--build", str(workdir / "build"), "--reports", str(workdir / "reports"),
               "--device", "cpu", *extra]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "RAE_DATA_DIR": str(data), **(env or {})},
                            text=True)


def _family(process: subprocess.Popen) -> dict[int, bytes]:
    """pid -> environment of the process and all it started (torchrun gives each rank a
    session of its own, so only parenthood finds them)."""
    parents = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:  # the parent is the field after the parenthesised command name
            parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
    family, grew = {process.pid}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in family} - family
        family |= children
        grew = bool(children)
    found = {}
    for pid in family:
        try:
            found[pid] = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
    return found


def _kill_all(process: subprocess.Popen) -> None:
    """SIGKILL the process and every process it started."""
    for pid in _family(process):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def _finish(process: subprocess.Popen, timeout: float = 600) -> str:
    """Its output once it ends well; killed, with all it started, if it runs past timeout (a
    rank that lost its peer could otherwise hang the test run)."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_all(process)
        raise
    assert process.returncode == 0, stderr
    return stdout


def _wait_until_saved(process: subprocess.Popen, checkpoint: Path, entry: str) -> None:
    """Return as soon as the checkpoint holds `entry` (a training loop's state)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, "the stage finished before it could be killed"
        try:
            entries = torch.load(checkpoint, weights_only=True)["entries"]
        except FileNotFoundError:
            entries = {}
        if any(name.startswith(entry) for name in entries):
            return
        time.sleep(0.02)
    raise AssertionError(f"{checkpoint} never held {entry}")


def _kill_once_saved(process: subprocess.Popen, checkpoint: Path, entry: str) -> None:
    """SIGKILL the stage and all it started as soon as its checkpoint holds `entry`."""
    _wait_until_saved(process, checkpoint, entry)
    _kill_all(process)


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
_, PRETRAIN_2 = folder_names(Path("tests/tiny.toml"), load_config(ROOT / "tests/tiny.toml"), 0,
                             nproc=2)


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


def test_folds_in_parallel_processes_learn_what_serial_folds_learn(prepared, data_slice,
                                                                  tmp_path):
    """At equal threads per process: one, serially, and two workers of one thread each."""
    _finish(_stage("pretrain", prepared, data_slice))  # kept if a test above made it
    classified = []
    for name, jobs, threads in (("serial", "1", "1"), ("parallel", "2", "2")):
        workdir = _fresh_copy(prepared, tmp_path / name, "data", PRETRAIN)
        _finish(_stage("classify", workdir, data_slice, "--protocol", "cv10", "--jobs", jobs,
                       env={"OMP_NUM_THREADS": threads}))
        artifact = workdir / "build" / RUN / "classify-linear-mr-cv10.pt"
        classified.append(torch.load(artifact, weights_only=True)["folds"])
    serial, parallel = classified
    assert len(serial) == len(parallel) == 10
    for one, other in zip(serial, parallel, strict=True):
        assert torch.equal(one["test"], other["test"])
        for name, row in one["models"].items():
            assert torch.equal(other["models"][name]["probs"], row["probs"]), name


def test_two_runs_started_together_train_once(prepared, data_slice, tmp_path):
    workdir = _fresh_copy(prepared, tmp_path, "data")
    first, second = (_stage("pretrain", workdir, data_slice) for _ in range(2))
    outputs = [_finish(first), _finish(second)]
    assert sum("pretrained on" in out for out in outputs) == 1
    assert sum("pretrain.pt was built from these settings and data: kept" in out
               for out in outputs) == 1
    torch.load(workdir / "build" / PRETRAIN / "pretrain.pt", weights_only=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _same_pretraining(first: Path, second: Path, atol: float) -> None:
    one, other = (torch.load(p, weights_only=True) for p in (first, second))
    assert one["vocab"] == other["vocab"]
    for name, value in one["encoder"].items():
        assert torch.allclose(other["encoder"][name], value, rtol=0, atol=atol), name


@pytest.fixture(scope="module")
def two_ranks(prepared, data_slice, tmp_path_factory):
    """Pretraining as two ranks started by hand the way torchrun starts them (env://), each
    with its own build folder holding the prepared data: rank 0's and rank 1's."""
    _finish(_stage("pretrain", prepared, data_slice))
    workdirs = [tmp_path_factory.mktemp(f"rank{rank}") for rank in range(2)]
    for workdir in workdirs:
        _fresh_copy(prepared, workdir, "data")
    rendezvous = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_free_port()),
                  "WORLD_SIZE": "2", "OMP_NUM_THREADS": "1"}
    ranks = [_stage("pretrain", workdir, data_slice, *NPROC_2,
                    env={**rendezvous, "RANK": str(rank), "LOCAL_RANK": str(rank)})
             for rank, workdir in enumerate(workdirs)]
    for rank in ranks:
        _finish(rank, timeout=240)
    return workdirs


def test_only_rank_0_writes_and_two_ranks_match_one_process(prepared, two_ranks):
    rank0, rank1 = two_ranks
    assert sorted(p.name for p in (rank1 / "build").iterdir()) == ["data"]
    assert sorted(p.name for p in (rank0 / "build" / PRETRAIN_2).iterdir()) == \
        [".lock", "pretrain.pt", "vectors.txt"]
    # a full epoch of Adam steps carries float rounding further than the unit test's few steps
    # (which is why two ranks' pretraining has a folder of its own)
    _same_pretraining(prepared / "build" / PRETRAIN / "pretrain.pt",
                      rank0 / "build" / PRETRAIN_2 / "pretrain.pt", atol=1e-4)


def test_killed_two_rank_pretraining_resumes_to_the_same_numbers(two_ranks, prepared,
                                                                 data_slice, tmp_path):
    workdir = _fresh_copy(prepared, tmp_path, "data")
    checkpoint = workdir / "build" / PRETRAIN_2 / "pretrain.checkpoint.pt"
    for entry in ("skip-gram", "linear RAE"):
        process = _stage("pretrain", workdir, data_slice, "--checkpoint-every", "0", *NPROC_2,
                         launcher=TWO_RANKS)
        _kill_once_saved(process, checkpoint, entry)
    stdout = _finish(_stage("pretrain", workdir, data_slice, "--checkpoint-every", "0",
                            *NPROC_2, launcher=TWO_RANKS), timeout=240)
    assert f"resuming from {checkpoint}" in stdout
    _same_pretraining(two_ranks[0] / "build" / PRETRAIN_2 / "pretrain.pt",
                      workdir / "build" / PRETRAIN_2 / "pretrain.pt", atol=0)


def _rank_process(launcher: subprocess.Popen, rank: int) -> int:
    """The pid of a torchrun rank, known by its RANK variable."""
    for pid, environ in _family(launcher).items():
        if f"RANK={rank}".encode() in environ.split(b"\0"):
            return pid
    raise AssertionError(f"no rank {rank} under {launcher}")


def test_a_dead_rank_ends_the_run_in_one_line(prepared, data_slice, tmp_path):
    workdir = _fresh_copy(prepared, tmp_path, "data")
    checkpoint = workdir / "build" / PRETRAIN_2 / "pretrain.checkpoint.pt"
    process = _stage("pretrain", workdir, data_slice, "--checkpoint-every", "0", *NPROC_2,
                     launcher=TWO_RANKS)
    _wait_until_saved(process, checkpoint, "skip-gram")
    os.kill(_rank_process(process, 1), signal.SIGKILL)
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        _kill_all(process)  # nothing left to kill when all ended, as they should
    assert process.returncode == 2
    [line] = stderr.strip().splitlines()
    assert line.startswith("error: training process 1 (pid ") and "killed by SIGKILL" in line


def _survivors(pids: list[int], seconds: float) -> list[int]:
    """Those still running (not zombies: whoever inherits an orphan may be slow to reap it)
    after up to `seconds`."""
    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    deadline = time.monotonic() + seconds
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=lambda sig: sig.name)
def test_the_ranks_end_with_their_launcher(prepared, data_slice, tmp_path, sig):
    """SIGTERM: torchrun stops them and the launcher says so in one line, status 143.
    SIGKILL: nobody can stop them but the kernel (training/distributed.py die_with_launcher)."""
    workdir = _fresh_copy(prepared, tmp_path, "data")
    checkpoint = workdir / "build" / PRETRAIN_2 / "pretrain.checkpoint.pt"
    process = _stage("pretrain", workdir, data_slice, "--checkpoint-every", "0", *NPROC_2,
                     launcher=TWO_RANKS)
    ranks = []
    try:
        _wait_until_saved(process, checkpoint, "skip-gram")  # both ranks are training
        ranks = [_rank_process(process, rank) for rank in range(2)]
        process.send_signal(sig)
        process.wait(timeout=60)  # not its output: a rank that lives on holds the pipes open
        survivors = _survivors(ranks, seconds=5)
    finally:  # never leave a rank training, whatever failed
        _kill_all(process)
        for pid in ranks:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    assert survivors == []
    assert not (workdir / "build" / PRETRAIN_2 / "pretrain.pt").exists()  # stopped, not done
    if sig == signal.SIGTERM:
        assert process.returncode == 143
        [line] = stderr.strip().splitlines()
        assert line.startswith("stopped by SIGTERM, and so were the training processes; ")
    else:
        assert process.returncode == -signal.SIGKILL
