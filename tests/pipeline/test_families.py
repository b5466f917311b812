"""The family registry: what the Makefile and `make help` list agrees with it, and each family's
declaration is consistent."""

import re
import subprocess
from pathlib import Path

import pytest

from data.tasks import DATASETS
from pipeline.families import FAMILIES, families_for

ROOT = Path(__file__).resolve().parents[2]


def _makefile_families() -> dict[str, tuple[str, ...]]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    found = [re.fullmatch(r"FAMILY\.([\w-]+)\s*:=\s*(.*)", line) for line in lines]
    return {m[1]: tuple(m[2].split()) for m in found if m}


def test_the_makefile_lists_every_family_with_its_data_sets():
    assert _makefile_families() == {name: f.datasets for name, f in FAMILIES.items()}


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
    assert set(family.datasets) <= set(DATASETS)


def test_model_all_runs_every_family_that_applies_in_registry_order():
    assert [f.name for f in families_for("mr", "all")] == ["linear", "greedy", "greedy-random"]
    assert [f.name for f in families_for("sst2", "all")] == ["linear", "greedy", "tree"]
    assert families_for("sst5", "tree") == (FAMILIES["tree"],)
