"""The batched, level-by-level RNTN and Tree-LSTM equal their recursive one-tree references:
every node's vector, the loss and its gradients."""

import math

import numpy as np
import pytest
import torch

from data.trees import TreeBatch
from models import rntn, tree_lstm
from pipeline.infra.config import RNTNSection
from training.optimizer import adagrad
from training.parse_tree import (
    l2_penalty,
    phrase_loss,
    reference_phrase_cross_entropy,
    train_phrase_tree,
)

CPU = torch.device("cpu")
L2 = {"compose": 1e-3, "classifier": 1e-4, "words": 1e-4}
MODELS = {
    "rntn": (lambda: rntn.RNTN(rntn.RNTNConfig(vocab_size=50, dim=6, classes=5)),
             rntn.reference_nodes),
    "treelstm": (lambda: tree_lstm.TreeLSTM(tree_lstm.TreeLSTMConfig(50, dim=5, memory=7,
                                                                     classes=5)),
                 tree_lstm.reference_nodes),
}


def _trees(random_tree, seed=0, count=30):
    rng = np.random.default_rng(seed)
    trees = [random_tree(rng, int(n), 50) for n in rng.integers(1, 14, count)]
    for tree in trees:  # five classes, some nodes unlabelled
        tree.node_labels = rng.integers(-1, 5, len(tree.node_labels)).tolist()
    return trees


@pytest.mark.parametrize("name", MODELS)
def test_every_node_equals_the_recursive_reference(name, random_tree):
    new_model, reference_nodes = MODELS[name]
    torch.manual_seed(0)
    model, trees = new_model(), _trees(random_tree)
    batch = TreeBatch.build(trees, CPU)
    table = model(batch).table
    for tree, rows in zip(trees, batch.node_rows, strict=True):
        assert torch.allclose(table[rows], torch.stack(reference_nodes(model, tree)), atol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_loss_and_gradients_equal_the_mean_of_the_references(name, random_tree):
    new_model, reference_nodes = MODELS[name]
    torch.manual_seed(1)
    model, trees = new_model().double(), _trees(random_tree, seed=1)
    batch = TreeBatch.build(trees, CPU)
    batched = phrase_loss(model, batch, 0.0, L2)
    batched_grads = torch.autograd.grad(batched, list(model.parameters()))
    references = torch.stack([reference_phrase_cross_entropy(model, tree, reference_nodes)
                              for tree in trees]).mean()
    references = references + l2_penalty(model, L2, torch.tensor([w for t in trees
                                                                  for w in t.leaves]))
    reference_grads = torch.autograd.grad(references, list(model.parameters()))
    assert torch.allclose(batched, references, rtol=1e-10)
    for batched_grad, reference_grad in zip(batched_grads, reference_grads, strict=True):
        assert torch.allclose(_dense(batched_grad), _dense(reference_grad), rtol=1e-9,
                              atol=1e-12)


def _dense(gradient: torch.Tensor) -> torch.Tensor:
    return gradient.to_dense() if gradient.is_sparse else gradient


@pytest.mark.parametrize("name", MODELS)
def test_a_training_step_moves_only_the_batchs_word_vectors(name, random_tree):
    """The word vectors' gradient is sparse, so AdaGrad steps the batch's rows alone."""
    new_model, _ = MODELS[name]
    torch.manual_seed(2)
    model, trees = new_model(), _trees(random_tree, seed=2, count=3)
    before = model.embeddings.weight.detach().clone()
    optimizer = adagrad(model, 0.1, 0.1)
    phrase_loss(model, TreeBatch.build(trees, CPU), 0.0, L2).backward()
    assert model.embeddings.weight.grad.is_sparse
    optimizer.step()
    moved = (model.embeddings.weight != before).any(1).nonzero().flatten()
    assert moved.tolist() == sorted({w for tree in trees for w in tree.leaves})


def test_the_rntn_starts_as_corenlp_starts_it():
    """Each d x d block of W is the identity plus noise in ±1/(2√d), so a parent starts near
    tanh of its children's sum; V is in ±1/(4d); no bias."""
    torch.manual_seed(0)
    d = 25
    model = rntn.RNTN(rntn.RNTNConfig(vocab_size=10, dim=d))
    noise = model.compose.weight - torch.eye(d).repeat(1, 2)
    assert noise.abs().max() <= 1 / (2 * d**0.5) and noise.abs().max() > 0.09
    assert model.tensor.abs().max() <= 1 / (4 * d) and model.compose.bias.eq(0).all()


def test_only_a_batchs_words_are_penalised():
    torch.manual_seed(0)
    model = rntn.RNTN(rntn.RNTNConfig(vocab_size=10, dim=3))
    words = torch.tensor([4, 2, 4])
    penalty = l2_penalty(model, {"compose": 0.0, "classifier": 0.0, "words": 2.0}, words)
    (gradient,) = torch.autograd.grad(penalty, [model.embeddings.weight])
    assert torch.allclose(penalty, model.embeddings.weight[[2, 4]].pow(2).sum())
    assert _dense(gradient).abs().sum(1).nonzero().flatten().tolist() == [2, 4]


@pytest.mark.parametrize("name", MODELS)
def test_training_as_classify_trains_them(name, random_tree):
    """train_phrase_tree: AdaGrad on the sparse word gradients, clipped, restarted each epoch,
    early stopping on the dev roots."""
    new_model, _ = MODELS[name]
    torch.manual_seed(3)
    model, trees = new_model(), _trees(random_tree, seed=3, count=20)
    section = RNTNSection(epochs=2, patience=2, batch_size=5, clip_norm=0.5)
    dev = (trees[:5], np.array([tree.node_labels[-1] for tree in trees[:5]]))
    curve = train_phrase_tree(model, trees, dev, section, 0, CPU)
    assert len(curve.train_loss) == 2 and all(map(math.isfinite, curve.train_loss))
