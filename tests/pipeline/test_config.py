import dataclasses

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


@pytest.mark.parametrize("values, named", [
    ({"rae": {"hidden": 100_000}}, "rae.hidden"),
    ({"embeddings": {"window": 10**9}}, "embeddings.window"),
    ({"embeddings": {"negatives": 10**9}}, "embeddings.negatives"),
    ({"data": {"min_count": 10**9}}, "data.min_count"),
    ({"data": {"max_length": -5}}, "data.max_length"),
    ({"rae": {"lr": float("nan")}}, "rae.lr"),
    ({"rae": {"lr": float("inf")}}, "rae.lr"),
    ({"classify": {"alphas": [1.0]}}, "classify.alphas"),
])
def test_values_past_their_bounds_are_rejected(values, named):
    with pytest.raises(ConfigError, match=f"'{named}'"):
        parse_config(values)


def _scalar_fields():
    for section in dataclasses.fields(Config):
        for f in dataclasses.fields(section.default_factory):
            if f.type in ("int", "float"):
                yield section.name, f.name, f.type


@pytest.mark.parametrize("section, name, kind", list(_scalar_fields()))
def test_every_number_has_an_upper_bound(section, name, kind):
    huge = 10**12 if kind == "int" else 1e12
    with pytest.raises(ConfigError, match=f"'{section}.{name}'"):
        parse_config({section: {name: huge}})


def test_fields_in_range_that_together_do_not_fit_memory_are_refused(monkeypatch):
    from pipeline.infra import memory

    monkeypatch.setattr(memory, "machine_memory", lambda: 2 * 2**30)  # a 2 GiB machine
    parse_config({})  # the defaults fit
    with pytest.raises(ConfigError, match=r"need about 2\.1 GiB.*rae.hidden = 4000"):
        parse_config({"rae": {"hidden": 4000}})
    # A model file knows its vocabulary: a small one leaves room for wider vectors.
    wide = {"embeddings": {"dim": 600}}
    with pytest.raises(ConfigError, match="skip-gram's two tables of 100,000 words"):
        parse_config(wide)
    assert parse_config(wide, vocab_size=1000).embeddings.dim == 600


def test_a_config_that_is_a_folder_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="is a folder, not a TOML file"):
        load_config(tmp_path)


def test_a_device_is_checked_by_one_rule_for_the_command_line_and_the_api(monkeypatch, capsys):
    import torch

    from pipeline.__main__ import main
    from pipeline.infra.runtime import device_name, resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    names = ["auto", "cpu", "cuda", "cuda:1"]
    assert [device_name(name) for name in names] == names
    with pytest.raises(ConfigError, match=r"^device must be auto, cpu, cuda or cuda:N, got 'tpu'$"):
        resolve_device("tpu")  # RAEClassifier(device=...) meets it here, as a ValueError
    with pytest.raises(ConfigError, match="^device cuda:1 was asked for, but torch sees no CUDA"):
        resolve_device("cuda:1")
    with pytest.raises(SystemExit) as exited:
        main(["prepare", "--device", "tpu"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == ("error: argument --device: must be auto, cpu, cuda or "
                                       "cuda:N, got 'tpu' (see python -m pipeline prepare "
                                       "--help)\n")
