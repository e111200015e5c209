"""Messages written and labelled by independent writers: more examples for the semantic net.

The dev splits of #15 (nlu_components/labelled_messages/*.yml) were written by independent
writers who read only the article and the topic keys, each file measured once before anything was
tuned on it, then tuned on. A leave-one-writer-out test (scripts/tune_semantic_safety.py)
showed what they are worth as examples: with the other ten writers' messages in its bank, the
semantic net alone routed 94 % of the left-out writer's emergencies and crises instead of
83 %, and a twelfth writer's first-reply misses went from 11 of 105 to 3; with the twelfth
writer's messages served too, a thirteenth writer's went from 4 of 105 to 2 (serving the
thirteenth changed none of a fourteenth writer's: docs/safety-evaluation.md). So once a dev
split has served, its file moves here and the net's bank holds its messages with the route
of their section:

- emergencies -> emergency; crises and lethal-dose questions -> crisis (988 first);
- extra doses -> extra_dose;
- near-misses and questions -> informational (they keep false alarms rare).

No message identical to a held-out one may be here (tests/data_checks/test_safety_exemplars.py):
the test split and the current dev split stay unseen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Literal, Sequence, Tuple

from content.yaml_schema import SchemaModel, Text, load_yaml_file
from nlu_components.safety_exemplars import INFORMATIONAL, Exemplar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRECTORY = Path(__file__).with_name("labelled_messages")
# The label of a question the article does not answer.
NO_ANSWER = "none"
ROUTE_OF_SECTION: Dict[str, str] = {
    "emergencies": "emergency",
    "crises": "crisis",
    "lethal_dose_questions": "crisis",
    "extra_dose": "extra_dose",
    "near_misses": INFORMATIONAL,
    "questions": INFORMATIONAL,
}
# What staff read as the nearest example's `why` (the parse data never holds the text).
WHY_OF_SECTION: Dict[str, str] = {
    "emergencies": "A message an independent writer labelled an emergency happening now.",
    "crises": "A message an independent writer labelled a suicidal crisis.",
    "lethal_dose_questions": "A question an independent writer labelled as asking a lethal dose.",
    "extra_dose": "A message an independent writer labelled an accidental extra dose.",
    "near_misses": "A message an independent writer labelled as sounding alarming but not one.",
    "questions": "A question an independent writer labelled with its answer.",
}


class LabelledMessage(SchemaModel):
    """One message: its text and language; the writer's own labels are kept, not used."""

    text: Text
    lang: Literal["en", "es"]
    kind: str | None = None
    topic: str | List[str] | None = None
    style: str | None = None


class LabelledFile(SchemaModel):
    """One writer's file: any of the sections, each a list of messages."""

    emergencies: List[LabelledMessage] = []
    crises: List[LabelledMessage] = []
    lethal_dose_questions: List[LabelledMessage] = []
    extra_dose: List[LabelledMessage] = []
    near_misses: List[LabelledMessage] = []
    questions: List[LabelledMessage] = []


def message_files(directory: Path | None) -> List[Path]:
    """The directory's files, in a fixed order (none without a directory)."""
    return sorted(directory.glob("*.yml")) if directory and directory.is_dir() else []


def configured_files(config: Dict[str, Any]) -> List[Path]:
    """The files of a component's `labelled_messages` directory, from the project's root."""
    path = config.get("labelled_messages")
    return message_files(PROJECT_ROOT / path if path else None)


def read_message_files(files: Sequence[Path]) -> List[Exemplar]:
    """Every message of the files, as exemplars of its section's route."""
    exemplars = []
    for path in files:
        loaded = load_yaml_file(path, LabelledFile)
        for section, route in ROUTE_OF_SECTION.items():
            exemplars += [
                Exemplar(message.text, route, f"{path.stem}:{section}", WHY_OF_SECTION[section])
                for message in getattr(loaded, section)
            ]
    return exemplars


def answer_label(topic: str | List[str] | None) -> str:
    """The NLU label of a writer's topic: `faq/<topic>`, `ask_interaction`, or `none`.

    A question labelled with two answers counts as its first; `none` (or no topic) is a
    question the article does not answer.
    """
    first = topic[0] if isinstance(topic, list) and topic else topic
    if not first or first == "none":
        return NO_ANSWER
    return "ask_interaction" if first == "interaction" else f"faq/{first}"


def read_labelled_questions(files: Sequence[Path]) -> List[Tuple[str, str]]:
    """Every question of the files with the label of its answer (answer_label)."""
    return [
        (message.text, answer_label(message.topic))
        for path in files
        for message in load_yaml_file(path, LabelledFile).questions
    ]


def read_labelled_messages(directory: Path = DEFAULT_DIRECTORY) -> List[Exemplar]:
    """Every message of the directory's files."""
    return read_message_files(message_files(directory))


def messages_digest(files: Sequence[Path]) -> str:
    """The sha256 of the files' names and bytes: whether stored vectors are still theirs."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
