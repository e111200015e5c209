"""Staff labels as training and test data: `python -m review.cli export-training-data`.

Every label not exported yet (review.labels) goes to the file of its kind:

- `intent`: an example of its intent (`faq/<topic>` for an FAQ topic) in
  data/nlu_reviewed.yml, Rasa NLU training data;
- `emergency`, `crisis`, `false_alarm`: a safety test case (an emergency, a crisis, a
  near-miss) in tests/safety_reviewed.yml, or tests/safety_reviewed_es.yml when the
  conversation was answered in Spanish: the sections of the safety test sets, which
  tests/model/test_safety.py runs with them;
- `new_question`: a question of content/new_questions.yml (content.new_questions), for the
  content team (the content review sheet lists them).

The same run writes the conversations staff marked "make this a test" (review.conversation_tests)
as Rasa test stories in tests/test_stories_reviewed.yml (review.story_export, where the rules
are).

Each entry is the message's stored text (redacted by the tracker store before it was saved:
"call me at [PHONE]"), whitespace collapsed. Skipped, and counted: a text already in the
file or given by another label (all a new question is checked against); for training
examples a text already in the training data (every example of data/*.yml but the output
file, compared without case and extra whitespace), for safety cases also one of the safety
net's exemplars; for both a text of a held-out file (review.known_texts: tests and evaluation
sets must never be trained on, and a safety case already in a test set is not written twice;
a text written as a safety case in the same run counts as held out for the training
examples); a message gone (its conversation deleted by retention); an empty one, a button
payload ("/affirm") or a target no longer in the registry or domain.

The files are merged: what is already in them stays (a training example since added to
another training file or to a held-out file is dropped, and so is a safety case since added
to the training data or to another test set), so exports accumulate and an entry deleted by
hand is not written again (its label is marked exported). Training examples and safety cases
are preceded by the comment "# labelled YYYY-MM-DD", new questions have a `labelled` field:
the center's day it was labelled; never who labelled it.

This module holds the run: what goes where, in which order (export_training_data), and its
audit entry (record_export). Each file's format is its own module's: review.nlu_export (the training
examples), review.safety_export (the safety cases), content.new_questions, review.story_export
(with review.story_steps and review.story_file);
review.known_texts reads what is already trained on or held out, review.export_yaml writes the
quoted texts and date comments and replaces a file at once, review.export_report counts
(ExportReport, its summary and audit detail).

Output is counts only (no message text is printed or logged); every run is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from content.languages import ENGLISH, SPANISH
from content.new_questions import (
    NEW_QUESTIONS_FILE,
    NewQuestion,
    read_new_questions,
    render_new_questions,
)
from review import audit
from review.conversation_tests import mark_tests_exported, pending_test_marks
from review.export_report import ExportReport, OutputCounts
from review.export_yaml import write_at_once
from review.indexer import refresh_index
from review.known_texts import (
    ENTITY_MARKUP,
    exemplar_texts,
    held_out_texts,
    normalised,
    training_texts,
)
from review.labels import (
    INTENT,
    PROJECT_ROOT,
    PendingLabel,
    label_choices,
    mark_exported,
    pending_labels,
)
from review.nlu_export import Example, read_output, render, training_text
from review.safety_export import (
    SECTION_OF_KIND,
    SafetyCase,
    read_safety_cases,
    render_safety_cases,
    spanish_file,
)
from review.schema import messages
from review.story_export import plan_stories
from review.story_file import read_story_file

UTC = ZoneInfo("UTC")
DEFAULT_OUTPUT = PROJECT_ROOT / "data" / "nlu_reviewed.yml"
# The English cases; the Spanish ones go to the file beside it (spanish_file).
DEFAULT_SAFETY_OUTPUT = PROJECT_ROOT / "tests" / "safety_reviewed.yml"
DEFAULT_QUESTIONS_OUTPUT = NEW_QUESTIONS_FILE
# The conversations marked as tests, as Rasa test stories (review.story_export).
DEFAULT_STORIES_OUTPUT = PROJECT_ROOT / "tests" / "test_stories_reviewed.yml"
NEW_QUESTION = "new_question"


class NotACheckout(RuntimeError):
    """The export runs where the project's data/ and tests/ files are not (a container)."""


def _languages(engine: sa.engine.Engine, event_ids: Iterable[int]) -> dict[int, str]:
    """{event id: the language the visitor message was answered in}, as the index recorded it."""
    ids = sorted(set(event_ids))
    found: dict[int, str] = {}
    with engine.connect() as connection:
        for start in range(0, len(ids), 500):
            rows = connection.execute(
                sa.select(messages.c.event_id, messages.c.language).where(
                    messages.c.event_id.in_(ids[start : start + 500])
                )
            ).all()
            found.update({row.event_id: row.language for row in rows})
    return found


def _day(at: float, timezone: tzinfo) -> str:
    return datetime.fromtimestamp(at, timezone).date().isoformat()


def _usable(pending: PendingLabel, counts: OutputCounts) -> str | None:
    """The label's message as one line; None (counted) when it is gone or no message."""
    if pending.text is None:
        counts.gone += 1
        return None
    text = " ".join(pending.text.split())
    if not text or text.startswith("/"):
        counts.unusable += 1
        return None
    return text


def export_training_data(
    engine: sa.engine.Engine,
    output: Path = DEFAULT_OUTPUT,
    *,
    dry_run: bool = False,
    now: float,
    timezone: tzinfo = UTC,
    root: Path = PROJECT_ROOT,
    safety_output: Path | None = None,
    questions_output: Path | None = None,
    stories_output: Path | None = None,
) -> ExportReport:
    """Merges the pending labels and test marks into their files and marks them exported.

    `output`: the training examples; `safety_output`: the English safety cases (default
    tests/safety_reviewed.yml; the Spanish ones go to its spanish_file); `questions_output`:
    the new questions (default content/new_questions.yml); `stories_output`: the test
    stories of the conversations marked as tests (default tests/test_stories_reviewed.yml).
    """
    safety_output = safety_output or DEFAULT_SAFETY_OUTPUT
    questions_output = questions_output or DEFAULT_QUESTIONS_OUTPUT
    stories_output = stories_output or DEFAULT_STORIES_OUTPUT
    safety_files = {ENGLISH: safety_output, SPANISH: spanish_file(safety_output)}
    report = ExportReport(
        output,
        dry_run,
        safety_output=safety_output,
        questions_output=questions_output,
        stories_output=stories_output,
    )
    allowed = label_choices().targets
    # The safety cases are held out too: the files' own are checked apart (in_safety).
    held_out = held_out_texts(root, leave_out=safety_files.values())
    trained = training_texts(root, leave_out=output)
    if not held_out or not trained:
        raise NotACheckout(
            f"No training data or held-out test files under {root}: run export-training-data "
            "in a checkout of the repository, where data/ and tests/ are, so that what is "
            "already trained or held out is left out."
        )
    exemplars = exemplar_texts(root)

    # What the files hold already. A safety case goes before a training example equal to it.
    safety_kept: list[SafetyCase] = []
    in_safety: set[str] = set()
    for language, path in safety_files.items():
        for case in read_safety_cases(path, language):
            key = normalised(case.text)
            if key in held_out or key in trained or key in exemplars or key in in_safety:
                report.safety.dropped += 1
                continue
            in_safety.add(key)
            safety_kept.append(case)
    report.safety.kept = len(safety_kept)
    kept: list[Example] = []
    in_file: set[str] = set()
    for example in read_output(output):
        key = normalised(ENTITY_MARKUP.sub(r"\1", example.text))
        if (
            key in held_out
            or key in in_safety
            or key in trained
            or key in in_file
            or example.intent not in allowed
        ):
            report.dropped += 1
            continue
        in_file.add(key)
        kept.append(example)
    report.kept = len(kept)
    questions_kept: list[NewQuestion] = []
    in_questions: set[str] = set()
    for question in read_new_questions(questions_output):
        key = normalised(question.text)
        if key in in_questions:
            report.questions.dropped += 1
            continue
        in_questions.add(key)
        questions_kept.append(question)
    report.questions.kept = len(questions_kept)
    stories_file = read_story_file(stories_output)  # an invalid file stops the run here

    refresh_index(engine)  # the language each message was answered in
    pending = pending_labels(engine, kind=None)
    languages = _languages(engine, (item.label.event_id for item in pending))
    exported: list[int] = []

    # Safety cases first: a message one label makes a test case is never trained on.
    safety_added: list[SafetyCase] = []
    for item in pending:
        section = SECTION_OF_KIND.get(item.label.kind)
        text = _usable(item, report.safety) if section else None
        if section is None or text is None:
            continue
        key = normalised(text)
        if key in held_out:
            report.safety.held_out += 1
        elif key in in_safety or key in trained or key in exemplars or key in in_file:
            report.safety.already += 1
            exported.append(item.label.id)
        else:
            language = SPANISH if languages.get(item.label.event_id) == SPANISH else ENGLISH
            day = _day(item.label.at, timezone)
            safety_added.append(SafetyCase(section, text, day, language))
            report.safety_added[section] = report.safety_added.get(section, 0) + 1
            in_safety.add(key)
            exported.append(item.label.id)
    report.safety.added = len(safety_added)

    added: list[Example] = []
    for item in pending:
        label = item.label
        if label.kind != INTENT:
            continue
        if item.text is None:
            report.gone += 1
            continue
        text = training_text(item.text)
        if not text or text.startswith("/") or label.target not in allowed:
            report.unusable += 1
            continue
        key = normalised(text)
        if key in held_out or key in in_safety:
            report.held_out += 1
        elif key in trained or key in in_file:
            report.already_trained += 1
            exported.append(label.id)
        else:
            added.append(Example(label.target, text, _day(label.at, timezone)))
            in_file.add(key)
            exported.append(label.id)
    report.added = len(added)
    report.intents = {example.intent for example in (*kept, *added)}

    questions_added: list[NewQuestion] = []
    for item in pending:
        text = _usable(item, report.questions) if item.label.kind == NEW_QUESTION else None
        if text is None:
            continue
        key = normalised(text)
        if key in in_questions:
            report.questions.already += 1
        else:
            day = _day(item.label.at, timezone)
            spoken = languages.get(item.label.event_id)
            questions_added.append(NewQuestion(text=text, labelled=day, language=spoken))
            in_questions.add(key)
        exported.append(item.label.id)
    report.questions.added = len(questions_added)

    stories = plan_stories(
        engine, stories_file, pending_test_marks(engine), lambda at: _day(at, timezone)
    )
    report.stories = stories.counts

    if not dry_run:
        if added or kept or report.dropped or output.exists():
            write_at_once(output, render([*kept, *added]))
        cases = [*safety_kept, *safety_added]
        for language, path in safety_files.items():
            in_language = [case for case in cases if case.language == language]
            if in_language or path.exists():
                write_at_once(path, render_safety_cases(in_language, language))
        questions = [*questions_kept, *questions_added]
        if questions or questions_output.exists():
            write_at_once(questions_output, render_new_questions(questions))
        if stories.text is not None:
            write_at_once(stories_output, stories.text)
        report.marked = mark_exported(engine, exported, now)
        mark_tests_exported(engine, stories.exported, now)
    return report


def record_export(engine: sa.engine.Engine, actor: str, report: ExportReport) -> None:
    """The run's audit entry: where it wrote, and counts."""
    audit.record(
        engine,
        actor,
        "exported training data",
        target=str(report.output)[:255],
        detail=report.audit_detail(),
    )
