"""The shared pieces of every family's training: the choice of alpha and the head on fixed
features."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from training.early_stopping import Curve
from training.head import head_probabilities, refit_head_probabilities
from training.schedule import Schedule
from training.supervised import best_alpha, clip_gradients, train_supervised


def test_every_alpha_starts_from_the_same_initialisation_and_the_best_dev_wins():
    starts = []

    def new_model():
        model = nn.Linear(3, 2)
        starts.append(model.weight.detach().clone())
        torch.rand(5)  # training draws from the stream too; the next alpha must not see it
        return model

    dev = {0.1: [0.5, 0.6], 0.3: [0.7, 0.65], 0.5: [0.7]}
    (alpha, _, curve), scores = best_alpha(list(dev), 7, new_model,
                                           lambda model, a: Curve([0.0], dev[a], 0))
    assert all(torch.equal(starts[0], s) for s in starts[1:])
    assert alpha == 0.3 and curve.dev_accuracy == dev[0.3]  # ties keep the earlier alpha
    assert scores == {"0.1": 0.6, "0.3": 0.7, "0.5": 0.7}


def test_head_on_separable_features_predicts_the_dev_and_test_parts():
    rng = np.random.default_rng(0)
    labels = {part: rng.integers(0, 2, 40) for part in ("train", "dev", "test")}
    features = {part: torch.tensor(np.c_[2.0 * y - 1, rng.normal(0, 0.1, 40)], dtype=torch.float)
                for part, y in labels.items()}
    torch.manual_seed(0)
    probs, curve = head_probabilities(nn.Linear(2, 2), features, labels, 200, 0.05, 20)
    for part in ("dev", "test"):
        assert probs[part].shape == (40, 2) and torch.allclose(probs[part].sum(1), torch.ones(40))
        assert (probs[part].argmax(1).numpy() == labels[part]).mean() == 1.0
    assert curve.dev_accuracy[curve.best_epoch] == 1.0


def test_without_dev_every_epoch_runs_and_the_last_is_kept():
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    x, y = torch.randn(16, 2), torch.randn(16, 1)
    states = []

    def batch_loss(model, batch):
        states.append(model.weight.detach().clone())
        return ((model(x[batch]) - y[batch]) ** 2).mean()

    curve = train_supervised(model, [1] * 16, batch_loss, None, Schedule(5, 1, 16, 0.1, 1.0), 0,
                             "refit")
    assert len(curve.train_loss) == 5 and curve.best_epoch == 4 and len(states) == 5
    assert not torch.equal(model.weight, states[-1])  # the last step's update is kept


def test_a_refit_head_takes_the_steps_it_is_given():
    features = {"train": torch.randn(20, 3), "test": torch.randn(7, 3)}
    labels = {"train": np.arange(20) % 2}
    heads, losses = [], []
    for steps in (1, 30):
        torch.manual_seed(0)
        heads.append(nn.Linear(3, 2))
        probs = refit_head_probabilities(heads[-1], features, labels, steps, 0.1)
        assert probs.shape == (7, 2) and torch.allclose(probs.sum(1), torch.ones(7))
        losses.append(nn.functional.cross_entropy(heads[-1](features["train"]),
                                                  torch.as_tensor(labels["train"])).item())
    assert not torch.equal(heads[0].weight, heads[1].weight)
    assert losses[1] < losses[0]  # the 29 further steps trained on the train part


@pytest.mark.parametrize("max_norm", [1e-3, 1e6])
def test_clipping_sparse_gradients_equals_clipping_their_dense_copies(max_norm):
    torch.manual_seed(0)
    sparse = torch.nn.Sequential(torch.nn.Embedding(30, 4, sparse=True), torch.nn.Linear(4, 2))
    dense = copy.deepcopy(sparse)
    dense[0].sparse = False
    words = torch.tensor([[3, 7, 7, 12]])
    for model in (sparse, dense):
        model(words).pow(2).sum().backward()
    assert sparse[0].weight.grad.is_sparse
    clip_gradients(sparse, max_norm)
    clip_gradients(dense, max_norm)
    for mine, theirs in zip(sparse.parameters(), dense.parameters(), strict=True):
        assert torch.allclose(mine.grad.to_dense(), theirs.grad, rtol=1e-6, atol=1e-9)
