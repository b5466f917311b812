"""pipeline.launch tells of the process that failed first, not of those that followed it, and
refuses a process count this machine cannot hold before starting any."""

import signal

import pytest
import torch
from torch.distributed.elastic.multiprocessing.api import SignalException
from torch.distributed.elastic.multiprocessing.errors import ProcessFailure

from pipeline import launch
from pipeline.infra import memory, values
from pipeline.launch import USER_ERROR, first_cause, process_count


def _failures(*exitcodes: int) -> dict[int, ProcessFailure]:
    # no error file: torchrun stamps each failure with the current second, as when it stops
    # the others right after the first death
    return {rank: ProcessFailure(rank, 1000 + rank, code, "/nonexistent")
            for rank, code in enumerate(exitcodes)}


def test_a_killed_rank_is_told_of_not_the_rank_torchrun_stopped_after_it():
    rank, failure = first_cause(_failures(-signal.SIGTERM, -signal.SIGKILL))
    assert (rank, failure.exitcode) == (1, -signal.SIGKILL)


def test_a_killed_rank_is_told_of_not_the_rank_that_lost_it():
    rank, failure = first_cause(_failures(USER_ERROR, -signal.SIGKILL))
    assert (rank, failure.exitcode) == (1, -signal.SIGKILL)


def test_ranks_stopped_by_sigterm_alone_are_told_of():
    rank, failure = first_cause(_failures(-signal.SIGTERM, -signal.SIGTERM))
    assert (rank, failure.exitcode) == (0, -signal.SIGTERM)


def test_nothing_is_added_when_every_rank_told_of_itself():
    assert first_cause(_failures(USER_ERROR, USER_ERROR)) is None


# What pipeline.launch refuses before any process starts (torchrun's run is never reached).

PRETRAIN = ["-m", "pipeline", "pretrain", "--config", "tests/tiny.toml", "--device", "cpu"]


@pytest.fixture
def two_cores(monkeypatch):
    """A machine of two cores whose run() fails the test if anything gets that far."""
    monkeypatch.setattr(values, "available_cores", lambda: 2)

    def started(args):
        raise AssertionError(f"processes were started: {args}")
    monkeypatch.setattr(launch, "run", started)


def _refused(capsys, *argv: str) -> str:
    assert launch.main(["--standalone", *argv]) == USER_ERROR
    [line] = capsys.readouterr().err.splitlines()
    return line


@pytest.mark.parametrize(("count", "reason"), [
    ("0", "must be >= 1, got 0"), ("-1", "must be >= 1, got -1"),
    ("abc", "must be a whole number >= 1, got 'abc'"),
    ("auto", "must be a whole number >= 1, got 'auto'"),
    ("3", "must be at most the 2 cores this machine gives us, got 3"),
])
def test_a_count_that_is_not_a_process_per_core_is_one_line(two_cores, capsys, count, reason):
    line = _refused(capsys, f"--nproc-per-node={count}", *PRETRAIN)
    assert line == f"error: --nproc-per-node (NPROC) {reason}"


def test_processes_that_together_outgrow_memory_are_refused(two_cores, capsys, monkeypatch):
    # tests/tiny.toml is estimated at about 0.065 GiB a process: one fits half of 0.2 GiB,
    # two do not
    monkeypatch.setattr(memory, "machine_memory", lambda: int(0.2 * 2**30))
    line = _refused(capsys, "--nproc-per-node=2", *PRETRAIN)
    assert line.startswith("error: --nproc-per-node (NPROC) 2: 2 processes of these settings "
                           "need about 0.1 GiB (0.1 GiB each), more than half")


def test_the_pretrain_options_are_checked_before_any_process_starts(two_cores, capsys):
    line = _refused(capsys, "--nproc-per-node=2", "-m", "pipeline", "pretrain",
                    "--config", "missing.toml")
    assert line == "error: config file missing.toml does not exist"


def test_each_process_on_cuda_needs_a_device_of_its_own(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    cuda = torch.device("cuda")
    assert process_count("1", cuda) == 1
    with pytest.raises(ValueError, match="must be at most the 1 CUDA devices torch sees, got 2"):
        process_count("2", cuda)


def test_the_stage_gets_its_own_nproc_option_not_torchruns(two_cores, monkeypatch):
    """--nproc abbreviates torchrun's --nproc-per-node; after the script it is the stage's."""
    seen = []
    monkeypatch.setattr(launch, "run", seen.append)
    assert launch.main(["--standalone", "--nproc-per-node=2", *PRETRAIN, "--nproc", "2"]) == 0
    assert seen[0].nproc_per_node == "2"
    assert seen[0].training_script_args[-2:] == ["--nproc", "2"]


def test_a_signal_to_the_launcher_is_one_line_and_its_exit_status(two_cores, capsys,
                                                                   monkeypatch):
    def signalled(args):  # torchrun has stopped the processes when it raises this
        raise SignalException("got signal", sigval=signal.SIGTERM)
    monkeypatch.setattr(launch, "run", signalled)
    assert launch.main(["--standalone", "--nproc-per-node=2", *PRETRAIN]) == 143  # 128 + 15
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("stopped by SIGTERM, and so were the training processes")
