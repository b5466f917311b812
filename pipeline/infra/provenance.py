"""What produced an artifact: code version, library versions, command line.

The code version is two things: the digest of the source files that compute the numbers
(COMPUTING_CODE), which artifacts record and are rebuilt when it changes, and the git commit
of this project's own repository, for the reader of a report.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
# What pretrain and classify compute with; the report and the stages' plumbing are left out,
# so editing them does not retrain anything.
COMPUTING_CODE = ("data", "models", "training", "pipeline/families")


@functools.cache
def code_digest() -> str:
    digest = hashlib.sha256()
    for package in COMPUTING_CODE:
        for source in sorted((ROOT / package).glob("*.py")):
            digest.update(f"{source.relative_to(ROOT)}\n".encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def _git(*arguments: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True, text=True,
                          timeout=10, check=True).stdout.strip()


@functools.cache
def git_commit() -> str:
    """HEAD of this project's repository; "unknown" when the code is not in a checkout of its
    own (an installed copy inside some other repository must not report that one's commit)."""
    try:
        if Path(_git("rev-parse", "--show-toplevel")).resolve() != ROOT:
            return "unknown"
        commit = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+uncommitted changes" if dirty else "")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("torch", "numpy", "scikit-learn", "nltk"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


@functools.cache
def cpu_model() -> str:
    """The processor's name (Linux's /proc/cpuinfo), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def provenance(command: str) -> dict:
    """Threads: torch's intra-op threads, which change float sums and so the last digits."""
    return {"git_commit": git_commit(), "code_digest": code_digest(), "versions": versions(),
            "command": command, "machine": f"{platform.machine()}, {platform.system()}",
            "cpu": cpu_model(), "threads": torch.get_num_threads(),
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")}
