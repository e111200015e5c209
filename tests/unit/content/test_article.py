"""The article copy the answers are checked against: its sections, references and quotes."""

from content.article import (
    SOURCE_REFERENCES,
    article_lines,
    contains,
    references,
    section,
    sections,
    source_names,
)


def test_sections_are_the_articles_headings_in_order() -> None:
    headings = [found.heading for found in sections()]
    assert headings[1:4] == [
        "What is Clonazepam (Klonopin)?",
        "What is Clonazepam Used for?",
        "How Does Clonazepam Work?",
    ]
    # Lead-ins to a list ("... include:2,3,7") are not headings.
    assert not any(heading.endswith(":") or "include" in heading for heading in headings)


def test_a_section_runs_to_the_line_before_the_next_heading() -> None:
    overdose = section("Can I Overdose on Clonazepam?")
    assert overdose is not None
    lines = article_lines()[overdose.first_line - 1 : overdose.last_line]
    assert lines[0] == "Can I Overdose on Clonazepam?"
    assert "call 911 immediately" in lines[-1]
    assert section("Not a heading") is None


def test_quotes_are_found_whatever_the_apostrophes_and_line_breaks() -> None:
    assert contains("it's not recommended to stop using a benzodiazepine like\nclonazepam")
    assert not contains("it is safe to stop clonazepam on your own")


def test_every_source_name_stands_for_the_article_reference_it_says() -> None:
    entries = references()
    assert len(entries) == 14
    for name, reference in SOURCE_REFERENCES.items():
        if reference is not None:
            number, words = reference
            assert words.lower() in entries[number].lower(), name


def test_a_source_line_splits_into_its_names() -> None:
    line = "Source: Empowered Recovery Center clonazepam guide; Cleveland Clinic (GABA)."
    assert source_names(line) == [
        "Empowered Recovery Center clonazepam guide",
        "Cleveland Clinic (GABA)",
    ]
