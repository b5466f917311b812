"""The binary constituency Tree-LSTM (Tai et al. 2015) along SST's trees: family treelstm.

Trained as Tai et al. train it ([treelstm]): memory 150, the cross-entropy of every phrase and
word through dropout 0.5, summed over a tree and averaged over a minibatch of 25 trees, L2
1e-4, AdaGrad at 0.05 for the network and 0.1 for the word vectors, which start from the
pretrained ones (skip-gram, or VECTORS=). Dev picks the epoch (and the word start, where the
config lists more than one).
"""

from __future__ import annotations

from models.tree_lstm import TreeLSTM, TreeLSTMConfig
from pipeline.families import phrase
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.config import Config


def build_model(config: Config, vocab_size: int, classes: int) -> TreeLSTM:
    return TreeLSTM(TreeLSTMConfig(vocab_size, config.embeddings.dim, config.treelstm.memory,
                                   classes))


def train_fold(fold: FoldInputs) -> tuple[dict, dict]:
    return phrase.train_fold(fold, "treelstm", lambda: build_model(
        fold.config, fold.vocab_size, fold.classes), fold.config.treelstm)


FAMILIES = (Family(
    name="treelstm", order=60, rows=("treelstm",), saved_row="treelstm",
    datasets=("sst2", "sst5"), needs_trees=True,
    about="treelstm: the binary constituency Tree-LSTM (Tai et al. 2015) along the parse "
          "trees, learning from the label of every phrase and word.",
    section="treelstm", build_model=build_model, train_fold=train_fold),)
