"""Artifacts on disk: written atomically, loaded without unpickling, checked for mix-ups.

An artifact is a plain dict of tensors, numbers, strings, lists and dicts (torch.save), or
JSON. A crash mid-write leaves the previous file intact: data goes to a temporary file in
the same folder and is moved into place with os.replace.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import torch


class ArtifactError(RuntimeError):
    """An artifact that is missing, damaged or from another run; one line naming the fix."""


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; artifacts are ordinary files
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def save_torch(obj: dict, path: str | Path) -> None:
    _atomic_write(Path(path), lambda stream: torch.save(obj, stream))


def save_text(text: str, path: str | Path) -> None:
    _atomic_write(Path(path), lambda stream: stream.write(text.encode("utf-8")))


def save_json(obj, path: str | Path, indent: int | None = 1) -> None:
    save_text(json.dumps(obj, indent=indent, ensure_ascii=False) + "\n", path)


def _existing(path: str | Path, make_target: str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"{path} does not exist; run `make {make_target}` first")
    return path


def load_torch(path: str | Path, make_target: str) -> dict:
    path = _existing(path, make_target)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, ValueError, pickle.UnpicklingError,
            zipfile.BadZipFile) as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ArtifactError(f"{path} is damaged or not a checkpoint ({first_line}); "
                            f"delete it and run `make {make_target}`") from None


def load_json(path: str | Path, make_target: str):
    path = _existing(path, make_target)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ArtifactError(f"{path} is damaged ({err}); delete it and run `make {make_target}`"
                            ) from None


def check_same(path: Path, what: str, found: str, expected: str, make_target: str) -> None:
    if found != expected:
        raise ArtifactError(f"{path} was built with {what} {found}, this run uses {expected}; "
                            f"delete it and run `make {make_target}`")


def reusable(path: Path, make_target: str, **expected) -> bool:
    """Whether path exists and was built from `expected` (its recorded fields); if so it is
    touched, so make sees it as new, and kept. A stage that make reruns for a reason that does
    not concern it (a config edit elsewhere, another run that just built it) ends here."""
    if not path.is_file():
        return False
    try:
        built = load_torch(path, make_target)
    except ArtifactError:
        return False
    if any(built.get(key) != value for key, value in expected.items()):
        return False
    path.touch()
    print(f"{path} was built from these settings and data: kept")
    return True
