"""Run folders are named from the config's content, so configs never share one."""

from pathlib import Path

from pipeline.infra.config import parse_config
from pipeline.infra.paths import Layout, _for_make, folder_names, pretrain_name


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


def test_pretraining_in_several_processes_has_folders_of_its_own():
    """Its vectors agree with one process's only to float rounding, so neither its pretraining
    nor the runs and reports built on it may stand in for one process's."""
    config = parse_config({})
    one = folder_names(Path("a.toml"), config, 3)
    assert folder_names(Path("a.toml"), config, 3, nproc=1) == one  # today's names
    run, pretrain = folder_names(Path("a.toml"), config, 3, nproc=2)
    assert (run, pretrain) == (f"{one[0]}-nproc2", f"{one[1]}-nproc2")
    assert pretrain == pretrain_name(config, 3, 2)


def test_seeds_of_several_processes_are_gathered_apart():
    config = parse_config({})
    reports = {}
    for nproc in (1, 2):
        run, pretrain = folder_names(Path("a.toml"), config, 3, nproc)
        reports[nproc] = Layout(Path("b"), Path("r"), run, pretrain).seeds_report("mr-split")
    digest = config.digest()[:8]
    assert reports[1] == Path(f"r/mr-split/a-{digest}-seeds.json")
    assert reports[2] == Path(f"r/mr-split/a-{digest}-seeds-nproc2.json")


def test_make_passes_nproc_as_the_eighth_word():
    words = _for_make("tests/tiny.toml", "0", "mr", "text", "label", "", "")
    assert _for_make("tests/tiny.toml", "0", "mr", "text", "label", "", "", "1") == words
    two = _for_make("tests/tiny.toml", "0", "mr", "text", "label", "", "", "2")
    assert two[:2] == [f"{words[0]}-nproc2", f"{words[1]}-nproc2"] and two[2:] == words[2:]
