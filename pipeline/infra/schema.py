"""What a loaded artifact must hold before any of it is used: keys, types, shapes and ranges.

The checksum (artifacts.py) catches damage; these checks catch a file that is intact but not
what this code expects: written by hand, by another version, or for another model. Each
failure is one ArtifactError naming the file, the key and the make target that rebuilds it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from data.vocab import PAD, UNK
from pipeline.infra.artifacts import ArtifactError

MISSING = object()


def words(value) -> bool:
    return len(value) > 0 and all(isinstance(word, str) for word in value)


def vocabulary(value) -> bool:
    return (words(value) and value[:2] == [PAD, UNK] and len(set(value)) == len(value))


# The field spec of an artifact's vocabulary, for expect().
VOCABULARY = (list, vocabulary, "a vocabulary: <pad>, <unk>, then distinct words")


def tensors(value) -> bool:
    return all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in value.items())


def expect(artifact: dict, path: Path | str, make_target: str,
           **fields: type | tuple[type, Callable[[object], bool], str]) -> None:
    """Each field is a type, or (type, test, what the test asks) for a range or shape; type
    object leaves the whole question to the test (a field that may be null)."""
    fix = f"delete it and run `make {make_target}`"
    if not isinstance(artifact, dict):
        raise ArtifactError(f"{path} is a {type(artifact).__name__}, not a table", fix)
    for key, spec in fields.items():
        kind, test, wanted = spec if isinstance(spec, tuple) else (spec, None, "")
        value = artifact.get(key, MISSING)
        if value is MISSING:
            raise ArtifactError(f"{path} lacks '{key}'", fix)
        wrong_bool = isinstance(value, bool) and kind not in (bool, object)
        if not isinstance(value, kind) or wrong_bool:
            raise ArtifactError(f"{path}: '{key}' is a {type(value).__name__}, not a "
                                f"{kind.__name__}", fix)
        if test is not None and not test(value):
            raise ArtifactError(f"{path}: '{key}' must be {wanted}", fix)


def expect_state(state: dict, skeleton: nn.Module, path: Path, make_target: str) -> None:
    """state's names and shapes are those of skeleton: a model built on the meta device
    (on_meta), so checking costs no memory however large the file claims the model is, or the
    model itself where its config has passed the memory check."""
    fix = f"delete it and run `make {make_target}`"
    expected = {name: tuple(t.shape) for name, t in skeleton.state_dict().items()}
    found = {name: tuple(t.shape) for name, t in state.items()}
    if set(found) != set(expected):
        odd = sorted(set(found) ^ set(expected))
        raise ArtifactError(f"{path} holds other parameters than this code's model "
                            f"({', '.join(odd[:3])})", fix)
    wrong = [name for name in expected if found[name] != expected[name]]
    if wrong:
        name = wrong[0]
        raise ArtifactError(f"{path}: parameter {name} has shape {found[name]}, this model's "
                            f"is {expected[name]}", fix)
    bad = [name for name, t in state.items()
           if not (t.is_floating_point() and bool(torch.isfinite(t).all()))]
    if bad:
        raise ArtifactError(f"{path}: parameter {bad[0]} holds values that are not finite "
                            f"floats", fix)


def on_meta(build: Callable[[], nn.Module]) -> nn.Module:
    with torch.device("meta"):
        return build()
