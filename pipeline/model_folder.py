"""A trained model as a folder others can pick up without this project's artifact format:

- model.safetensors: the parameters, tensors only (safetensors: no pickle, so loading a folder
  from elsewhere runs no code);
- config.json: the family, dimensions, class names, max length, the full settings and what
  the model was made from (data set, protocol, seed, config digest, data fingerprint, commit);
- vocab.txt: one token per line, line i is the embedding row i (<pad> and <unk> first);
- vectors.txt: the model's word vectors in word2vec's text format (gensim and fastText read it);
- README.md: the model card (model_card.py).

Only model.safetensors, config.json and vocab.txt are read back. A folder is written beside its
final place and renamed there, so a reader never sees half of one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from data.vectors import write_vectors
from data.vocab import Vocabulary
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import PARTIAL, ArtifactError
from pipeline.infra.provenance import git_commit
from pipeline.infra.schema import expect
from pipeline.trained import LABELS, TrainedModel, build_trained

FORMAT = "rae-sentiment-model"
FORMAT_VERSION = 1
MAKE_TARGET = "export"


def word_vectors(trained: TrainedModel) -> torch.Tensor:
    model = trained.model
    embeddings = model.rae.embeddings if trained.draws_trees else model.encoder.embeddings
    return embeddings.weight.detach().cpu()


def folder_config(trained: TrainedModel, accuracy: dict | None) -> dict:
    vectors = word_vectors(trained)
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "family": trained.family.name,
            "labels": trained.labels, "max_length": trained.max_length,
            "dimensions": {"vocabulary": len(trained.vocab), "embedding": vectors.shape[1]},
            "made_from": {**trained.made_from, "commit": git_commit()},
            "accuracy": accuracy, "config_digest": trained.config.digest(),
            "config": trained.config.to_dict()}


def save_folder(trained: TrainedModel, folder: Path, card: str,
                accuracy: dict | None = None) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=PARTIAL, dir=folder.parent))
    try:
        state = {name: t.detach().cpu().contiguous() for name, t in
                 trained.model.state_dict().items()}
        save_file(state, partial / "model.safetensors", metadata={"format": "pt"})
        (partial / "config.json").write_text(
            json.dumps(folder_config(trained, accuracy), indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
        (partial / "vocab.txt").write_text("".join(f"{w}\n" for w in trained.vocab.words),
                                           encoding="utf-8")
        with open(partial / "vectors.txt", "wb") as stream:
            write_vectors(stream, trained.vocab.words, word_vectors(trained))
        (partial / "README.md").write_text(card, encoding="utf-8")
        # mkdtemp and safetensors make them private; a model folder is for sharing
        os.chmod(partial, 0o755)
        for file in partial.iterdir():
            os.chmod(file, 0o644)
        _move_into_place(partial, folder)
    except BaseException as err:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(err, OSError):
            raise ArtifactError(f"cannot write {folder} ({err.strerror or err}); "
                                f"the previous {folder.name}, if any, is unchanged") from None
        raise


def _move_into_place(partial: Path, folder: Path) -> None:
    """A folder cannot replace a non-empty one in one rename: the old one moves aside first."""
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
    config = _read_config(folder)
    family = FAMILIES.get(config["family"])
    if family is None or family.needs_trees:
        raise ArtifactError(f"{folder}/config.json names family {config['family']!r}; this "
                            f"code reads linear, greedy and greedy-random model folders")
    words = _read_text(folder / "vocab.txt").split("\n")
    try:
        vocab = Vocabulary(words[:-1] if words[-1] == "" else words)
    except ValueError as err:
        raise ArtifactError(f"{folder}/vocab.txt is not this model's vocabulary ({err})",
                            "export the model again") from None
    try:
        state = load_file(folder / "model.safetensors")
    except (SafetensorError, OSError, ValueError) as err:
        raise ArtifactError(f"{folder}/model.safetensors cannot be read "
                            f"({str(err).splitlines()[0] if str(err) else type(err).__name__})",
                            "export the model again") from None
    trained = build_trained(family, config["config"], vocab, config["labels"], state,
                            folder / "model.safetensors", MAKE_TARGET,
                            config.get("made_from") or {})
    if trees and not trained.draws_trees:
        raise ArtifactError(f"{folder} holds a {family.name} RAE, which builds no trees; "
                            f"trees need a greedy one (`make export MODEL=greedy`)")
    return trained


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArtifactError(f"{path.parent} is not an RAE model folder (it has no {path.name})",
                            "make one with `make export`") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ArtifactError(f"cannot read {path} ({err})", "export the model again") from None


def _read_config(folder: Path) -> dict:
    path = folder / "config.json"
    try:
        config = json.loads(_read_text(path))
    except json.JSONDecodeError as err:
        raise ArtifactError(f"{path} is not JSON ({err})", "export the model again") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ArtifactError(f"{folder} is not an RAE model folder (its config.json has no "
                            f'"format": "{FORMAT}")', "make one with `make export`")
    if config.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(f"{path} has format version {config.get('format_version')!r}; this "
                            f"code reads version {FORMAT_VERSION}", "export the model again")
    expect(config, path, MAKE_TARGET, family=str, labels=LABELS, config=dict)
    return config
