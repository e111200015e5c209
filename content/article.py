"""The center's article, as the answers were written and reviewed against it.

`clonazepam-article.txt` is a copy of the center's article (the source of every fact the
assistant states). This module finds its sections and references, and maps the names the
answers' "Source:" lines use to the article's numbered references.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

ARTICLE_FILE = Path(__file__).with_name("clonazepam-article.txt")
REFERENCES_HEADING = "References"
# Reference numbers the article puts after a line: "... include:2,3,7".
TRAILING_REFERENCES = re.compile(r"[\d,]+$")
ARTICLE_ITSELF = "Empowered Recovery Center clonazepam guide"

# The names "Source:" lines use -> (the article's reference number, words its entry contains).
# None: the article's own text, not one of its references.
SOURCE_REFERENCES: dict[str, tuple[int, str] | None] = {
    "Mayo Clinic": (1, "Mayo Clinic"),
    "MedlinePlus": (2, "MedlinePlus"),
    "Cleveland Clinic": (3, "Clonazepam tablets"),
    "NCI EVS Explore": (4, "EVS Explore"),
    "DEA controlled substances list": (5, "Controlled Substances"),
    "DEA drug scheduling": (6, "Drug scheduling"),
    "StatPearls, 2023": (7, "StatPearls"),
    "Cleveland Clinic (tardive dyskinesia)": (8, "Tardive dyskinesia"),
    "Cleveland Clinic (GABA)": (9, "GABA"),
    "FDA Klonopin label, 2021": (11, "KLONOPIN"),
    "Szalavitz et al., Annals of Medicine, 2021": (12, "Szalavitz"),
    "Sarangi et al., Cureus, 2021": (13, "Sarangi"),
    "EBSCO (benzodiazepine abuse)": (14, "Benzodiazepine abuse"),
    ARTICLE_ITSELF: None,
}


@dataclass(frozen=True)
class Section:
    """A section of the article: its heading and its lines (1-based, inclusive)."""

    heading: str
    first_line: int
    last_line: int


def flat(text: str) -> str:
    """Text with typographic apostrophes made plain and runs of white space made one space."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


@functools.cache
def article_lines(path: Path = ARTICLE_FILE) -> tuple[str, ...]:
    """The article's lines, without line ends."""
    return tuple(path.read_text(encoding="utf-8").splitlines())


def is_heading(lines: tuple[str, ...], index: int) -> bool:
    """A short line on its own, between blank lines, that does not end a sentence or a lead-in."""
    line = TRAILING_REFERENCES.sub("", lines[index].strip()).rstrip()
    before = lines[index - 1].strip() if index > 0 else ""
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    return (
        bool(line)
        and not before
        and not after
        and len(line) <= 80
        and not line.startswith("\u2022")
        and not line.endswith((".", ":", "!"))
    )


@functools.cache
def sections(path: Path = ARTICLE_FILE) -> tuple[Section, ...]:
    """The article's sections in order; the first is its title."""
    lines = article_lines(path)
    starts = [index for index in range(len(lines)) if is_heading(lines, index)]
    found = []
    for number, start in enumerate(starts):
        end = starts[number + 1] - 1 if number + 1 < len(starts) else len(lines)
        while end > start and not lines[end - 1].strip():
            end -= 1
        found.append(Section(lines[start].strip(), start + 1, end))
    return tuple(found)


def section(heading: str, path: Path = ARTICLE_FILE) -> Section | None:
    """The section with this heading (exactly), if the article has one."""
    return next((found for found in sections(path) if found.heading == heading), None)


def contains(quote: str, path: Path = ARTICLE_FILE) -> bool:
    """Whether the article says `quote` word for word (apostrophes and spacing aside)."""
    return flat(quote) in flat("\n".join(article_lines(path)))


@functools.cache
def references(path: Path = ARTICLE_FILE) -> dict[int, str]:
    """The article's numbered references: {number: its text}."""
    lines = article_lines(path)
    heading = section(REFERENCES_HEADING, path)
    if heading is None:
        return {}
    entries = {}
    for line in lines[heading.first_line : heading.last_line]:
        number, dot, rest = line.strip().partition(". ")
        if dot and number.isdigit():
            entries[int(number)] = rest.strip()
    return entries


def source_names(source_line: str) -> list[str]:
    """'Source: Mayo Clinic; StatPearls, 2023.' -> ['Mayo Clinic', 'StatPearls, 2023']."""
    body = source_line.strip().removeprefix("Source:").strip().rstrip(".")
    return [name.strip() for name in body.split(";") if name.strip()]
