"""Artifacts on disk: written atomically, sealed with a checksum, loaded without unpickling.

An artifact is a plain dict of tensors, numbers, strings, lists and dicts (torch.save), or
JSON. A crash mid-write leaves the previous file intact: data goes to a temporary file
(`.<name>.<random>.partial`, created exclusively, never through a symlink) in the same folder
and is moved into place with os.replace; a stage that takes a folder's lock removes the
`.partial` files a killed writer left there. Every pipeline artifact is sealed: it records
FORMAT and a checksum of all its content (tensors byte for byte), so a flipped byte or an
older layout is a one-line error, never a silently different number.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
from pathlib import Path

import torch

# The layout of the artifacts this code writes; bump it when their keys change, so artifacts
# in the old layout are rebuilt (stages) or refused with the make target (loaders).
FORMAT = 2
PARTIAL = ".partial"


class ArtifactError(RuntimeError):
    """An artifact that is missing, damaged or from another run; one line naming the fix."""

    def __init__(self, problem: str, fix: str | None = None):
        super().__init__(f"{problem}; {fix}" if fix else problem)
        self.problem = problem


class NotACheckpoint(ArtifactError):
    """A file torch cannot load at all; `reason` is the loader's complaint, for a caller that
    words it otherwise (a file the user named may be anything of theirs, never ours to delete)."""

    def __init__(self, path: Path, reason: str, make_target: str):
        super().__init__(f"{path} is damaged or not a checkpoint ({reason})",
                         f"delete it and run `make {make_target}`")
        self.reason = reason


def save_bytes_with(write, path: Path) -> None:
    """write(stream) into a temporary file, then move it to path. Ctrl-C waits until the file
    is in place: an interrupt inside torch.save's zip writer would surface as its RuntimeError,
    not as the interrupt. The wait is a Python handler, not a blocked signal: the kernel may
    hand SIGINT to any of torch's threads, and Python runs its handlers on the main thread."""
    if threading.current_thread() is not threading.main_thread():
        _save_bytes_with(write, path)  # only the main thread may set handlers (or get SIGINT)
        return
    interrupts = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: interrupts.append(number))
    try:
        _save_bytes_with(write, path)
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupts:
        signal.raise_signal(signal.SIGINT)


def _save_bytes_with(write, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL,
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; artifacts are ordinary files
        os.replace(temporary, path)
    except BaseException as err:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(err, OSError):  # a full disk, a file size limit, a read-only folder
            raise ArtifactError(f"cannot write {path} ({err.strerror or err}); "
                                f"the previous {path.name}, if any, is unchanged") from None
        raise


def remove_partial_files(folder: Path) -> None:
    """Temporary files of writers that were killed; call only while holding folder's lock."""
    for orphan in folder.glob(f".*{PARTIAL}"):
        orphan.unlink(missing_ok=True)


def _tensor_text(value) -> str:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"an artifact holds a {type(value).__name__}, not plain data")
    tensor = value.detach().cpu().contiguous()
    raw = tensor.reshape(-1).view(torch.uint8).numpy().tobytes()
    return f"tensor {tensor.dtype} {tuple(tensor.shape)} {hashlib.sha256(raw).hexdigest()}"


def checksum(content: dict) -> str:
    """Of every key and value; a tensor counts by dtype, shape and raw bytes."""
    text = json.dumps(content, sort_keys=True, default=_tensor_text)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(content: dict) -> dict:
    return {**content, "format": FORMAT, "checksum": checksum(content)}


def unseal(sealed, path: Path, make_target: str) -> dict:
    """The content of a sealed artifact, refused when its layout is old or its bytes changed."""
    fix = f"delete it and run `make {make_target}`"
    if not isinstance(sealed, dict) or sealed.get("format") != FORMAT:
        found = sealed.get("format", 1) if isinstance(sealed, dict) else "unknown"
        raise ArtifactError(f"{path} was written in format {found}, this code reads format "
                            f"{FORMAT}", fix)
    content = {key: value for key, value in sealed.items() if key not in ("format", "checksum")}
    try:
        intact = sealed.get("checksum") == checksum(content)
    except (TypeError, ValueError):  # something other than plain data, or keys of mixed types
        intact = False
    if not intact:
        raise ArtifactError(f"{path} is damaged: its content does not match its checksum", fix)
    return content


def save_torch(obj: dict, path: str | Path) -> None:
    save_bytes_with(lambda stream: torch.save(seal(obj), stream), Path(path))


def save_text(text: str, path: str | Path) -> None:
    save_bytes_with(lambda stream: stream.write(text.encode("utf-8")), Path(path))


def save_json(obj, path: str | Path, indent: int | None = 1) -> None:
    save_text(json.dumps(obj, indent=indent, ensure_ascii=False) + "\n", path)


def _existing(path: str | Path, make_target: str) -> Path:
    path = Path(path)
    if path.is_dir():
        raise ArtifactError(f"{path} is a folder, not a file that `make {make_target}` writes")
    if not path.is_file():
        raise ArtifactError(f"{path} does not exist; run `make {make_target}` first")
    return path


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def load_torch(path: str | Path, make_target: str) -> dict:
    """A sealed torch artifact's content (see unseal)."""
    path = _existing(path, make_target)
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - arbitrary bytes fail in arbitrary ways in the
        # unpickler (IndexError, struct.error, ...); none of them may escape as a traceback
        raise NotACheckpoint(path, _first_line(err), make_target) from None
    return unseal(loaded, path, make_target)


def read_json(path: str | Path, make_target: str):
    """A JSON file that `make_target` writes, as written (reports are not sealed)."""
    path = _existing(path, make_target)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ArtifactError(f"{path} is damaged ({err})",
                            f"delete it and run `make {make_target}`") from None


def load_json(path: str | Path, make_target: str) -> dict:
    """A sealed JSON artifact's content (see unseal)."""
    return unseal(read_json(path, make_target), path, make_target)


def check_same(path: Path, what: str, found: str, expected: str, make_target: str) -> None:
    if found != expected:
        raise ArtifactError(f"{path} was built with {what} {found}, this run uses {expected}; "
                            f"delete it and run `make {make_target}`")


def reusable(path: Path, make_target: str, **expected) -> bool:
    """Whether path exists and was built from `expected` (its recorded fields) by this code's
    format; if so it is touched, so make sees it as new, and kept. A stage that make reruns for
    a reason that does not concern it (a config edit elsewhere, another run that just built it)
    ends here; a damaged or old-format artifact is rebuilt, and the run says why."""
    if not path.is_file():
        return False
    try:
        built = load_torch(path, make_target)
    except ArtifactError as err:
        print(f"{err.problem}: rebuilding it")
        return False
    changed = [key for key, value in expected.items() if built.get(key) != value]
    if changed:
        print(f"rebuilding {path}: its {', '.join(changed)} differ from this run's")
        return False
    path.touch()
    print(f"{path} was built from these settings and data: kept")
    return True
