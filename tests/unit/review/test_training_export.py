"""Staff labels exported as Rasa NLU training data (review.training_export, the CLI; #19)."""

from __future__ import annotations

import getpass
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from review import cli, labels, training_export
from review.schema import audit_log, create_tables, events
from review.schema import labels as label_table
from tests.support.review_data import at, bot, stored_database, visitor

# A real line of the held-out test set, and of the training data (typed in capitals).
HELD_OUT = "what kind of drug is klonopin"
TRAINED = "WHAT is  clonazepam"
LABELLED_AT = at("2026-12-06", "09:30")
AUTHOR = "ana.diaz@center.example"


def conversations() -> dict[str, list[Any]]:
    start = at("2026-12-05")
    return {
        "visitor-1": [
            visitor("call me at [PHONE] about the program", "nlu_fallback", start, 0.3),
            bot("Sorry, I didn't catch that.", start + 1, "utter_ask_rephrase"),
            visitor("Is  Klonopin habit forming for real??", "nlu_fallback", start + 60, 0.3),
            visitor(HELD_OUT, "faq/what_is", start + 120),
            visitor(TRAINED, "faq/what_is", start + 180),
            visitor("thx a bunch", "nlu_fallback", start + 240, 0.2),
        ],
        "visitor-2": [
            visitor("is klonopin HABIT forming for real??", "nlu_fallback", start + 300, 0.3),
            visitor("hows the food at the clinic", "nlu_fallback", start + 360, 0.3),
        ],
    }


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.engine.Engine]:
    for engine in stored_database(database_url, conversations()):
        create_tables(engine)
        yield engine


def messages(engine: sa.engine.Engine) -> dict[str, int]:
    """{stored text: event id} of the visitor messages."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.id, events.c.sender_id, events.c.data).where(
                events.c.type_name == "user"
            )
        ).all()
    return {json.loads(row.data)["text"]: row.id for row in rows}


def label(engine: sa.engine.Engine, text: str, target: str, kind: str = "intent") -> None:
    ids = messages(engine)
    sender_id = "visitor-2" if text.startswith(("is klonopin HABIT", "hows")) else "visitor-1"
    assert labels.set_label(engine, sender_id, ids[text], kind, target, AUTHOR, LABELLED_AT)


def label_all(engine: sa.engine.Engine) -> None:
    label(engine, "call me at [PHONE] about the program", "request_callback")
    label(engine, "Is  Klonopin habit forming for real??", "faq/signs_of_addiction")
    label(engine, "is klonopin HABIT forming for real??", "faq/signs_of_addiction")  # same
    label(engine, HELD_OUT, "faq/what_is")
    label(engine, TRAINED, "faq/what_is")
    label(engine, "thx a bunch", "thank")
    label(engine, "hows the food at the clinic", "", kind="new_question")  # not exported


def export(engine: sa.engine.Engine, out: Path, *extra: str) -> int:
    return cli.main(
        ["--database-url", str(engine.url.render_as_string(hide_password=False))]
        + ["export-training-data", "--out", str(out), *extra]
    )


def examples_of(text: str) -> dict[str, list[str]]:
    """{intent or faq/<topic>: [example]} as Rasa reads the file."""
    data = RasaYAMLReader().reads(text)
    found: dict[str, list[str]] = {}
    for message in data.training_examples:
        intent = message.get("intent_response_key") or message.get("intent")
        found.setdefault(intent, []).append(message.get("text"))
    return found


def test_the_export_is_rasa_data_of_the_domain_intents(
    engine: sa.engine.Engine,
    tmp_path: Path,
    domain: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    label_all(engine)
    out = tmp_path / "data" / "nlu_reviewed.yml"
    assert export(engine, out) == 0
    text = out.read_text(encoding="utf-8")
    found = examples_of(text)
    assert found == {
        "request_callback": ["call me at [PHONE] about the program"],
        "faq/signs_of_addiction": ["Is Klonopin habit forming for real??"],
        "thank": ["thx a bunch"],
    }
    for intent in found:
        assert intent.split("/")[0] in domain["intents"]
        assert intent in labels.label_choices().targets
    assert text.startswith("# Visitor messages") and 'version: "3.1"' in text
    assert text.count("# labelled 2026-12-06") == 3
    assert AUTHOR not in text and "Ana" not in text
    assert '  # labelled 2026-12-06\n  - text: "thx a bunch"' in text

    printed = capsys.readouterr().out
    assert "Added 3 examples" in printed
    assert "2 already in the training data" in printed  # the trained line, the duplicate
    assert "1 in a held-out test file" in printed and "0 gone" in printed
    assert "klonopin" not in printed.lower() and "PHONE" not in printed

    with engine.connect() as connection:
        rows = connection.execute(sa.select(label_table.c.kind, label_table.c.exported_at)).all()
        entries = connection.execute(
            sa.select(audit_log.c.actor, audit_log.c.action, audit_log.c.detail).where(
                audit_log.c.action == "exported training data"
            )
        ).all()
    assert sum(1 for row in rows if row.exported_at is not None) == 5  # added or trained already
    assert all(row.exported_at is None for row in rows if row.kind != "intent")
    (entry,) = entries
    assert entry.actor == f"cli:{getpass.getuser()}"
    assert entry.detail.startswith("3 added, 0 kept, 2 already trained, 1 held out, 0 gone")
    assert "klonopin" not in entry.detail.lower()


def test_a_second_export_merges_with_the_first(engine: sa.engine.Engine, tmp_path: Path) -> None:
    out = tmp_path / "nlu_reviewed.yml"
    label(engine, "thx a bunch", "thank")
    assert export(engine, out) == 0
    label(engine, "call me at [PHONE] about the program", "request_callback")
    label(engine, "hows the food at the clinic", "out_of_scope")
    assert export(engine, out) == 0
    found = examples_of(out.read_text(encoding="utf-8"))
    assert found == {
        "thank": ["thx a bunch"],
        "request_callback": ["call me at [PHONE] about the program"],
        "out_of_scope": ["hows the food at the clinic"],
    }
    # Nothing new: the file stays as it is.
    before = out.read_text(encoding="utf-8")
    assert export(engine, out) == 0
    assert out.read_text(encoding="utf-8") == before
    # A label changed since it was exported is exported again (the file keeps one copy).
    label(engine, "thx a bunch", "goodbye")
    assert export(engine, out) == 0
    assert examples_of(out.read_text(encoding="utf-8"))["thank"] == ["thx a bunch"]


def test_a_dry_run_writes_and_marks_nothing(
    engine: sa.engine.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    label_all(engine)
    out = tmp_path / "nlu_reviewed.yml"
    assert export(engine, out, "--dry-run") == 0
    assert not out.exists()
    assert "Would add 3 examples" in capsys.readouterr().out
    assert len(labels.pending_labels(engine)) == 6


def test_a_deleted_message_is_counted_as_gone(
    engine: sa.engine.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    label(engine, "thx a bunch", "thank")
    with engine.begin() as connection:
        connection.execute(sa.delete(events).where(events.c.id == messages(engine)["thx a bunch"]))
    out = tmp_path / "nlu_reviewed.yml"
    assert export(engine, out) == 0
    assert "1 gone" in capsys.readouterr().out
    assert not out.exists()  # nothing to write


def test_outside_a_checkout_it_refuses_rather_than_export_duplicates(
    engine: sa.engine.Engine, tmp_path: Path
) -> None:
    label_all(engine)
    out = tmp_path / "nlu_reviewed.yml"
    with pytest.raises(training_export.NotACheckout, match="checkout"):
        training_export.export_training_data(engine, out, now=LABELLED_AT, root=tmp_path)
    assert not out.exists()
    assert len(labels.pending_labels(engine)) == 6


def test_texts_are_made_safe_for_rasa_and_yaml() -> None:
    assert training_export.training_text("see [PHONE](now)\n  ok") == "see [PHONE] (now) ok"
    examples = [
        training_export.Example("thank", 'he said "thanks" \\ ok\x7f\ufeff!', "2026-12-06"),
        training_export.Example("faq/what_is", "¿qué es el clonazepam?", "2026-12-06"),
    ]
    found = examples_of(training_export.render(examples))
    assert found == {
        "thank": ['he said "thanks" \\ ok\x7f\ufeff!'],
        "faq/what_is": ["¿qué es el clonazepam?"],
    }


def test_the_held_out_files_are_read() -> None:
    held_out = training_export.held_out_texts()
    assert training_export.normalised(HELD_OUT) in held_out
    assert "she took a bunch of klonopin and wont wake up" in held_out  # safety test set
    assert "en" not in held_out and "short" not in held_out  # labels, not messages
    assert training_export.normalised(TRAINED) in training_export.training_texts()


def test_the_export_passes_project_validation(tmp_path: Path) -> None:
    """`make validate` (Rasa's validator, every warning an error) on the data with the export."""
    from scripts.validate import main as validate
    from tests.support.review_data import reset_database, store

    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    engine = reset_database(url)
    store(url, conversations())
    create_tables(engine)
    label_all(engine)
    project = tmp_path / "project"
    project.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(training_export.PROJECT_ROOT / name, project / name)
    for folder in ("data", "actions", "channels"):
        shutil.copytree(training_export.PROJECT_ROOT / folder, project / folder)
    report = training_export.export_training_data(
        engine, project / "data" / "nlu_reviewed.yml", now=LABELLED_AT
    )
    engine.dispose()
    assert report.added == 3
    assert validate(project) == 0
