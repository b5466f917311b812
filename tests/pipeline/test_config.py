import pytest

from pipeline.infra.config import Config, ConfigError, load_config, parse_config


def test_defaults_and_partial_overrides():
    config = parse_config({"rae": {"hidden": 50}, "classify": {"alphas": [0, 0.5]}})
    assert config.rae.hidden == 50
    assert config.rae.epochs == Config().rae.epochs
    assert config.classify.alphas == [0.0, 0.5]
    assert isinstance(config.classify.lr, float)


@pytest.mark.parametrize("values, named", [
    ({"rae": {"hiden": 5}}, "rae.hiden"),
    ({"model": {}}, "model"),
    ({"rae": {"hidden": "big"}}, "rae.hidden"),
    ({"rae": {"hidden": 2.5}}, "rae.hidden"),
    ({"rae": {"hidden": True}}, "rae.hidden"),
    ({"rae": {"hidden": 0}}, "rae.hidden"),
    ({"rae": {"lr": -0.1}}, "rae.lr"),
    ({"classify": {"alphas": [0.2, 1.5]}}, "classify.alphas"),
    ({"classify": {"alphas": []}}, "classify.alphas"),
    ({"classify": {"dropout": 1.0}}, "classify.dropout"),
    ({"rae": 3}, "rae"),
    ({"rae": {"hidden": {"a": 1}}}, "rae.hidden"),
])
def test_bad_values_are_rejected_naming_the_key(values, named):
    with pytest.raises(ConfigError, match=f"'{named}'"):
        parse_config(values)


def test_files(tmp_path):
    assert load_config("configs/default.toml") == Config()  # the shipped file holds the defaults
    broken = tmp_path / "broken.toml"
    broken.write_text("[rae\nhidden = 3")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")


def test_digest_follows_values():
    assert Config().digest() == parse_config({}).digest()
    assert Config().digest() != parse_config({"rae": {"hidden": 7}}).digest()


def test_cuda_without_a_gpu_is_a_config_error(monkeypatch):
    import torch

    from pipeline.infra.runtime import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="no CUDA device"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"
