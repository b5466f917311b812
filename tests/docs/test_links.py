"""Every relative link in README.md and docs/ reaches a file, and every #anchor a heading of it,
named as GitHub names them: the pages move text between them, and a link left behind fails
here rather than in a newcomer's browser."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCED_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.MULTILINE)


def slug(heading: str) -> str:
    """GitHub's anchor: lower case, punctuation dropped (hyphens and underscores kept), each
    space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors(page: Path) -> Iterator[str]:
    """A second heading of the same name gets -1, a third -2, as on GitHub."""
    seen: dict[str, int] = {}
    for heading in HEADING.findall(FENCED_BLOCK.sub("", page.read_text())):
        name = slug(heading)
        seen[name] = seen.get(name, -1) + 1
        yield name if seen[name] == 0 else f"{name}-{seen[name]}"


def broken_links(page: Path) -> list[str]:
    text = FENCED_BLOCK.sub("", page.read_text())
    # a link's text may be a code span ([`make bench`](...)); a span's own brackets are no link
    text = CODE_SPAN.sub(lambda span: "x" * len(span.group()), text)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path) if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md"
                                   and anchor not in set(anchors(linked))):
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_reaches_a_file_and_its_heading(page):
    assert broken_links(page) == [], f"{page.relative_to(ROOT)}: links that lead nowhere"


def test_a_missing_file_a_missing_heading_and_a_renamed_one_are_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## `make bench` and rae+nbsvm\n\n## Runs\n"
                                       "\n## Runs\n")
    page = tmp_path / "page.md"
    page.write_text("[a](other.md#make-bench-and-raenbsvm) [b](other.md#runs-1) [c](#top)\n"
                    "[d](gone.md) [e](other.md#speed) [f](https://example.org/#x)\n"
                    "```\n[g](also-gone.md)\n```\n# Top\n")
    assert broken_links(page) == ["gone.md", "other.md#speed"]
