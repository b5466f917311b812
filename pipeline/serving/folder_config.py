"""A model folder's config.json: what it records of a trained model, and the checks it must
pass on load, as strict as a TOML config's: every key known, every field of its type and range,
and the fields that repeat the config or the other files agreeing with them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from data.vocab import Vocabulary
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import ArtifactError
from pipeline.infra.config import Config
from pipeline.infra.provenance import git_commit
from pipeline.infra.schema import expect
from pipeline.infra.values import MAX_SEED
from pipeline.serving.trained import LABELS, TrainedModel

FORMAT = "rae-sentiment-model"
# 2: SHA256SUMS seals the files read back (model_folder.py); 3: "parser", a tree family's
FORMAT_VERSION = 3
MAKE_TARGET = "export"
FIX = "export the model again"


def folder_config(trained: TrainedModel, accuracy: dict | None) -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "family": trained.family.name,
            "labels": trained.labels, "max_length": trained.max_length,
            "dimensions": _dimensions(trained.config, trained.vocab),
            "made_from": {**trained.made_from, "commit": git_commit()},
            "accuracy": accuracy, "config_digest": trained.config.digest(),
            "config": trained.config.to_dict(), "parser": _parser(trained)}


def _parser(trained: TrainedModel) -> dict | None:
    """What a tree family's folder records of its parser (its files hold the rest)."""
    parser = trained.parser
    if parser is None:
        return None
    return {"config": parser.config.to_dict(), "test_f1": parser.test_f1,
            "vocabulary": len(parser.vocab)}


def _parser_field(parser) -> bool:
    return parser is None or (
        isinstance(parser, dict) and set(parser) == {"config", "test_f1", "vocabulary"}
        and isinstance(parser["config"], dict) and isinstance(parser["vocabulary"], int)
        and isinstance(parser["test_f1"], int | float) and 0 <= parser["test_f1"] <= 100)


def _dimensions(config: Config, vocab: Vocabulary) -> dict:
    return {"vocabulary": len(vocab), "embedding": config.embeddings.dim}


def _seed(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEED


def _plain(value) -> bool:
    return value is None or isinstance(value, str) or (
        isinstance(value, int | float) and math.isfinite(value))


def _made_from(made: dict) -> bool:
    """Names and plain values (model_card.py shows them); a seed is a seed."""
    return (all(isinstance(key, str) and _plain(value) for key, value in made.items())
            and _seed(made.get("seed", 0)))


def _fraction(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _accuracy(accuracy) -> bool:
    """null (fitted through the API, not measured) or what `make eval` measured."""
    return accuracy is None or (
        isinstance(accuracy, dict) and set(accuracy) == {"value", "std", "protocol", "seed", "row"}
        and _fraction(accuracy["value"]) and (accuracy["std"] is None or _fraction(accuracy["std"]))
        and isinstance(accuracy["protocol"], str) and isinstance(accuracy["row"], str)
        and _seed(accuracy["seed"]))


# Every key of config.json and what it must hold (pipeline/infra/schema.py's field specs); those
# that repeat the config or the files are compared with them by check_agrees.
FIELDS = {
    "format": str, "format_version": int,
    "family": str,
    "labels": LABELS,
    "max_length": int,
    "dimensions": dict,
    "made_from": (dict, _made_from, f"a table of names and plain values, any seed in "
                                    f"0..{MAX_SEED}"),
    "accuracy": (object, _accuracy, "null, or value (0..1), std (0..1 or null), protocol, "
                                    f"seed (0..{MAX_SEED}) and row"),
    "config_digest": str,
    "config": dict,
    "parser": (object, _parser_field, "null, or a table of config, test_f1 (0..100) and "
                                      "vocabulary"),
}


def check_fields(config, path: Path) -> None:
    """config.json's keys and the type and range of each (the embedded config's own fields are
    trained.saved_config's to check)."""
    expect(config, path, MAKE_TARGET, **FIELDS)
    unknown = sorted(set(config) - set(FIELDS))
    if unknown:
        raise ArtifactError(f"{path} holds unknown key '{unknown[0]}' (known: "
                            f"{', '.join(FIELDS)})", FIX)
    family = FAMILIES.get(config["family"])
    if family is None:
        raise ArtifactError(f"{path} names family {config['family']!r}; this code reads "
                            f"{', '.join(FAMILIES)} model folders")
    if family.needs_trees != (config["parser"] is not None):
        has = "has a parser" if config["parser"] is not None else "has no parser"
        raise ArtifactError(f"{path}: family {family.name} {has}, but its models "
                            f"{'read' if family.needs_trees else 'need no'} parse trees", FIX)


def check_agrees(config: dict, checked: Config, vocab: Vocabulary, path: Path) -> None:
    """The fields that repeat what the embedded config and vocab.txt say must say the same
    (the tensors' shapes follow the config and the vocabulary: build_trained checks them)."""
    expected = {"max_length": (checked.data.max_length, "its config's data.max_length is"),
                "dimensions": (_dimensions(checked, vocab),
                               "vocab.txt and its config's embeddings.dim make it"),
                "config_digest": (checked.digest(), "its config's digest is")}
    for key, (value, source) in expected.items():
        # as JSON text, so that 60.0 or true is not taken for 60 or 1
        if json.dumps(config[key], sort_keys=True) != json.dumps(value, sort_keys=True):
            raise ArtifactError(f"{path}: '{key}' is {json.dumps(config[key])}, but {source} "
                                f"{json.dumps(value)}", FIX)
