import re

import pytest

from pipeline.infra import values
from pipeline.infra.make_variables import problem

FAMILIES = ["greedy", "linear", "tree"]


@pytest.mark.parametrize(("assignment", "message"), [
    ("SEED=0; touch F", r"SEED must be a whole number in 0\.\.4294966, got '0; touch F'"),
    ("SEED=-1", r"SEED must be in 0\.\.4294966, got -1"),
    ("SEEDS=0 1 x", r"SEEDS must be a whole number in 0\.\.4294966, got 'x'"),
    ("SEEDS=  ", r"SEEDS must name at least one seed"),
    ("NPROC=0", r"NPROC must be >= 1, got 0"),
    ("NPROC=abc", r"NPROC must be a whole number >= 1, got 'abc'"),
    ("JOBS=100000", r"JOBS must be at most the \d+ cores this machine gives us, got 100000"),
    ("PORT=70000", r"PORT must be in 1\.\.65535, got 70000"),
    ("CHECKPOINT=nan", r"CHECKPOINT must be >= 0 seconds, got nan"),
    ("BUILD=a b", r"BUILD must be a path of letters, digits .* got 'a b'"),
    ("CONFIG=$(shell id)", r"CONFIG must be a path .* got '\$\(shell id\)'"),
    ("MODEL=linear;x", r"MODEL must be families among greedy, linear, tree, or all; got"),
    ("DEVICE=cuda`id`", r"DEVICE must be one word of letters, digits and \. _ : -"),
    ("PROTOCOL=cv10\nx", r"PROTOCOL must be one word .*got 'cv10\\nx'"),
])
def test_a_value_make_would_read_as_syntax_is_one_line_naming_its_variable(assignment, message):
    said = problem(FAMILIES, ["SEED=0", assignment])
    assert said is not None and "\n" not in said
    assert re.match(message, said), said


def test_good_values_pass():
    assert problem(FAMILIES, ["CONFIG=configs/default.toml", "BUILD=/tmp/x-1/build", "SEED=7",
                              "SEEDS=0 1 2", "NPROC=1", "JOBS=1", "PORT=8000", "CHECKPOINT=inf",
                              "MODEL=linear greedy", "MODEL=", "MODEL=all", "DEVICE=cuda:1",
                              "PROTOCOL=cv10"]) is None


def test_processes_are_bounded_by_the_cores_we_may_use(monkeypatch):
    monkeypatch.setattr(values, "available_cores", lambda: 3)
    assert values.processes("3") == 3
    with pytest.raises(ValueError, match="at most the 3 cores"):
        values.processes("4")
