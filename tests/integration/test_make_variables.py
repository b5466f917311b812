"""Every make variable a user sets, given text that make or the shell would read as syntax:
a quote, a double quote, `;`, `$(...)` (the shell's and make's), backticks, a newline. No
command may run (each value tries to create a file), and the run either works or stops in
one line that names the variable. Each make is a process of its own, so they run two at a
time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration

# variable -> the make target that reads it, and what else that target needs
TARGETS = {
    "CONFIG": ["eval"], "BUILD": ["eval"], "REPORTS": ["eval"], "EXPORTS": ["export"],
    "SEED": ["eval"], "SEEDS": ["sweep"], "MODEL": ["eval"], "NPROC": ["pretrain"],
    "JOBS": ["sweep"], "PORT": ["serve"], "DATASET": ["prepare"],
    "TEXT_COLUMN": ["prepare", "DATASET={csv}"], "LABEL_COLUMN": ["prepare", "DATASET={csv}"],
    "VECTORS": ["pretrain"], "CORPUS": ["prepare"], "TEXT": ["predict"],
    "CHECKPOINT": ["eval"], "DEVICE": ["eval"], "PROTOCOL": ["eval"],
}
PAYLOADS = {
    "quote": "x'; touch {canary}; echo '",
    "double_quote": 'x"; touch {canary}; echo "',
    "semicolon": "x; touch {canary}",
    "shell_substitution": "$(touch {canary}) $$(touch {canary})",
    "make_shell_function": "$(shell touch {canary})",
    "backticks": "`touch {canary}`",
    "newline": "x\ntouch {canary}",
}
CASES = [(variable, payload) for variable in TARGETS for payload in PAYLOADS]


def _csv(folder: Path) -> Path:
    path = folder / "reviews.csv"
    path.write_text("text,label\n" + "".join(f"a fine film {i},pos\na dull film {i},neg\n"
                                             for i in range(12)))
    return path


def _run(variable: str, payload: str, workdir: Path, data: Path) -> dict:
    canary = workdir / "RAN"
    value = PAYLOADS[payload].format(canary=canary)
    target, *needs = TARGETS[variable]
    settings = {"CONFIG": "tests/tiny.toml", "BUILD": str(workdir / "build"),
                "REPORTS": str(workdir / "reports"), "EXPORTS": str(workdir / "exports"),
                **dict(n.format(csv=_csv(workdir)).split("=", 1) for n in needs),
                variable: value}
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), target, f"PY={sys.executable}",
         "SETUP=", "DEVICE=cpu", *(f"{k}={v}" for k, v in settings.items())],
        env={**os.environ, "RAE_DATA_DIR": str(data)}, capture_output=True, text=True,
        timeout=300)
    return {"value": value, "ran": canary.exists() or (ROOT / "RAN").exists(),
            "returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}


@pytest.fixture(scope="module")
def outcomes(request, built, data_slice, tmp_path_factory) -> dict:
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_make_variable_with_syntax"]

    def attempt(case):
        variable, payload = case
        workdir = tmp_path_factory.mktemp(f"{variable}-{payload}")
        if variable == "TEXT":  # predict needs the trained model: a copy of the built chain
            for folder in ("build", "reports"):
                shutil.copytree(built / folder, workdir / folder)
        return _run(variable, payload, workdir, data_slice)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(selected, pool.map(attempt, selected), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[f"{v}-{p}" for v, p in CASES])
def test_make_variable_with_syntax(case, outcomes):
    variable, _ = case
    outcome = outcomes[case]
    assert not outcome["ran"], f"{variable}={outcome['value']!r} ran a command"
    lines = [line for line in outcome["stderr"].splitlines()
             if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    if variable == "TEXT":  # free text predict answers, whatever it holds
        assert outcome["returncode"] == 0, outcome["stderr"]
        answers = [json.loads(line) for line in outcome["stdout"].splitlines()
                   if line.startswith("{")]
        assert [a["text"] for a in answers] == [outcome["value"]]
        return
    assert outcome["returncode"] == 2 and len(lines) == 1, outcome["stderr"]
    assert variable in lines[0] and "Traceback" not in outcome["stderr"], lines[0]
