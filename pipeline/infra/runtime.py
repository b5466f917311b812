"""What every stage does first: pick the device, seed every generator."""

from __future__ import annotations

import random
import re

import numpy as np
import torch

from pipeline.infra.config import ConfigError

DEVICES = "auto, cpu, cuda or cuda:N"
DEVICE = re.compile(r"auto|cpu|cuda(:\d{1,4})?")


def device_name(name) -> str:
    """The form of a device, --device's and RAEClassifier(device=)'s alike; whether that GPU
    is there is for resolve_device to say. The reason follows the option's name."""
    if not (isinstance(name, str) and DEVICE.fullmatch(name)):
        raise ConfigError(f"must be {DEVICES}, got {name!r}")
    return name


def resolve_device(name: str) -> torch.device:
    try:
        device_name(name)
    except ConfigError as err:
        raise ConfigError(f"device {err}") from None
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {name} was asked for, but torch sees no CUDA device")
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise ConfigError(f"device {name} was asked for, but torch sees only "
                          f"{torch.cuda.device_count()} CUDA device(s)")
    return device


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
