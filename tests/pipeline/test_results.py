"""The results of record and the docs' tables: every table in README.md and docs/ is what
results/ generates, and no accuracy table is typed by hand."""

from pipeline import results
from pipeline.infra.provenance import code_digest

MADE = {"seed": 0, "git_commit": "0123456789abcdef", "code_digest": "feedfacecafe",
        "versions": {"torch": "2.13.0+cpu"}, "cpu": "a CPU", "threads": 2, "date": "2026-12-04"}


def _result(dataset: str, protocol: str, seeds: list[int]) -> dict:
    means = {str(s): 0.75 + s / 100 for s in seeds}
    return {"task": f"{dataset}-{protocol}", "dataset": dataset, "protocol": protocol,
            "seeds": seeds, "model": "all",
            "models": {"greedy-rae": {"accuracy": 0.76, "std": 0.012, "seed_means": means,
                                      "std_of_seed_means": 0.01 if len(seeds) > 1 else None,
                                      "test_sets": 10 * len(seeds)}},
            "other_measures": {"greedy-rae": {"negation": {"mean": 0.7, "std": None,
                                                            "seeds": 1}}},
            "made": [{**MADE, "seed": s} for s in seeds]}


RESULTS = {"mr-cv10": _result("mr", "cv10", [0, 1, 2]), "cr-cv10": _result("cr", "cv10", [0])}


def test_the_headline_has_a_column_per_task_and_says_what_its_spread_is():
    lines = results.render("headline", RESULTS)
    assert lines[0] == "| model | MR (cv10, 3 seeds) | CR (cv10, seed 0) |"
    # three seeds: ± the std of their means; one seed: ± the std over its folds
    assert lines[2] == "| greedy-rae | 76.0 ± 1.0 | 76.0 ± 1.2 |"
    assert f"this checkout's is {code_digest()}" in lines[-1]  # made by other code


def test_a_task_table_gives_each_seeds_mean():
    lines = results.render("task mr-cv10", RESULTS)
    assert "| greedy-rae | 76.0 | 1.2 | 75.0 | 76.0 | 77.0 |" in lines
    assert results.render("task sst2-split", RESULTS) == [results.tables.MISSING]


def test_provenance_says_when_the_code_has_changed_since():
    lines = results.render("provenance", RESULTS)
    assert any("| mr-cv10 | 0, 1, 2 | 2026-12-04 | 0123456789 | feedfacecafe | 2 |" in line
               for line in lines)
    assert f"this checkout's is {code_digest()}" in lines[-1]


def test_a_stale_block_and_a_hand_typed_table_are_found_and_the_block_regenerated(tmp_path):
    doc = tmp_path / "README.md"
    doc.write_text("# Title\n\n<!-- generated: task mr-cv10 -->\n| model | accuracy % |\n"
                   "<!-- end generated -->\n\n| model | accuracy % |\n| --- | --- |\n"
                   "| greedy-rae | 77.5 |\n\n| stage | seconds |\n| --- | --- |\n")
    problems = results.check_docs([doc], RESULTS)
    assert problems == [
        "README.md line 3: the 'task mr-cv10' table is not what results/ generates",
        "README.md line 7: an accuracy table typed by hand; generate it from results/"]
    assert results.write_tables([doc], RESULTS) == [doc]
    (left,) = results.check_docs([doc], RESULTS)  # the hand-typed table, lines further down
    assert left.endswith("an accuracy table typed by hand; generate it from results/")
    assert "| greedy-rae | 76.0 | 1.2 | 75.0 | 76.0 | 77.0 |" in doc.read_text()


def test_every_table_in_the_readme_and_docs_is_what_results_generates():
    assert results.check_docs(results.docs_files(), results.load_results()) == []
