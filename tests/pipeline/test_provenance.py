"""Provenance names this project's own code: its commit only from its own checkout, and a digest
of the code that computes the numbers."""

import subprocess

from pipeline.infra import provenance


def test_a_copy_inside_another_repository_does_not_report_that_ones_commit(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=a", "-c", "user.email=a@b",
                    "commit", "-q", "--allow-empty", "-m", "another project"], check=True)
    installed = tmp_path / "site-packages"
    (installed / "data").mkdir(parents=True)
    monkeypatch.setattr(provenance, "ROOT", installed)
    provenance.git_commit.cache_clear()
    try:
        assert provenance.git_commit() == "unknown"
    finally:
        provenance.git_commit.cache_clear()


def test_the_code_digest_follows_the_computing_code(tmp_path, monkeypatch):
    for package in provenance.COMPUTING_CODE:
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "a.py").write_text("x = 1\n")
    (tmp_path / "evaluation").mkdir()
    monkeypatch.setattr(provenance, "ROOT", tmp_path)

    def digest() -> str:
        provenance.code_digest.cache_clear()
        return provenance.code_digest()

    try:
        first = digest()
        (tmp_path / "evaluation" / "report.py").write_text("y = 2\n")  # not computing code
        assert digest() == first
        (tmp_path / "models" / "a.py").write_text("x = 2\n")
        assert digest() != first
    finally:
        provenance.code_digest.cache_clear()
