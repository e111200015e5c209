"""Conversations marked "make this a test" exported as Rasa test stories (review.story_export).

Through `export_training_data` and the CLI (#19). The conversations are stored by the bot's
own redacting tracker store, so the stories can only hold what it stored; the file is read
back with Rasa's own story reader and importer against the real domain. On SQLite and on a
real PostgreSQL. The steps (review.story_steps) and the story file (review.story_file) too.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.importers.importer import TrainingDataImporter

from content.yaml_schema import InvalidYamlFile
from devtools.project_files import CONVERSATION_TEST_FILES, PROJECT_ROOT
from review import (
    cli,
    conversation_tests,
    export_report,
    known_texts,
    labels,
    story_export,
    story_file,
    story_steps,
    training_export,
)
from review.schema import audit_log, create_tables, events, marked_tests
from storage.tracker_store import RedactingSQLTrackerStore
from tests.support.review_data import CENTER_TIME, at, bot, new_session, reset_database, slot

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
START = at("2026-12-05")
MARKED_AT = at("2026-12-06", "09:30")
AUTHOR = "ana.diaz@center.example"
PHONE = "816-555-0142"  # fictional; the redacting store keeps only [PHONE]
HABIT = f"is klonopin habit forming, call me at {PHONE}"
HABIT_STORED = "is klonopin habit forming, call me at [PHONE]"
XANAX = "can i take klonopin with my xanax"
OVERDOSE = "my brother took all his pills and wont wake up"
COFFEE = "is it bad to take klonopin with coffee"
# The export's real default (each test gets one in tmp_path: conftest.py's outputs_in_tmp).
SHIPPED = training_export.DEFAULT_STORIES_OUTPUT


def said(
    text: str,
    intent: str,
    timestamp: float,
    entities: Sequence[dict[str, Any]] = (),
    confidence: float = 0.93,
) -> UserUttered:
    """A visitor message as Rasa parsed it (faq/<topic>: with the response selector's key)."""
    name, _, topic = intent.partition("/")
    parse_data: dict[str, Any] = {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "entities": list(entities),
    }
    if topic:
        parse_data["response_selector"] = {
            name: {"response": {"intent_response_key": intent, "confidence": confidence}}
        }
    return UserUttered(text, parse_data["intent"], list(entities), parse_data, timestamp=timestamp)


def did(timestamp: float, *names: str) -> list[Event]:
    """The bot's actions of a turn, then action_listen (the turn is over)."""
    return [ActionExecuted(name, timestamp=timestamp) for name in (*names, "action_listen")]


def faq_answer(timestamp: float, response: str) -> list[Event]:
    """What the bot stores for an FAQ answer: the answer, the intake offer's slots, listen."""
    return [
        ActionExecuted("utter_faq", timestamp=timestamp),
        bot("An answer.", timestamp, response),
        ActionExecuted("action_offer_intake", timestamp=timestamp),
        slot("intake_offer_due", False, timestamp),
        slot("contact_due", False, timestamp),
        slot("intake_offered", False, timestamp),  # does not influence the conversation
        ActionExecuted("action_listen", timestamp=timestamp),
    ]


def conversations() -> dict[str, list[Event]]:
    t = START
    substance = {"entity": "substance", "value": "Xanax", "start": 28, "end": 33}
    spanish = {"entity": "language", "value": "es", "start": 0, "end": 0}
    return {
        # Understood right all along: the whole conversation is the story.
        "plain-1": [
            *new_session(t),
            said("hi there", "greet", t + 1),
            *did(t + 2, "utter_greet"),
            said("what is klonopin", "faq/what_is", t + 10),
            *faq_answer(t + 11, "utter_faq/what_is"),
            said(XANAX, "ask_interaction", t + 20, [substance, {**substance, "extractor": "x"}]),
            ActionExecuted("action_check_interaction", timestamp=t + 21),
            slot("substances_checked", ["Xanax"], t + 21),
            *did(t + 22, "utter_interaction_advice"),
            said("thanks!", "thank", t + 30),
            *did(t + 31, "utter_you_are_welcome"),
        ],
        # The second message was misunderstood; staff label it.
        "corrected-1": [
            *new_session(t + 100),
            said("hello", "greet", t + 101),
            *did(t + 102, "utter_greet"),
            said(HABIT, "nlu_fallback", t + 110, confidence=0.3),
            ActionExecuted("action_suggest_topics", timestamp=t + 111),
            slot("has_topic_suggestions", False, t + 111),
            *did(t + 112, "utter_ask_rephrase"),
            said("thanks", "thank", t + 120),
            *did(t + 121, "utter_you_are_welcome"),
        ],
        # The very first message should have been an emergency.
        "first-corrected-1": [
            *new_session(t + 200),
            said(OVERDOSE, "nlu_fallback", t + 201, confidence=0.3),
            ActionExecuted("action_suggest_topics", timestamp=t + 202),
            slot("has_topic_suggestions", False, t + 202),
            *did(t + 203, "utter_ask_rephrase"),
        ],
        # An alarm that was not one: what it should have been is unknown.
        "false-alarm-1": [
            *new_session(t + 300),
            said(COFFEE, "report_emergency", t + 301),
            slot("safety_mode", "emergency", t + 301),
            *did(t + 302, "utter_emergency_911", "action_emergency_guidance"),
        ],
        # Spanish, a button, and the callback form's concealed answer.
        "spanish-1": [
            *new_session(t + 400),
            said("hola, buenas", "greet", t + 401, [spanish]),
            slot("language", "es", t + 401),
            *did(t + 402, "utter_greet"),
            said("/request_callback", "request_callback", t + 410),
            ActionExecuted("action_check_callbacks", timestamp=t + 411),
            slot("callbacks_available", True, t + 411),
            ActionExecuted("callback_form", timestamp=t + 412),
            ActiveLoop("callback_form", timestamp=t + 412),
            slot("requested_slot", "callback_consent", t + 412),
            *did(t + 413),
        ],
        # Staff took it over after the first answer; the visitor came back another day.
        "takeover-1": [
            *new_session(t + 500),
            said("hi", "greet", t + 501),
            *did(t + 502, "utter_greet"),
            ConversationPaused(timestamp=t + 510),
            said("can i talk to a person", "request_intake", t + 511),
        ],
        "new-session-1": [
            *new_session(t + 600),
            said("hi", "greet", t + 601),
            *did(t + 602, "utter_greet"),
            *new_session(t + 90_000),
            said("bye", "goodbye", t + 90_001),
            *did(t + 90_002, "utter_goodbye"),
        ],
        # An intent the domain no longer has.
        "retired-1": [
            *new_session(t + 700),
            said("how much is a bottle", "ask_price", t + 701),
            *did(t + 702, "utter_ask_rephrase"),
        ],
        "unmarked-1": [
            *new_session(t + 800),
            said("hey", "greet", t + 801),
            *did(t + 802, "utter_greet"),
        ],
    }


def store_redacted(database_url: str, stored: dict[str, list[Event]]) -> None:
    """Saves the conversations as the bot does: through the redacting tracker store."""
    domain = Domain.load(str(DOMAIN_FILE))
    tracker_store = RedactingSQLTrackerStore(domain, host=database_url)

    async def save_all() -> None:
        for sender_id, conversation in stored.items():
            tracker = DialogueStateTracker.from_events(sender_id, conversation, domain.slots)
            await tracker_store.save(tracker)

    asyncio.run(save_all())
    tracker_store.engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    engine = reset_database(database_url)
    store_redacted(database_url, conversations())
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(DOMAIN_FILE))


def event_of(engine: sa.engine.Engine, sender_id: str, text: str) -> int:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.id, events.c.data).where(
                events.c.sender_id == sender_id, events.c.type_name == "user"
            )
        ).all()
    (found,) = [row.id for row in rows if yaml.safe_load(row.data)["text"] == text]
    return int(found)


def label(engine: sa.engine.Engine, sender_id: str, text: str, kind: str, target: str = "") -> None:
    event_id = event_of(engine, sender_id, text)
    assert labels.set_label(engine, sender_id, event_id, kind, target, AUTHOR, MARKED_AT - 60)


def mark(engine: sa.engine.Engine, *sender_ids: str) -> None:
    for sender_id in sender_ids:
        assert conversation_tests.mark_as_test(engine, sender_id, AUTHOR, MARKED_AT)


def export(
    engine: sa.engine.Engine, folder: Path, dry_run: bool = False
) -> export_report.ExportReport:
    return training_export.export_training_data(
        engine,
        folder / "nlu_reviewed.yml",
        dry_run=dry_run,
        now=MARKED_AT + 3_600,
        timezone=CENTER_TIME,
        safety_output=folder / "safety_reviewed.yml",
        questions_output=folder / "new_questions.yml",
        stories_output=folder / "test_stories_reviewed.yml",
    )


def name_of(sender_id: str) -> str:
    return story_export.story_name(sender_id, "2026-12-06")


def read_stories(path: Path, domain: Domain) -> dict[str, list[tuple[Any, ...]]]:
    """{story name: its events, compactly} as Rasa's story reader reads the file; no warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        steps = YAMLStoryReader(domain, source_name=str(path)).read_from_file(path)
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == []
    stories: dict[str, list[tuple[Any, ...]]] = {}
    for step in steps:
        compact: list[tuple[Any, ...]] = []
        for event in step.events:
            if isinstance(event, UserUttered):
                intent = event.intent.get("full_retrieval_intent_name") or event.intent_name
                found = [(e["entity"], e["value"], e.get("start")) for e in event.entities]
                compact.append(("user", event.text, intent, *found))
            elif isinstance(event, ActionExecuted):
                compact.append(("action", event.action_name))
            elif isinstance(event, SlotSet):
                compact.append(("slot", event.key, event.value))
            elif isinstance(event, ActiveLoop):
                compact.append(("loop", event.name))
        stories[step.block_name] = compact
    return stories


def marks(engine: sa.engine.Engine) -> dict[str, float | None]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(marked_tests)).all()
    return {row.sender_id: row.exported_at for row in rows}


def test_a_marked_conversation_becomes_a_story_rasa_reads(
    engine: sa.engine.Engine, tmp_path: Path, rasa_domain: Domain
) -> None:
    mark(engine, "plain-1", "spanish-1")
    label(engine, "plain-1", "what is klonopin", "intent", "faq/what_is")  # agrees: kept
    report = export(engine, tmp_path)
    assert (report.stories.added, report.stories.ended_early, report.stories.drafts) == (2, 0, 0)
    path = tmp_path / "test_stories_reviewed.yml"
    stories = read_stories(path, rasa_domain)
    assert stories[name_of("plain-1")] == [
        ("user", "hi there", "greet"),
        ("action", "utter_greet"),
        ("user", "what is klonopin", "faq/what_is"),
        ("action", "utter_faq"),
        ("action", "action_offer_intake"),
        ("slot", "intake_offer_due", False),
        ("slot", "contact_due", False),
        ("user", XANAX, "ask_interaction", ("substance", "Xanax", 28)),
        ("action", "action_check_interaction"),
        ("action", "utter_interaction_advice"),
        ("user", "thanks!", "thank"),
        ("action", "utter_you_are_welcome"),
    ]
    # Checked by intent only: Spanish (its entity spans no text), a button.
    assert stories[name_of("spanish-1")] == [
        ("user", None, "greet", ("language", "es", None)),
        ("action", "utter_greet"),
        ("user", None, "request_callback"),
        ("action", "action_check_callbacks"),
        ("slot", "callbacks_available", True),
        ("action", "callback_form"),
        ("loop", "callback_form"),
        ("slot", "requested_slot", "callback_consent"),
    ]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(story_file.HEADER) and 'version: "3.1"' in text
    assert '# Checked by intent only (a button): "/request_callback"' in text
    assert 'spans no text): "hola, buenas"' in text
    assert '- user: "can i take klonopin with my [xanax]{\\"entity\\": \\"substance\\"' in text
    # Named by an opaque reference: never the conversation id, nor who marked it.
    for secret in ("plain-1", "spanish-1", AUTHOR, "Ana", "ana.diaz"):
        assert secret not in text
    reference = story_export.story_reference("plain-1")
    assert name_of("plain-1") == f"reviewed conversation {reference} (marked 2026-12-06)"
    assert marks(engine) == {"plain-1": MARKED_AT + 3_600, "spanish-1": MARKED_AT + 3_600}


def test_rasa_reads_the_file_as_conversation_tests(
    engine: sa.engine.Engine, tmp_path: Path
) -> None:
    """As `rasa test core --e2e` finds them: only files named test_* are conversation tests."""
    mark(engine, "plain-1", "corrected-1", "first-corrected-1")
    label(engine, "corrected-1", HABIT_STORED, "intent", "faq/signs_of_addiction")
    label(engine, "first-corrected-1", OVERDOSE, "emergency")
    folder = tmp_path / "stories"
    folder.mkdir()
    export(engine, folder)
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(DOMAIN_FILE), training_data_paths=[str(folder)]
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        steps = importer.get_conversation_tests().story_steps
    assert sorted(step.block_name for step in steps) == sorted(
        [name_of("plain-1"), name_of("corrected-1")]  # the draft is comments only
    )
    assert [str(w.message) for w in caught if "test_stories_reviewed" in str(w.message)] == []


def test_a_corrected_message_ends_the_story_and_follows_as_a_draft(
    engine: sa.engine.Engine, tmp_path: Path, rasa_domain: Domain
) -> None:
    mark(engine, "corrected-1", "first-corrected-1")
    label(engine, "corrected-1", HABIT_STORED, "intent", "faq/signs_of_addiction")
    label(engine, "first-corrected-1", OVERDOSE, "emergency")
    report = export(engine, tmp_path)
    assert (report.stories.added, report.stories.ended_early, report.stories.drafts) == (1, 1, 1)
    path = tmp_path / "test_stories_reviewed.yml"
    stories = read_stories(path, rasa_domain)
    # What the bot did after the corrected message answered nlu_fallback: not expected.
    assert stories == {
        name_of("corrected-1"): [("user", "hello", "greet"), ("action", "utter_greet")]
    }
    text = path.read_text(encoding="utf-8")
    assert (
        "  - action: utter_greet\n"
        "  # Stops here: staff labelled the next message faq/signs_of_addiction (the bot "
        "understood\n  # nlu_fallback), so what the bot did after it is not what this test "
        "expects."
    ) in text
    # The corrected step, stored text (redacted) and corrected intent, for a developer.
    assert f'  # - user: "{HABIT_STORED}"\n  #   intent: faq/signs_of_addiction\n' in text
    assert "utter_ask_rephrase" not in text and "thanks" not in text
    # The first message corrected: the whole story is a draft, in comments.
    draft = text[text.index("# Draft:") :]
    assert f"# - story: {name_of('first-corrected-1')}\n#   steps:\n" in draft
    assert f'#   - user: "{OVERDOSE}"\n#     intent: report_emergency' in draft
    # Uncommented, the draft is a story (a developer adds the actions).
    block = draft.split("\n\n")[0].splitlines()
    assert block[:2] == list(story_export.DRAFT_INTRO)
    data = yaml.safe_load("\n".join(line[2:] for line in block[2:]))
    assert data == [
        {
            "story": name_of("first-corrected-1"),
            "steps": [{"user": OVERDOSE, "intent": "report_emergency"}],
        }
    ]
    assert PHONE not in text and AUTHOR not in text
    assert set(marks(engine).values()) == {MARKED_AT + 3_600}


def test_the_stored_redacted_text_is_all_a_story_holds(
    engine: sa.engine.Engine, tmp_path: Path
) -> None:
    """The story is read from the stored events: the visitor's number never was stored."""
    mark(engine, "corrected-1")
    label(engine, "corrected-1", HABIT_STORED, "new_question")  # keeps the recorded intent
    export(engine, tmp_path)
    text = (tmp_path / "test_stories_reviewed.yml").read_text(encoding="utf-8")
    assert f'- user: "{HABIT_STORED}"\n    intent: nlu_fallback\n' in text
    assert (
        "  - action: action_suggest_topics\n  - slot_was_set:\n    - has_topic_suggestions: false"
        in text
    )
    assert PHONE not in text and "555" not in text


def test_a_story_stops_where_a_person_or_a_new_session_takes_over(
    engine: sa.engine.Engine, tmp_path: Path, rasa_domain: Domain
) -> None:
    mark(engine, "takeover-1", "new-session-1")
    report = export(engine, tmp_path)
    assert (report.stories.added, report.stories.ended_early) == (2, 2)
    path = tmp_path / "test_stories_reviewed.yml"
    stories = read_stories(path, rasa_domain)
    assert stories[name_of("takeover-1")] == [("user", "hi", "greet"), ("action", "utter_greet")]
    assert stories[name_of("new-session-1")] == stories[name_of("takeover-1")]
    text = path.read_text(encoding="utf-8")
    assert "# Stops here: a member of staff took the conversation over." in text
    assert "# Stops here: the visitor came back in a new session" in text
    assert "request_intake" not in text and "goodbye" not in text


def test_a_false_alarm_or_a_retired_intent_needs_a_label_first(
    engine: sa.engine.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark(engine, "false-alarm-1", "retired-1")
    label(engine, "false-alarm-1", COFFEE, "false_alarm")
    assert cli_export(engine, tmp_path) == 0
    printed = capsys.readouterr().out
    assert "Added 0 test stories to" in printed
    assert "Skipped: 0 already in the file, 2 needing a label" in printed
    assert marks(engine) == {"false-alarm-1": None, "retired-1": None}  # still open
    assert story_export.story_problem(engine, "retired-1") == story_export.NEEDS_LABEL
    # Staff say what they should have been: both are written, as drafts (first messages).
    label(engine, "false-alarm-1", COFFEE, "intent", "faq/interactions_overview")
    label(engine, "retired-1", "how much is a bottle", "intent", "out_of_scope")
    assert story_export.story_problem(engine, "retired-1") is None
    assert cli_export(engine, tmp_path) == 0
    assert "0 test stories" in capsys.readouterr().out
    text = (tmp_path / "test_stories_reviewed.yml").read_text(encoding="utf-8")
    assert text.count("# Draft:") == 2 and "#     intent: out_of_scope" in text
    assert f'#   - user: "{COFFEE}"\n#     intent: faq/interactions_overview' in text
    assert yaml.safe_load(text)["stories"] == []  # no story yet: drafts only
    assert None not in marks(engine).values()


def cli_export(engine: sa.engine.Engine, folder: Path, *extra: str) -> int:
    return cli.main(
        ["--database-url", str(engine.url.render_as_string(hide_password=False))]
        + ["export-training-data", "--out", str(folder / "nlu_reviewed.yml")]
        + ["--safety-out", str(folder / "safety_reviewed.yml")]
        + ["--questions-out", str(folder / "new_questions.yml")]
        + ["--stories-out", str(folder / "test_stories_reviewed.yml"), *extra]
    )


def test_stories_merge_across_exports_and_are_written_once(
    engine: sa.engine.Engine, tmp_path: Path, rasa_domain: Domain
) -> None:
    path = tmp_path / "test_stories_reviewed.yml"
    mark(engine, "plain-1")
    export(engine, tmp_path)
    first = path.read_text(encoding="utf-8")
    # Nothing new: the file stays as it is.
    export(engine, tmp_path)
    assert path.read_text(encoding="utf-8") == first
    # A developer edits the story; then another conversation is marked and exported.
    edited = first.replace("  - action: utter_greet\n", "  - action: utter_greet\n  # checked\n")
    path.write_text(edited, encoding="utf-8")
    mark(engine, "takeover-1")
    report = export(engine, tmp_path)
    assert (report.stories.added, report.stories.kept, report.stories.already) == (1, 1, 0)
    merged = path.read_text(encoding="utf-8")
    assert merged.startswith(edited.rstrip("\n")) and "  # checked\n" in merged
    assert list(read_stories(path, rasa_domain)) == [name_of("plain-1"), name_of("takeover-1")]
    # Unmarked and marked again: its story is in the file, so it is not written twice.
    assert conversation_tests.unmark_as_test(engine, "plain-1")
    mark(engine, "plain-1")
    report = export(engine, tmp_path)
    assert (report.stories.added, report.stories.already) == (0, 1)
    assert path.read_text(encoding="utf-8") == merged
    assert marks(engine)["plain-1"] is not None
    # A story deleted by hand is not written again (its mark was exported).
    start = merged.index(f"- story: {name_of('takeover-1')}")
    path.write_text(merged[:start].rstrip("\n") + "\n", encoding="utf-8")
    export(engine, tmp_path)
    assert list(read_stories(path, rasa_domain)) == [name_of("plain-1")]


def test_unmarked_conversations_and_dry_runs_write_nothing(
    engine: sa.engine.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = export(engine, tmp_path)
    assert report.stories.added == 0 and not (tmp_path / "test_stories_reviewed.yml").exists()
    mark(engine, "plain-1")
    assert cli_export(engine, tmp_path, "--dry-run") == 0
    assert "Would add 1 test story to" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert marks(engine) == {"plain-1": None}
    assert cli_export(engine, tmp_path) == 0
    text = (tmp_path / "test_stories_reviewed.yml").read_text(encoding="utf-8")
    assert text.count("- story:") == 1 and name_of("unmarked-1") not in text


def test_the_export_is_audited_with_counts_only(
    engine: sa.engine.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark(engine, "plain-1", "corrected-1", "false-alarm-1")
    label(engine, "corrected-1", HABIT_STORED, "intent", "faq/signs_of_addiction")
    label(engine, "false-alarm-1", COFFEE, "false_alarm")
    assert cli_export(engine, tmp_path) == 0
    printed = capsys.readouterr().out
    assert (
        f"Added 2 test stories to {tmp_path / 'test_stories_reviewed.yml'} (1 ending early, see "
        "the comment at its end; 0 drafts to complete; 0 kept from earlier exports)."
    ) in printed
    with engine.connect() as connection:
        (detail,) = connection.execute(
            sa.select(audit_log.c.detail).where(audit_log.c.action == "exported training data")
        ).scalars()
    assert (
        "test stories: 2 added (1 ending early), 0 drafts, 0 kept, 0 already there, "
        "1 needing a label, 0 gone, 0 without a message; in all: "
    ) in detail
    for text in ("klonopin", "[PHONE]", "hello", "coffee", "plain-1", "corrected-1"):
        assert text not in printed and text.lower() not in detail.lower()


def test_an_invalid_story_file_stops_the_export_before_anything_is_written(
    engine: sa.engine.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark(engine, "plain-1")
    label(engine, "plain-1", "thanks!", "intent", "thank")
    path = tmp_path / "test_stories_reviewed.yml"
    for broken, problem in (
        ("stories: [\n", "not valid YAML"),
        ("stories:\n- steps: []\n", "stories[0]: expected a `story:` name and `steps:`"),
        ("stories: []\nrules: []\n", "`stories:` must be the file's last key"),
        ("version: '3.1'\n", "has no `stories:` list"),
    ):
        path.write_text(broken, encoding="utf-8")
        assert cli_export(engine, tmp_path) == 1
        assert problem in capsys.readouterr().err
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
        assert marks(engine) == {"plain-1": None}
        assert len(labels.pending_labels(engine)) == 1
    with pytest.raises(InvalidYamlFile):
        story_file.read_story_file(path)


def test_retention_deletes_the_mark_with_its_conversation(engine: sa.engine.Engine) -> None:
    from storage.retention import apply_retention

    mark(engine, "plain-1")
    apply_retention(engine, days=3, dry_run=False, now=START + 30 * 86_400)
    assert marks(engine) == {}
    assert conversation_tests.mark_as_test(engine, "plain-1", AUTHOR, MARKED_AT) is None


def test_entities_are_marked_only_where_their_place_is_certain() -> None:
    substance = {"entity": "substance", "value": "Alcohol", "start": 20, "end": 24}
    text = "can i have klonopin beer[x] (ok)"
    assert story_steps.marked_text(text, [substance]) == (
        'can i have klonopin [beer]{"entity": "substance", "value": "Alcohol"}[x] (ok)'
    )
    assert story_steps.marked_text("a](b)  c", []) == "a] (b) c"
    # After a placeholder the stored offsets are the original text's: not placed.
    assert story_steps.marked_text("[PHONE] beer", [{**substance, "start": 8, "end": 12}]) is None
    assert story_steps.marked_text("beer", [{**substance, "start": 0, "end": 0}]) is None
    assert story_steps.marked_text("beer", [{**substance, "start": 0, "end": 9}]) is None
    two = [
        {**substance, "start": 0, "end": 4},
        {**substance, "start": 2, "end": 6, "value": "Wine"},
    ]
    assert story_steps.marked_text("beer wine", two) is None


def test_the_shipped_file_is_the_exports_and_run_with_the_conversation_tests(
    rasa_domain: Domain,
) -> None:
    real = PROJECT_ROOT / "tests" / "test_stories_reviewed.yml"
    assert SHIPPED == real  # the export's default (tests move it: conftest.py)
    assert [PROJECT_ROOT / path for path in CONVERSATION_TEST_FILES] == [
        PROJECT_ROOT / "tests" / "test_stories.yml",
        real,
    ]
    assert YAMLStoryReader.is_test_stories_file(real)  # `rasa test core --e2e` reads it
    assert real.read_text(encoding="utf-8").startswith(story_file.HEADER)
    shipped = story_file.read_story_file(real)  # as the export reads it: no error
    names = list(read_stories(real, rasa_domain))  # as Rasa reads it: no warning
    assert len(names) == shipped.stories
    for name in names:
        assert re.fullmatch(
            r"reviewed conversation [0-9a-f]{12} \(marked \d{4}-\d{2}-\d{2}\)", name
        )
    # It is a regression test, not a held-out set: its messages may be trained on.
    held_out = known_texts._files(PROJECT_ROOT, known_texts.HELD_OUT_PATTERNS)
    assert real not in held_out


def test_a_file_with_no_story_yet_is_read_by_rasa(tmp_path: Path, rasa_domain: Domain) -> None:
    path = tmp_path / "test_stories_reviewed.yml"
    path.write_text(story_file.empty_story_file(), encoding="utf-8")
    assert YAMLStoryReader.is_test_stories_file(path)
    assert read_stories(path, rasa_domain) == {}
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"version": "3.1", "stories": []}
    empty = story_file.read_story_file(path)
    assert (empty.stories, empty.references) == (0, frozenset())
    assert story_file.merged_story_file(empty, []) == story_file.empty_story_file()
