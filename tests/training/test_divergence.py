import pytest
import torch

from models.word_rae import WordRAE
from training.divergence import TrainingDiverged, check_finite
from training.rae_pretrain import pretrain_rae
from training.schedule import Schedule
from training.supervised import train_supervised

CPU = torch.device("cpu")


def test_check_finite():
    assert check_finite(1.5, "here") == 1.5
    for bad in (float("nan"), float("inf")):
        with pytest.raises(TrainingDiverged, match="here: the loss became"):
            check_finite(bad, "here")


def test_a_nan_loss_stops_training_naming_the_epoch():
    model = torch.nn.Linear(2, 2)

    def nan_loss(model, batch):
        return model.weight.sum() * float("nan")

    with pytest.raises(TrainingDiverged, match="probe, epoch 1"):
        train_supervised(model, [2, 1], nan_loss, lambda m: 0.5,
                         Schedule(epochs=2, patience=1, batch_size=2, lr=1e-3, clip_norm=1.0),
                         seed=0, description="probe")


def test_pretraining_with_poisoned_vectors_stops():
    model = WordRAE(6, 3, 4)
    with torch.no_grad():
        model.embeddings.weight[2, 0] = float("inf")
    with pytest.raises(TrainingDiverged, match="linear RAE pretraining, epoch 1"):
        pretrain_rae(model, [[2, 3, 4]], epochs=1, batch_size=1, lr=1e-3, max_length=5, seed=0,
                     device=CPU)
