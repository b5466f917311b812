"""A stage's checkpoint file: next to the artifact it leads to, removed once that is written.

It records what it was made for (settings, text, vocabulary, seed): a checkpoint from other
settings is not resumed but replaced, and the run says so.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.infra.artifacts import load_torch, save_torch
from pipeline.infra.schema import expect
from training.resume import Checkpoint


def checkpoint_path(artifact: Path) -> Path:
    return artifact.with_name(f"{artifact.stem}.checkpoint.pt")


def open_checkpoint(artifact: Path, identity: dict, every_seconds: float, make_target: str,
                    write: bool = True) -> Checkpoint:
    """Resume from the artifact's checkpoint when it was made for `identity`; a damaged
    checkpoint stops the run (ArtifactError naming the file). write=False: read it, never
    write it (the ranks of a distributed run besides rank 0)."""
    path = checkpoint_path(artifact)
    entries = {}
    if path.is_file():
        saved = load_torch(path, make_target)
        expect(saved, path, make_target, identity=dict, entries=dict)
        found = saved["identity"]
        changed = [f"{key} {found.get(key)} -> {value}" for key, value in identity.items()
                   if found.get(key) != value]
        if changed:
            print(f"{path} was made with other settings ({'; '.join(changed)}): starting over")
        else:
            entries = saved["entries"]
            print(f"resuming from {path} ({', '.join(entries) or 'nothing finished yet'})")
    if not write:
        return Checkpoint.writing(entries, lambda entries: None, float("inf"))

    def save(entries: dict) -> None:
        save_torch({"identity": identity, "entries": entries}, path)

    return Checkpoint.writing(entries, save, every_seconds)


def remove_checkpoint(artifact: Path) -> None:
    checkpoint_path(artifact).unlink(missing_ok=True)
