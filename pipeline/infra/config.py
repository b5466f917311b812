"""Run configuration: nested dataclasses read from TOML, checked before any work starts.

Every field has a type and, where it matters, a range; a TOML file may set any subset of
fields. Unknown keys, wrong types and out-of-range values raise ConfigError naming the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from training.supervised import Schedule


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the offending key."""


PRETRAIN_SECTIONS = ("data", "embeddings", "rae")  # the settings `pretrain` reads


def _positive(x):
    return x > 0


def _fraction(x):
    return 0.0 <= x <= 1.0


def _checked(default, check, why):
    metadata = {"check": check, "why": why}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _alphas(default: list[float]):
    return _checked(default, lambda xs: len(xs) > 0 and all(map(_fraction, xs)),
                    "must be a non-empty list of numbers in [0, 1]")


@dataclass
class DataConfig:
    min_count: int = _checked(2, _positive, "must be >= 1")  # vocabulary cut-off (unlabeled corpus)
    max_length: int = _checked(60, _positive, "must be >= 1")  # longer sentences are truncated


@dataclass
class EmbeddingConfig:
    dim: int = _checked(100, _positive, "must be >= 1")  # word vector size d
    window: int = _checked(5, _positive, "must be >= 1")  # skip-gram context on each side
    negatives: int = _checked(5, _positive, "must be >= 1")  # noise words per positive pair
    subsample: float = _checked(1e-4, _positive, "must be > 0")  # word2vec frequent-word threshold
    epochs: int = _checked(3, _positive, "must be >= 1")
    batch_size: int = _checked(4096, _positive, "must be >= 1")
    lr: float = _checked(3e-3, _positive, "must be > 0")


@dataclass
class RAEConfig:
    hidden: int = _checked(200, _positive, "must be >= 1")  # size of the code h
    epochs: int = _checked(2, _positive, "must be >= 1")
    batch_size: int = _checked(128, _positive, "must be >= 1")
    lr: float = _checked(1e-3, _positive, "must be > 0")


@dataclass
class ScheduleSection:
    """The training schedule every supervised section shares ([classify], [greedy], [tree]);
    a section overrides the defaults that differ."""

    epochs: int = _checked(8, _positive, "must be >= 1")  # upper bound; early stopping on dev
    patience: int = _checked(2, _positive, "must be >= 1")  # epochs without dev gain before stop
    batch_size: int = _checked(32, _positive, "must be >= 1")
    lr: float = _checked(1e-3, _positive, "must be > 0")
    clip_norm: float = _checked(1.0, _positive, "must be > 0")  # gradient norm cap
    # Weight of reconstruction in alpha * rec + (1 - alpha) * CE; the best on dev is kept.
    alphas: list[float] = _alphas([0.1])

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.epochs, self.patience, self.batch_size, self.lr, self.clip_norm)


@dataclass
class ClassifyConfig(ScheduleSection):
    """The linear RAE's classifiers; the frozen-encoder head settings serve every family's
    heads on fixed features."""

    batch_size: int = _checked(64, _positive, "must be >= 1")
    alphas: list[float] = _alphas([0.1, 0.3])
    dropout: float = _checked(0.3, lambda x: 0.0 <= x < 1.0, "must be in [0, 1)")
    # A head on fixed features trains full-batch: many cheap steps.
    head_epochs: int = _checked(3000, _positive, "must be >= 1")
    head_lr: float = _checked(0.005, _positive, "must be > 0")
    head_patience: int = _checked(300, _positive, "must be >= 1")


@dataclass
class GreedyConfig(ScheduleSection):
    """The greedy tree RAE's semi-supervised training (its heads use classify.head_*)."""

    epochs: int = _checked(6, _positive, "must be >= 1")
    alphas: list[float] = _alphas([0.2])  # the paper's weight of reconstruction at every node


@dataclass
class TreeConfig(ScheduleSection):
    """The RAE along SST's parse trees, every labelled node supervised."""

    dropout: float = _checked(0.5, lambda x: 0.0 <= x < 1.0, "must be in [0, 1)")  # node softmax


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    embeddings: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    rae: RAEConfig = field(default_factory=RAEConfig)
    classify: ClassifyConfig = field(default_factory=ClassifyConfig)
    greedy: GreedyConfig = field(default_factory=GreedyConfig)
    tree: TreeConfig = field(default_factory=TreeConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self, *sections: str) -> str:
        """Short hash of the resolved values (of the named sections only, if any): artifacts
        record it to detect mix-ups, and to tell when a config edit leaves them valid."""
        values = self.to_dict()
        if sections:
            values = {name: values[name] for name in sections}
        text = json.dumps(values, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _type_ok(value, annotation: str) -> bool:
    if annotation == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation == "list[float]":
        return isinstance(value, list) and all(_type_ok(v, "float") for v in value)
    raise AssertionError(f"unsupported config annotation {annotation}")


def _build(cls, values: dict, prefix: str):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if key not in fields:
            raise ConfigError(f"unknown config key '{name}' (known: {', '.join(fields)})")
        f = fields[key]
        if dataclasses.is_dataclass(f.default_factory):  # a [section] of the file
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{name}' must be a table [{name}]")
            kwargs[key] = _build(f.default_factory, value, f"{name}.")
            continue
        if isinstance(value, dict):
            raise ConfigError(f"config key '{name}' is a value, not a table")
        if not _type_ok(value, f.type):
            raise ConfigError(f"config key '{name}' must be {f.type}, got {value!r}")
        check = f.metadata.get("check")
        if check is not None and not check(value):
            raise ConfigError(f"config key '{name}' {f.metadata['why']}, got {value!r}")
        kwargs[key] = float(value) if f.type == "float" else value
    return cls(**kwargs)


def parse_config(values: dict) -> Config:
    return _build(Config, values, "")


def load_config(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"config file {path} is not valid TOML: {err}") from None
    return parse_config(values)
