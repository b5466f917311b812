"""classify --jobs: one job per core at most, and all of them within memory, refused in one
line before any work."""

import pytest

from pipeline import classify
from pipeline.__main__ import main
from pipeline.infra import memory, values

CLASSIFY = ["classify", "--config", "tests/tiny.toml", "--device", "cpu"]


@pytest.fixture
def two_cores(monkeypatch):
    """A machine of two cores where classify fails the test if it gets to the task."""
    monkeypatch.setattr(values, "available_cores", lambda: 2)
    monkeypatch.setattr(classify, "load_task", lambda *args: pytest.fail("work started"))


def _refused(capsys, *argv: str) -> str:
    try:
        status = main([*CLASSIFY, *argv])
    except SystemExit as exit:  # how argparse refuses an option
        status = exit.code
    assert status == 2
    [line] = capsys.readouterr().err.splitlines()
    return line


def test_more_jobs_than_cores_is_one_line(two_cores, capsys, tmp_path):
    line = _refused(capsys, "--build", str(tmp_path), "--jobs", "3")
    assert line == ("error: argument --jobs: must be at most the 2 cores this machine gives us, "
                    "got 3 (see python -m pipeline classify --help)")


def test_jobs_that_together_outgrow_memory_are_refused(two_cores, capsys, tmp_path,
                                                        monkeypatch):
    # tests/tiny.toml is estimated at about 0.065 GiB a process: one fits half of 0.2 GiB,
    # two do not
    monkeypatch.setattr(memory, "machine_memory", lambda: int(0.2 * 2**30))
    line = _refused(capsys, "--build", str(tmp_path), "--jobs", "2")
    assert line.startswith("error: --jobs 2: 2 processes of these settings need about 0.1 GiB "
                           "(0.1 GiB each), more than half this machine's 0.2 GiB")
    assert list(tmp_path.iterdir()) == []  # not even the run folder's lock
