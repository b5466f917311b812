"""Run folders are named from the config's content, so configs never share one."""

from pathlib import Path

from pipeline.infra.config import parse_config
from pipeline.infra.paths import folder_names


def test_two_configs_of_one_name_get_two_run_folders():
    a = folder_names(Path("tests/tiny.toml"), parse_config({}), 0)
    b = folder_names(Path("elsewhere/tiny.toml"), parse_config({"rae": {"hidden": 8}}), 0)
    assert a[0] != b[0] and a[1] != b[1]
    assert a[0].startswith("tiny-") and a[0].endswith("-seed0")


def test_configs_that_differ_after_pretraining_share_the_pretraining():
    a = folder_names(Path("a.toml"), parse_config({}), 3)
    b = folder_names(Path("a.toml"), parse_config({"classify": {"epochs": 1}}), 3)
    assert a[0] != b[0] and a[1] == b[1] and a[1].endswith("-seed3")


def test_equal_content_gives_equal_digests_whatever_the_spelling():
    spelled_out = parse_config({"rae": {"hidden": 200, "lr": 1e-3}})  # the defaults
    assert folder_names(Path("x.toml"), spelled_out, 0) == folder_names(
        Path("x.toml"), parse_config({}), 0)
