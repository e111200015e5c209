"""The semantic safety net's exemplars and labelled messages: valid, apart from held-out sets."""

from __future__ import annotations

import pytest

from content.languages import SPANISH
from content.yaml_schema import load_yaml_file
from devtools.project_files import HELD_OUT_FILES as HELD_OUT_NLU_FILES
from devtools.project_files import (
    PROJECT_ROOT,
    REVIEWED_SAFETY_FILES,
    SAFETY_TEST_FILES,
    examples_by_intent,
    load_yaml,
)
from nlu_components.labelled_messages import read_labelled_messages
from nlu_components.language_detector import detect_language
from nlu_components.safety_exemplars import DEFAULT_EXEMPLARS_FILE, ExemplarFile, read_exemplars

GROUPS = load_yaml_file(DEFAULT_EXEMPLARS_FILE, ExemplarFile).groups
# The test split and current dev split of the independent sets (tests/independent/*.yml), and
# the project's own safety sets, and the safety cases from staff labels.
HELD_OUT_FILES = (
    *sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "tests" / "independent").glob("*.yml")
    ),
    *SAFETY_TEST_FILES.values(),
    *REVIEWED_SAFETY_FILES.values(),
)


def normalised(text: str) -> str:
    return " ".join(text.lower().strip(" ?.!¿¡").split())


def held_out_texts() -> set[str]:
    found: set[str] = set()
    for path in HELD_OUT_FILES:
        for section in (load_yaml(path) or {}).values():
            for item in section if isinstance(section, list) else []:
                found.add(normalised(item if isinstance(item, str) else item["text"]))
    return found


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.id)
def test_every_group_has_english_and_spanish_examples(group) -> None:  # type: ignore[no-untyped-def]
    spanish = sum(detect_language(text)[0] == SPANISH for text in group.examples)
    assert spanish >= 3, f"{group.id}: only {spanish} Spanish examples"
    assert len(group.examples) - spanish >= 3, f"{group.id}: too few English examples"


def test_every_route_has_groups_and_informational_examples_are_many() -> None:
    routes = [exemplar.route for exemplar in read_exemplars()]
    assert {"emergency", "crisis", "extra_dose", "informational"} <= set(routes)
    # The near-misses keep false alarms rare: at least as many as the safety examples.
    assert routes.count("informational") >= len(routes) - routes.count("informational")


def test_no_exemplar_is_copied_from_a_held_out_set() -> None:
    held_out = held_out_texts()
    copied = [e.text for e in read_exemplars() if normalised(e.text) in held_out]
    assert copied == []


def test_no_training_example_is_copied_from_the_independent_sets() -> None:
    from devtools.project_files import training_examples

    training = {normalised(t) for ts in training_examples().values() for t in ts}
    held_out = held_out_texts()
    assert sorted(training & held_out) == []


def test_no_labelled_message_is_a_held_out_message() -> None:
    # The test split, the current dev split and the project's own held-out sets stay unseen
    # by the semantic net: a labelled message identical to one of theirs would be an answer key.
    held_out = held_out_texts() | {
        normalised(text)
        for path in HELD_OUT_NLU_FILES.values()
        for texts in examples_by_intent(path).values()
        for text in texts
    }
    labelled = read_labelled_messages()
    assert len(labelled) > 2000  # the served dev splits are there
    assert sorted({e.text for e in labelled if normalised(e.text) in held_out}) == []
