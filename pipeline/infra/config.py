"""Run configuration: nested dataclasses read from TOML, checked before any work starts.

Every field has a type and a range, upper bounds included; a TOML file may set any subset of
fields. Unknown keys, wrong types and out-of-range values raise ConfigError naming the key.
A config that passes field by field is then checked as a whole: the memory its largest
tensors would take (memory.py) must fit this machine. A model file's embedded config goes
through the same checks, with its real vocabulary size.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from data.sources import corpus_stamp
from data.vectors import dimension as vector_dimension
from data.vectors import fingerprint as vector_fingerprint
from pipeline.infra.memory import too_large
from training.schedule import Schedule


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the offending key."""


PRETRAIN_SECTIONS = ("data", "embeddings", "rae")  # the settings `pretrain` reads


def _checked(default, check, why):
    metadata = {"check": check, "why": why}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _count(default: int, high: int, low: int = 1):
    """A whole number in low..high."""
    return _checked(default, lambda x: low <= x <= high, f"must be in {low}..{high:,}")


def _above_zero(default: float, high: float):
    """A number in (0, high]."""
    return _checked(default, lambda x: 0 < x <= high, f"must be in (0, {high:g}]")


def _fraction_below_one(x) -> bool:
    return 0.0 <= x < 1.0


def _path():
    return _checked("", lambda x: len(x) <= 4096, "must be a path of 4,096 characters or less")


def _computed():
    return _checked("", lambda x: len(x) <= 64, "is computed at start; leave it out")


def _dropout(default: float):
    return _checked(default, _fraction_below_one, "must be in [0, 1)")


def _alphas(default: list[float]):
    # alpha = 1 would leave the classifier untrained (no cross-entropy at all).
    return _checked(default, lambda xs: 1 <= len(xs) <= 20 and all(map(_fraction_below_one, xs)),
                    "must be a list of 1 to 20 numbers in [0, 1)")


def _word_weight(default: float):
    # Weight of each word's softmax, relative to a merge's (0: words unsupervised; the
    # released code: 2, internal nodes at half a word's weight).
    return _checked(default, lambda x: 0.0 <= x <= 10.0, "must be in [0, 10]")


def _l2(default: float):
    return _checked(default, lambda x: 0.0 <= x <= 1.0, "must be in [0, 1]")


WORD_STARTS = ("random", "pretrained")


def _word_starts(default: list[str]):
    # The word vectors' starts dev picks among: random (uniform in +-0.1), or the pretrained
    # ones (skip-gram or VECTORS=; projected to the model's size where it differs).
    return _checked(default, lambda xs: 1 <= len(xs) == len(set(xs)) and set(xs) <= set(
        WORD_STARTS), f"must be a list of distinct starts among {', '.join(WORD_STARTS)}")


def _refit():
    # After dev has picked alpha, the epochs and the heads' steps, train again on train + dev
    # with them and test that (the paper's 90%); false: test the model dev picked (80/10/10).
    return field(default=False)


MAX_EPOCHS = 1000
MAX_LR = 10.0


@dataclass
class DataConfig:
    min_count: int = _count(2, 10_000)  # vocabulary cut-off (unlabeled corpus)
    max_length: int = _count(60, 1000)  # longer sentences keep their last max_length tokens
    # Pretraining text instead of nltk movie_reviews: a text file, a .gz or a folder of them,
    # one sentence or document per line ("": movie_reviews); CORPUS= sets it too. Its stamp
    # (file names, sizes, times) is filled in at start.
    unlabeled: str = _path()
    unlabeled_stamp: str = _computed()


@dataclass
class EmbeddingConfig:
    dim: int = _count(100, 4096)  # word vector size d
    window: int = _count(5, 100)  # skip-gram context on each side
    negatives: int = _count(5, 100)  # noise words per positive pair
    subsample: float = _above_zero(1e-4, 1.0)  # word2vec frequent-word threshold
    epochs: int = _count(3, MAX_EPOCHS)
    batch_size: int = _count(4096, 1_000_000)
    lr: float = _above_zero(3e-3, MAX_LR)
    # A word2vec/GloVe text file to use instead of skip-gram ("": train skip-gram); VECTORS=
    # sets it too. Its dimension replaces `dim`, and its fingerprint is filled in at start.
    vectors: str = _path()
    vectors_fingerprint: str = _computed()


@dataclass
class RAEConfig:
    hidden: int = _count(200, 16_384)  # size of the code h
    epochs: int = _count(2, MAX_EPOCHS)
    batch_size: int = _count(128, 100_000)
    lr: float = _above_zero(1e-3, MAX_LR)


@dataclass
class ScheduleSection:
    """The training schedule every supervised section shares; a section overrides the
    defaults that differ."""

    epochs: int = _count(8, MAX_EPOCHS)  # upper bound; early stopping on dev
    patience: int = _count(2, MAX_EPOCHS)  # epochs without dev gain before stop
    batch_size: int = _count(32, 100_000)
    lr: float = _above_zero(1e-3, MAX_LR)
    clip_norm: float = _above_zero(1.0, 1e6)  # gradient norm cap
    # Add the words of each fold's training part (their text, never labels, never dev or test
    # text) to the pretrained vocabulary, instead of mapping them to <unk>.
    training_words: bool = field(default=False)

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.epochs, self.patience, self.batch_size, self.lr, self.clip_norm)


@dataclass
class RAESection(ScheduleSection):
    """An RAE family's training ([classify], [greedy], [greedy_random], [tree])."""

    # Weight of reconstruction in alpha * rec + (1 - alpha) * CE; the best on dev is kept.
    alphas: list[float] = _alphas([0.1])


@dataclass
class ClassifyConfig(RAESection):
    """The linear RAE's classifiers; the frozen-encoder head settings serve every family's
    heads on fixed features."""

    batch_size: int = _count(64, 100_000)
    alphas: list[float] = _alphas([0.1, 0.3])
    dropout: float = _dropout(0.3)
    # The heads read [h_n; mean of h_1..h_n] (true, picked by dev: README) or h_n alone.
    mean_states: bool = field(default=True)
    # A head on fixed features trains full-batch: many cheap steps.
    head_epochs: int = _count(3000, 1_000_000)
    head_lr: float = _above_zero(0.005, MAX_LR)
    head_patience: int = _count(300, 1_000_000)
    refit: bool = _refit()  # both rows


@dataclass
class GreedyConfig(RAESection):
    """The greedy tree RAE's semi-supervised training from the skip-gram vectors (its heads
    use classify.head_*)."""

    epochs: int = _count(6, MAX_EPOCHS)
    alphas: list[float] = _alphas([0.2])  # the paper's weight of reconstruction at every node
    # Where the released code differs, each picked by dev accuracy on MR's split (docs/mr.md,
    # The greedy RAE against the released code):
    normalise_leaves: bool = field(default=True)  # false: raw word vectors, as released
    word_weight: float = _word_weight(2.0)
    refit: bool = _refit()


@dataclass
class GreedyRandomConfig(GreedyConfig):
    """The same from random word vectors (family greedy-random)."""

    normalise_leaves: bool = field(default=False)
    word_weight: float = _word_weight(0.0)
    # Random word vectors start uniform in +-init_scale (the released code: 0.05); 0 keeps
    # torch's N(0, 1).
    init_scale: float = _checked(0.05, lambda x: 0.0 <= x <= 1.0, "must be in [0, 1]")


@dataclass
class TreeConfig(RAESection):
    """The RAE along SST's parse trees, every labelled node supervised."""

    dropout: float = _dropout(0.5)  # on node vectors before the node softmax


@dataclass
class PhraseSection(ScheduleSection):
    """A phrase model along SST's trees ([rntn], [treelstm]): every labelled phrase and word
    supervised, AdaGrad on the summed cross-entropy plus L2, its history restarted every
    epoch."""

    epochs: int = _count(30, MAX_EPOCHS)
    patience: int = _count(5, MAX_EPOCHS)
    batch_size: int = _count(27, 100_000)  # trees
    lr: float = _above_zero(0.01, MAX_LR)  # AdaGrad's, for all but the word vectors
    clip_norm: float = _above_zero(1e6, 1e6)  # CoreNLP clips nothing
    training_words: bool = field(default=True)
    word_lr: float = _above_zero(0.01, MAX_LR)  # AdaGrad's, for the word vectors
    dropout: float = _dropout(0.0)  # on node vectors before the node softmax
    l2_compose: float = _l2(1e-3)  # L2 weight of the composition's weights
    l2_classifier: float = _l2(1e-4)  # ... of the node softmax's weights
    l2_words: float = _l2(1e-4)  # ... of the word vectors
    word_starts: list[str] = _word_starts(["random"])


@dataclass
class RNTNSection(PhraseSection):
    """The RNTN, trained as CoreNLP's SentimentTraining trains it."""

    dim: int = _count(25, 300)  # word and node vector size d (the paper: 25-35)
    epochs: int = _count(100, MAX_EPOCHS)
    patience: int = _count(25, MAX_EPOCHS)  # AdaGrad's restarts make the dev curve ragged


@dataclass
class TreeLSTMSection(PhraseSection):
    """The binary constituency Tree-LSTM, trained as Tai et al. train it."""

    memory: int = _count(150, 4096)  # size of its cell and state
    batch_size: int = _count(25, 100_000)
    lr: float = _above_zero(0.05, MAX_LR)
    word_lr: float = _above_zero(0.1, MAX_LR)
    dropout: float = _dropout(0.5)
    l2_compose: float = _l2(1e-4)
    word_starts: list[str] = _word_starts(["pretrained"])


@dataclass
class ParserSection(ScheduleSection):
    """The span parser learned from SST's training trees (their brackets only), Adam on its
    structured hinge loss, early stopping on the dev trees' bracket F1."""

    epochs: int = _count(15, MAX_EPOCHS)
    patience: int = _count(4, MAX_EPOCHS)
    batch_size: int = _count(16, 100_000)
    lr: float = _above_zero(2e-3, MAX_LR)
    clip_norm: float = _above_zero(5.0, 1e6)
    training_words: bool = field(default=True)
    lstm: int = _count(150, 4096)  # BiLSTM state size, each direction
    layers: int = _count(2, 8)
    hidden: int = _count(150, 4096)  # the span scorer's hidden layer
    dropout: float = _dropout(0.3)
    chars: int = _count(50, 1024, low=0)  # filters of the words' byte convolution (0: none)


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    embeddings: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    rae: RAEConfig = field(default_factory=RAEConfig)
    classify: ClassifyConfig = field(default_factory=ClassifyConfig)
    greedy: GreedyConfig = field(default_factory=GreedyConfig)
    greedy_random: GreedyRandomConfig = field(default_factory=GreedyRandomConfig)
    tree: TreeConfig = field(default_factory=TreeConfig)
    rntn: RNTNSection = field(default_factory=RNTNSection)
    treelstm: TreeLSTMSection = field(default_factory=TreeLSTMSection)
    parser: ParserSection = field(default_factory=ParserSection)

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
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation == "float":
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value))
    if annotation == "str":
        return isinstance(value, str)
    if annotation == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
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


def parse_config(values: dict, vocab_size: int | None = None) -> Config:
    """Check values field by field, then as a whole (memory.py), before any work; vocab_size
    where it is known (a model file), else the largest a corpus is expected to give."""
    if not isinstance(values, dict):
        raise ConfigError(f"a config must be a table of sections, got {type(values).__name__}")
    config = _build(Config, values, "")
    problem = too_large(config, vocab_size)
    if problem:
        raise ConfigError(problem)
    return config


def with_files(config: Config, vectors: str | None = None, unlabeled: str | None = None
               ) -> Config:
    """The config with the files it names resolved: word vectors (`vectors`, VECTORS=, else
    `embeddings.vectors`) and pretraining text (`unlabeled`, CORPUS=, else `data.unlabeled`).
    The vectors' dimension becomes `embeddings.dim`; the vectors' fingerprint and the text's
    stamp join the config, so other files, or edited ones, never share a run folder."""
    embeddings, data = config.embeddings, config.data
    vectors = embeddings.vectors if vectors is None else vectors
    unlabeled = data.unlabeled if unlabeled is None else unlabeled
    embeddings = dataclasses.replace(embeddings, vectors=vectors, vectors_fingerprint="")
    if vectors:
        dim = vector_dimension(Path(vectors))
        check = next(f for f in dataclasses.fields(embeddings) if f.name == "dim").metadata
        if not check["check"](dim):
            raise ConfigError(f"VECTORS={vectors} holds {dim}-dimensional vectors; "
                              f"embeddings.dim {check['why']}")
        embeddings = dataclasses.replace(embeddings, dim=dim,
                                         vectors_fingerprint=vector_fingerprint(Path(vectors)))
    data = dataclasses.replace(data, unlabeled=unlabeled,
                               unlabeled_stamp=corpus_stamp(Path(unlabeled)) if unlabeled else "")
    config = dataclasses.replace(config, embeddings=embeddings, data=data)
    problem = too_large(config, None)
    if problem:
        raise ConfigError(problem)
    return config


def load_config(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a folder, not a TOML file") from None
    except OSError as err:
        raise ConfigError(f"config file {path} cannot be read ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"config file {path} is not valid TOML: {err}") from None
    return parse_config(values)
