"""What the integration tests share: make run as a user runs it, and one built chain.

`built` is `make eval` on the MR split of the data slice with the tiny config, made once per
session and read-only for the tests; a test that runs make again works on `chain`, a copy.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_make(*targets, workdir: Path, data: Path | None, extra=(), stdin: str | None = None,
             config="tests/tiny.toml") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RAE_DATA_DIR"}
    if data is not None:
        env["RAE_DATA_DIR"] = str(data)
    command = ["make", "--no-print-directory", "-C", str(ROOT), *targets,
               f"CONFIG={config}", f"BUILD={workdir / 'build'}",
               f"REPORTS={workdir / 'reports'}", f"EXPORTS={workdir / 'exports'}",
               f"PY={sys.executable}", "SETUP=", "DEVICE=cpu",
               *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, input=stdin,
                          timeout=600)


@pytest.fixture(scope="session")
def make():
    return run_make


@pytest.fixture(scope="session")
def built(data_slice, tmp_path_factory):
    """`make eval` on the MR split; read-only for the tests (see `chain`)."""
    workdir = tmp_path_factory.mktemp("chain")
    result = run_make("eval", workdir=workdir, data=data_slice)
    assert result.returncode == 0, result.stderr
    return workdir


@pytest.fixture(scope="session")
def exported(make, built, data_slice, tmp_path_factory):
    """A copy of the built chain after `make export MODEL="linear greedy"` and `make export
    DATASET=sst5 MODEL=treelstm` (a phrase model and its parser, as `make serve` exports);
    read-only for the tests. export.out holds what each export printed."""
    chain = Path(shutil.copytree(built, tmp_path_factory.mktemp("export") / "chain"))
    printed = []
    for extra in (["MODEL=linear greedy"], ["DATASET=sst5", "MODEL=treelstm"]):
        result = make("export", workdir=chain, data=data_slice, extra=extra)
        assert result.returncode == 0, result.stderr
        printed.append(result.stdout)
    (chain / "export.out").write_text("".join(printed))
    return chain


@pytest.fixture
def chain(built, tmp_path):
    """A copy of the built chain (file times kept, so make sees what is done) for one test."""
    return Path(shutil.copytree(built, tmp_path / "chain"))
