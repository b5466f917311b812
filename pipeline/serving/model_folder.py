"""A trained model as a folder others can pick up without this project's artifact format:

- model.safetensors: the parameters, tensors only (safetensors: no pickle, so loading a folder
  from elsewhere runs no code);
- config.json: the family, dimensions, class names, max length, the full settings and what
  the model was made from (data set, protocol, seed, config digest, data fingerprint, commit);
  folder_config.py says what each field must hold;
- vocab.txt: one token per line, line i is the embedding row i (<pad> and <unk> first);
- vectors.txt: the model's word vectors in word2vec's text format (gensim and fastText read it);
- README.md: the model card (model_card.py);
- parser.safetensors, parser-vocab.txt: for a family that follows parse trees (tree, rntn,
  treelstm), the parser that gives a text its tree (`make parser`), with its own vocabulary;
- SHA256SUMS: the SHA-256 of each file read back, as `sha256sum` writes it (so
  `sha256sum -c SHA256SUMS` checks a copy).

Only the files of READ_BACK are read back, and only when each matches its checksum: a folder
loads as it was written or not at all (a label or vocabulary line edited by hand would answer
wrongly without a word). A folder is written beside its final place and renamed there, so a
reader never sees half of one; it replaces nothing but an earlier model folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load, save

from data.vectors import write_vectors
from data.vocab import Vocabulary
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import PARTIAL, ArtifactError
from pipeline.serving.folder_config import (
    FIX,
    FORMAT,
    FORMAT_VERSION,
    MAKE_TARGET,
    check_agrees,
    check_fields,
    folder_config,
)
from pipeline.serving.text_parser import build_text_parser
from pipeline.serving.trained import TrainedModel, build_trained, saved_config

# The files a model is built from, each sealed in SEAL; reading one more is one more name here.
READ_BACK = ("config.json", "vocab.txt", "model.safetensors")
PARSER_FILES = ("parser-vocab.txt", "parser.safetensors")  # read back too, where they are
SEAL = "SHA256SUMS"
OWN_FILES = frozenset({*READ_BACK, *PARSER_FILES, "vectors.txt", "README.md", SEAL})


def word_vectors(trained: TrainedModel) -> torch.Tensor:
    model = trained.model
    if trained.family.needs_trees:
        return model.embeddings.weight.detach().cpu()
    embeddings = model.rae.embeddings if trained.draws_trees else model.encoder.embeddings
    return embeddings.weight.detach().cpu()


def _tensors(module: torch.nn.Module) -> bytes:
    return save({name: t.detach().cpu().contiguous() for name, t in module.state_dict().items()},
                metadata={"format": "pt"})


def _words(vocab: Vocabulary) -> bytes:
    return "".join(f"{w}\n" for w in vocab.words).encode("utf-8")


def checksums(files: dict[str, bytes]) -> str:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items())


def destination_problem(folder: Path) -> str | None:
    """Why a model folder may not be written at `folder`, if it may not: writing one replaces
    what is there, so that must be nothing, an empty folder or a model folder."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        kind = "a link" if folder.is_symlink() else "a file"
        return f"{folder} is {kind}, not a folder; save the model elsewhere or move it away"
    if not folder.exists():
        return None
    others = sorted(p.name for p in folder.iterdir()
                    if p.name not in OWN_FILES or p.is_symlink() or not p.is_file())
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        return (f"{folder} holds files that are not a model folder's ({shown}); save the model "
                f"elsewhere or move them away")
    return None


def save_folder(trained: TrainedModel, folder: Path, card: str,
                accuracy: dict | None = None) -> None:
    problem = destination_problem(folder)
    if problem:
        raise ArtifactError(problem)
    config = json.dumps(folder_config(trained, accuracy), indent=1, ensure_ascii=False) + "\n"
    read_back = {"config.json": config.encode("utf-8"), "vocab.txt": _words(trained.vocab),
                 "model.safetensors": _tensors(trained.model)}
    if trained.parser is not None:
        read_back.update(zip(PARSER_FILES, (_words(trained.parser.vocab),
                                            _tensors(trained.parser.model)), strict=True))
    vectors = io.BytesIO()
    write_vectors(vectors, trained.vocab.words, word_vectors(trained))
    files = {**read_back, SEAL: checksums(read_back).encode(), "vectors.txt": vectors.getvalue(),
             "README.md": card.encode("utf-8")}
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=PARTIAL, dir=folder.parent))
    try:
        for name, data in files.items():
            (partial / name).write_bytes(data)
            os.chmod(partial / name, 0o644)  # a model folder is for sharing
        os.chmod(partial, 0o755)  # mkdtemp makes it private
        _move_into_place(partial, folder)
    except BaseException as err:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(err, OSError):
            raise ArtifactError(f"cannot write {folder} ({err.strerror or err}); "
                                f"the previous {folder.name}, if any, is unchanged") from None
        raise


def _move_into_place(partial: Path, folder: Path) -> None:
    """A folder cannot replace a non-empty one in one rename: the old one (a model folder, as
    destination_problem made sure) moves aside first."""
    old = None
    if folder.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        os.replace(folder, old / folder.name)
    os.replace(partial, folder)
    if old is not None:
        shutil.rmtree(old)


def load_folder(folder: Path, trees: bool = False) -> TrainedModel:
    """A model folder, every file checked before anything is built; with `trees`, one whose
    family draws them. Anything else is one line naming what is wrong."""
    if not folder.is_dir():
        raise ArtifactError(f"model folder {folder} does not exist",
                            "make one with `make export`")
    files = {name: _read(folder / name) for name in READ_BACK}  # once: what is checked is built
    path = folder / "config.json"
    config = _read_config(files["config.json"], path)
    if config.get("parser") is not None:
        files.update({name: _read(folder / name) for name in PARSER_FILES})
    _check_seal(folder, files)
    check_fields(config, path)
    vocab = _vocabulary(files["vocab.txt"], folder / "vocab.txt")
    checked = saved_config(config["config"], len(vocab), path, MAKE_TARGET)
    check_agrees(config, checked, vocab, path)
    state = _state(files["model.safetensors"], folder / "model.safetensors")
    trained = build_trained(FAMILIES[config["family"]], checked, vocab, config["labels"], state,
                            folder / "model.safetensors", MAKE_TARGET, config["made_from"])
    if config["parser"] is not None:
        trained = replace(trained, parser=_parser(folder, files, config["parser"]))
    if trees and not trained.draws_trees:
        raise ArtifactError(f"{folder} holds a {trained.family.name} RAE, which builds no "
                            f"trees; trees need a greedy one (`make export MODEL=greedy`)")
    return trained


def _state(raw: bytes, path: Path) -> dict[str, torch.Tensor]:
    try:
        return load(raw)
    except (SafetensorError, ValueError) as err:
        raise ArtifactError(f"{path} cannot be read "
                            f"({str(err).splitlines()[0] if str(err) else type(err).__name__})",
                            FIX) from None


def _parser(folder: Path, files: dict[str, bytes], recorded: dict):
    """The folder's parser, from its files and config.json's "parser" (checked by
    check_fields)."""
    vocab = _vocabulary(files["parser-vocab.txt"], folder / "parser-vocab.txt")
    path = folder / "config.json"
    config = saved_config(recorded["config"], len(vocab), path, MAKE_TARGET)
    state = _state(files["parser.safetensors"], folder / "parser.safetensors")
    return build_text_parser(config, vocab, state, recorded["test_f1"],
                             folder / "parser.safetensors", MAKE_TARGET)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ArtifactError(f"{path.parent} is not an RAE model folder (it has no {path.name})",
                            "make one with `make export`") from None
    except OSError as err:
        raise ArtifactError(f"cannot read {path} ({err.strerror or err})", FIX) from None


def _read_config(raw: bytes, path: Path) -> dict:
    """config.json as far as telling an RAE model folder of this version from anything else."""
    try:
        config = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ArtifactError(f"{path} is not JSON ({err})", FIX) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ArtifactError(f"{path.parent} is not an RAE model folder (its config.json has no "
                            f'"format": "{FORMAT}")', "make one with `make export`")
    if config.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(f"{path} has format version {config.get('format_version')!r}; this "
                            f"code reads version {FORMAT_VERSION}", FIX)
    return config


def _check_seal(folder: Path, files: dict[str, bytes]) -> None:
    recorded = {}
    for line in _read(folder / SEAL).decode("utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        recorded[name] = digest
    for name, data in files.items():
        if recorded.get(name) != hashlib.sha256(data).hexdigest():
            raise ArtifactError(f"{folder / name} does not match the folder's checksum", FIX)


def _vocabulary(raw: bytes, path: Path) -> Vocabulary:
    try:
        words = raw.decode("utf-8").split("\n")
        return Vocabulary(words[:-1] if words[-1] == "" else words)
    except ValueError as err:  # UnicodeDecodeError too
        raise ArtifactError(f"{path} is not this model's vocabulary ({err})", FIX) from None
