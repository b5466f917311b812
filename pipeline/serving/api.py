"""RAEClassifier: the pipeline's RAE classifiers as a scikit-learn estimator over raw sentences.

    from pipeline import RAEClassifier
    model = RAEClassifier().fit(sentences, labels)  # lists of strings and of labels
    model.predict(["not bad at all"]), model.predict_proba([...]), model.tree("...")

It trains as `make classify` trains one fold, through the same code (the family's train_fold):
the fitted sentences are split into a training and a dev part (dev_size, stratified), dev picks
alpha and the epochs. Word vectors and the pretrained linear RAE come from the `make pretrain`
run of the same settings and seed when `build/` holds it (pretrained="auto"), else they are
trained on the fitted sentences themselves, as `make pretrain` trains them on its corpus. The
families that follow trees (tree, rntn, treelstm) read each sentence's tree from the parser of
`make parser` (parser="auto": the run's of the same config file, settings and seed), its
class on the root, as `make classify` does on a task without trees of its own.
"""

from __future__ import annotations

import math
import numbers
import os
from collections import Counter
from pathlib import Path

import numpy as np
from nltk import Tree
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from data.token_store import SentenceIds
from data.tokenize import tokenize
from data.vocab import UNK, Vocabulary
from pipeline.classify import fold_vocabulary
from pipeline.families import FAMILIES, FoldInputs
from pipeline.infra import values
from pipeline.infra.artifacts import ArtifactError
from pipeline.infra.built import read_pretrained
from pipeline.infra.config import Config, load_config, with_files
from pipeline.infra.paths import PRETRAIN_FILE, folder_names, pretrain_name
from pipeline.infra.runtime import resolve_device, set_seed
from pipeline.pretrain import corpus_vocabulary, train_encoder
from pipeline.serving.model_card import model_card
from pipeline.serving.model_folder import destination_problem, load_folder, save_folder
from pipeline.serving.text_parser import TextParser, load_text_parser, parsed_trees
from pipeline.serving.trained import TrainedModel
from training.resume import Checkpoint

# make's CONFIG when none is given: a run folder's name starts with its config file's stem
MAKE_CONFIG = "configs/default.toml"


class RAEClassifier(ClassifierMixin, BaseEstimator):
    """family: one of pipeline/families/ (`make help` lists them). config: a TOML file of
    settings (None: the defaults, configs/default.toml's). pretrained: "auto", a pretrain.pt
    file, or None (always train word vectors and the linear RAE on the fitted sentences).
    parser: "auto" or a parser.pt file, for a family that follows trees. build: where "auto"
    looks for `make pretrain`'s and `make parser`'s output."""

    def __init__(self, family: str = "linear", config: str | None = None, seed: int = 0,
                 device: str = "auto", dev_size: float = 0.1, pretrained: str | None = "auto",
                 build: str = "build", parser: str = "auto"):
        self.family = family
        self.config = config
        self.seed = seed
        self.device = device
        self.dev_size = dev_size
        self.pretrained = pretrained
        self.build = build
        self.parser = parser

    def fit(self, X, y) -> RAEClassifier:
        texts, labels = _texts(X), np.asarray(y)
        if len(labels) != len(texts):
            raise ValueError(f"{len(texts)} sentences but {len(labels)} labels")
        self._check_parameters()
        device = resolve_device(self.device)  # its ConfigError is a ValueError naming device
        self.classes_, y_index = np.unique(labels, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("fit needs sentences of at least two classes")
        _check_dev_size(self.dev_size, len(texts), len(self.classes_))
        config = with_files(load_config(self.config))
        set_seed(self.seed)
        tokens = [tokenize(text) or [UNK] for text in texts]
        pretrained = self._pretrained(config, tokens, device)
        train, dev = train_test_split(np.arange(len(texts)), test_size=self.dev_size,
                                      stratify=y_index, random_state=self.seed)
        family = FAMILIES[self.family]
        vocab = fold_vocabulary(Vocabulary(pretrained["vocab"]), (tokens[i] for i in train),
                                family, config)
        text_parser = self._text_parser(config).to(device) if family.needs_trees else None
        if text_parser is None:
            inputs = [vocab.encode(sentence) for sentence in tokens]
        else:
            inputs = [tree.encoded(vocab) for tree in parsed_trees(
                text_parser, tokens, y_index, config.data.max_length)]
        parts = {part: ([inputs[i] for i in rows], y_index[rows])
                 # train_fold also reports a test part's predictions: dev stands in for it
                 for part, rows in (("train", train), ("dev", dev), ("test", dev))}
        set_seed(self.seed)
        _, state = family.train_fold(FoldInputs(pretrained, config, device, vocab, parts,
                                                len(self.classes_), self.seed,
                                                Checkpoint.in_memory()))
        model = family.build_model(config, len(vocab), len(self.classes_))
        model.load_state_dict(state)
        self.trained_ = TrainedModel(family, model.eval(), vocab,
                                     [str(c) for c in self.classes_], config,
                                     {"seed": int(self.seed), "sentences": len(texts),
                                      "dev_size": round(len(dev) / len(texts), 4)},
                                     parser=text_parser).to(device)
        return self

    def _check_parameters(self) -> None:
        """scikit-learn's way: __init__ only stores them, fit checks them (device and dev_size
        are checked by fit itself), each message naming the parameter."""
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got "
                             f"{self.family!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral):
            raise TypeError(f"seed must be an int, got {type(self.seed).__name__}: {self.seed!r}")
        try:
            values.seed(str(int(self.seed)))  # the range --seed and SEED= take
        except ValueError as err:
            raise ValueError(f"seed {err}") from None
        if self.pretrained in (None, "auto"):
            return
        if not isinstance(self.pretrained, str | os.PathLike):
            raise TypeError(f'pretrained must be "auto", None or the path of a pretrain.pt, '
                            f"got {type(self.pretrained).__name__}")
        if not Path(self.pretrained).is_file():
            raise ValueError(f'pretrained must be "auto", None or the path of a pretrain.pt; '
                             f"{self.pretrained} is not a file")

    def _pretrained(self, config: Config, tokens: list[list[str]], device) -> dict:
        """{vocab, encoder}: `make pretrain`'s, or trained here on `tokens`."""
        path = self._pretrain_file(config)
        if path is not None:
            try:
                return read_pretrained(path, config)
            except ArtifactError as err:
                if self.pretrained == "auto":  # build/'s own: its message says how to remake it
                    raise
                raise ValueError(f"pretrained: {err.problem}") from None  # not ours to delete
        vocab = corpus_vocabulary(Counter(t for sentence in tokens for t in sentence), config)
        sentences = SentenceIds.from_lists([vocab.encode(sentence) for sentence in tokens])
        encoder, _, _ = train_encoder(config, sentences, vocab, self.seed, device)
        return {"vocab": vocab.words,
                "encoder": {k: v.cpu() for k, v in encoder.state_dict().items()}}

    def _pretrain_file(self, config: Config) -> Path | None:
        if self.pretrained is None:
            return None
        if self.pretrained != "auto":
            return Path(self.pretrained)
        path = Path(self.build) / pretrain_name(config, self.seed) / PRETRAIN_FILE
        return path if path.is_file() else None

    def _text_parser(self, config: Config) -> TextParser:
        """`make parser`'s parser: the file named, or the run's in build/ ("auto")."""
        if self.parser == "auto":
            run, _ = folder_names(Path(self.config or MAKE_CONFIG), config, self.seed)
            path = Path(self.build) / run / "parser.pt"
            if not path.is_file():
                raise ValueError(f"family {self.family} follows parse trees, and {path} does "
                                 f"not exist: run `make parser` with this config and seed, or "
                                 f"pass parser= a parser.pt")
            return load_text_parser(path)
        if not isinstance(self.parser, str | os.PathLike) or not Path(self.parser).is_file():
            raise ValueError(f'parser must be "auto" or the path of a parser.pt, got '
                             f"{self.parser!r}")
        try:
            return load_text_parser(Path(self.parser))
        except ArtifactError as err:
            raise ValueError(f"parser: {err.problem}") from None  # not ours to delete

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "trained_")
        return self.trained_.probabilities(_texts(X))

    def predict(self, X) -> np.ndarray:
        probs = self.predict_proba(X)  # first: an unfitted estimator says so
        return self.classes_[probs.argmax(1)]

    def tree(self, text: str) -> Tree:
        """The tree a greedy RAE builds of the sentence, or the parse tree a loaded folder of
        a family that follows trees (tree, rntn, treelstm) reads it by, every node labelled by
        its own prediction (a NodeLabel: the class name, with .prob)."""
        check_is_fitted(self, "trained_")
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}: {text!r:.60}")
        return self.trained_.answers([text], trees=True)[0]["tree"]

    def save(self, folder: str | Path) -> None:
        """A model folder (`make export`'s format); its card says it was not measured. It may
        replace an earlier model folder, never a file or a folder holding anything else."""
        check_is_fitted(self, "trained_")
        problem = destination_problem(Path(folder))
        if problem:
            raise ValueError(f"folder {problem}")
        name = Path(folder).name
        save_folder(self.trained_, Path(folder), model_card(self.trained_, name, None))

    @classmethod
    def load(cls, folder: str | Path, device: str = "auto") -> RAEClassifier:
        """An exported model folder, ready to predict; its classes_ are the class names."""
        on = resolve_device(device)  # first: a wrong device is named before any file is read
        trained = load_folder(Path(folder)).to(on)
        estimator = cls(family=trained.family.name, seed=trained.made_from.get("seed", 0),
                        device=device)
        estimator.trained_ = trained
        estimator.classes_ = np.asarray(trained.labels)
        return estimator


def _texts(X) -> list[str]:
    """Sentences as a list of str; a lone string is refused (it would be read as characters)."""
    if isinstance(X, str):
        raise TypeError("X must be a list of sentences, not one string; wrap it: [text]")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"every sentence in X must be a str, got {type(text).__name__} at "
                            f"X[{i}]: {text!r:.60}")
    return texts


def _check_dev_size(dev_size, sentences: int, classes: int) -> None:
    """A fraction in (0, 1) or a count of sentences, holding out what scikit-learn's stratified
    split accepts: at least one sentence of each class in dev and in train."""
    if isinstance(dev_size, numbers.Integral) and not isinstance(dev_size, bool):
        held_out = int(dev_size)
    elif isinstance(dev_size, numbers.Real) and 0 < dev_size < 1:
        held_out = math.ceil(dev_size * sentences)  # as train_test_split counts it
    else:
        raise ValueError(f"dev_size must be a fraction strictly between 0 and 1 or a count of "
                         f"sentences, got {dev_size!r}")
    if not classes <= held_out <= sentences - classes:
        raise ValueError(f"dev_size {dev_size!r} holds out {held_out} of {sentences} sentences; "
                         f"dev and the training part each need at least {classes} (one per "
                         f"class)")
