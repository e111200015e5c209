"""Teaching the bot, end to end (#19): a message a model gets wrong, labelled, exported, learnt.

A visitor message is parsed by a model trained without it and understood wrongly; the
conversation is stored as Rasa stores it (with that understanding, the text as the redacting
tracker store leaves it), the review app indexes it when staff open the transcript, staff
label it through the app (the form's POST /labels, with its CSRF token, signed in), the
export (review.training_export.export_training_data, as the CLI runs it) writes it to the
checkout's data/nlu_reviewed.yml, and a model trained again with that file understands the
exact stored text as the label. What `make evaluate` reports about the labelled message
(devtools/reviewed_evaluation.py) changes from a miss to right.

The models are not the project's: a small, fast pipeline (whitespace tokens, word and
character n-gram counts, logistic regression, fixed seed) trained into tmp_path on a few
examples of a few intents written here, in a throw-away checkout (tmp_path) that holds them
and a held-out file (the export refuses to run without both). No model of models/ is used or
written, and Rasa's training cache is off. 15 to 30 s on 2 cores: in tests/integration/
(marked `server`), so `make unit` leaves it out and `make test` runs it.
"""

from __future__ import annotations

import asyncio
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from devtools.conversation_events import visitor
from devtools.reviewed_evaluation import report_lines, reviewed_cases, score
from review import labels, training_export
from review.schema import labels as label_table
from review.schema import messages as indexed_messages
from tests.support.review_client import post_form, review_app, signed_in_client
from tests.support.review_data import bot, review_database

# As the redacting tracker store leaves it: the phone number replaced by [PHONE].
MESSAGE = "could the intake nurse ring me on [PHONE] after work"
LABEL = "request_callback"  # a callback: what staff say it should have been
SENDER = "visitor-teaching-1"
STAFF = "ana.diaz@center.example"
START = time.time() - 3_600
EVENT_FIELD = re.compile(r'name="event" value="(\d+)"')

CONFIG = """\
recipe: default.v1
language: en
assistant_id: teaching-loop-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: LogisticRegressionClassifier
    max_iter: 1000
    random_state: 42
policies: []
"""
# Intents of the domain (an export only writes those). The callback examples say "call" and
# "phone"; the message's other words ("intake nurse", "after work") are intake's, so a model
# trained on this alone takes it for request_intake.
TRAINING = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello there
    - good morning
    - hey
- intent: thank
  examples: |
    - thanks
    - thank you so much
    - thx that helps
    - appreciate it
- intent: request_callback
  examples: |
    - please call me back
    - can someone phone me later
    - i'd like a call back
    - call me tomorrow please
- intent: request_intake
  examples: |
    - how do i get admitted to your program
    - can i talk to the intake nurse after work
    - i want to start treatment with your nurses
    - how do i sign up for detox after work
"""
HELD_OUT = """\
version: "3.1"
nlu:
- intent: request_callback
  examples: |
    - could you ring me back tonight
- intent: request_intake
  examples: |
    - how do i book an intake appointment
"""


@pytest.fixture(autouse=True)
def no_training_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's training cache off (and, were it on, in tmp_path, not the checkout's .rasa/)."""
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "rasa-cache"))
    monkeypatch.setenv("RASA_MAX_CACHE_SIZE", "0")


@pytest.fixture(autouse=True)
def default_outputs_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every default output of the export moved out of the project (as tests/unit/review does).

    The test names each output it knows; one the export gains later must not be written into
    the real checkout either.
    """
    for name, value in vars(training_export).copy().items():
        if name.startswith("DEFAULT_") and isinstance(value, Path):
            monkeypatch.setattr(training_export, name, tmp_path / "default-outputs" / value.name)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A throw-away checkout: the small training data, a held-out file, the fast config."""
    root = tmp_path / "checkout"
    for relative, text in {
        "config.yml": CONFIG,
        "data/nlu.yml": TRAINING,
        "tests/nlu_test.yml": HELD_OUT,
    }.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def train(checkout: Path, out: Path) -> str:
    """An NLU model of the checkout's config on everything in its data/, written into `out`."""
    from rasa.model_training import train_nlu

    model = train_nlu(str(checkout / "config.yml"), str(checkout / "data"), str(out))
    assert model, "no model was trained"
    return model


def understood(model: str, text: str) -> dict[str, Any]:
    """The model's parse of one message."""
    from rasa.core.agent import Agent

    parse: dict[str, Any] = asyncio.run(Agent.load(model).parse_message(text))
    return parse


@pytest.fixture
def before(checkout: Path, tmp_path: Path) -> dict[str, Any]:
    """The first model's parse of the message: trained without it, and wrong."""
    parse = understood(train(checkout, tmp_path / "models-before"), MESSAGE)
    assert parse["intent"]["name"] != LABEL, "the test needs a message the model gets wrong"
    return parse


@pytest.fixture
def engine(before: dict[str, Any], tmp_path: Path) -> Iterator[sa.engine.Engine]:
    """The conversation as the bot stored it, understood as the first model did."""
    intent = before["intent"]
    conversation = [
        visitor(MESSAGE, intent["name"], START, float(intent["confidence"])),
        bot("To start treatment, talk to our intake team.", START + 1, "utter_request_intake"),
    ]
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    yield from review_database(url, {SENDER: conversation})


@pytest.fixture
def staff(engine: sa.engine.Engine) -> FlaskClient:
    return signed_in_client(review_app(engine), engine, STAFF)


def exported_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text) of the exported file as Rasa's reader reads it; any warning fails."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # `make validate` fails on Rasa's warnings
        data = RasaYAMLReader().read(str(path))
    return [
        (message.get("intent_response_key") or message.get("intent"), message.get("text"))
        for message in data.training_examples
    ]


def test_a_message_staff_label_is_learnt_by_the_next_model(
    checkout: Path,
    tmp_path: Path,
    before: dict[str, Any],
    engine: sa.engine.Engine,
    staff: FlaskClient,
    domain: dict[str, Any],
) -> None:
    wrong = before["intent"]["name"]

    # Staff open the transcript: the app indexes the conversation and shows the wrong guess.
    page = staff.get(f"/conversations/{SENDER}").get_data(as_text=True)
    assert MESSAGE in page and f"Understood as <strong>{wrong}</strong>" in page
    (event_id,) = EVENT_FIELD.findall(page)
    with engine.connect() as connection:
        indexed = connection.execute(
            sa.select(indexed_messages.c.text, indexed_messages.c.topic).where(
                indexed_messages.c.event_id == int(event_id)
            )
        ).one()
    assert (indexed.text, indexed.topic) == (MESSAGE, wrong)

    # ... and label the message with the transcript's form.
    response = post_form(
        staff,
        "/labels",
        f"/conversations/{SENDER}",
        conversation=SENDER,
        event=event_id,
        choice=f"intent:{LABEL}",
    )
    assert response.status_code == 302
    page = staff.get(f"/conversations/{SENDER}").get_data(as_text=True)
    assert "Label saved." in page and f"should have been {LABEL}" in page
    with engine.connect() as connection:
        label = connection.execute(sa.select(label_table)).one()
    assert (label.event_id, label.kind, label.target, label.author) == (
        int(event_id),
        labels.INTENT,
        LABEL,
        STAFF,
    )

    # The export, as `python -m review.cli export-training-data` runs it, into the checkout.
    output = checkout / "data" / "nlu_reviewed.yml"
    report = training_export.export_training_data(
        engine,
        output,
        now=time.time(),
        root=checkout,
        safety_output=checkout / "tests" / "safety_reviewed.yml",
        questions_output=checkout / "content" / "new_questions.yml",
    )
    assert (report.added, report.intents, report.marked) == (1, {LABEL}, 1)
    assert exported_examples(output) == [(LABEL, MESSAGE)]  # the exact stored text
    assert LABEL in domain["intents"]
    assert STAFF not in output.read_text(encoding="utf-8")
    assert labels.backlog(engine).open == 0

    # What `make evaluate` says about the labelled message: the first model missed it.
    cases = reviewed_cases(checkout)
    assert [(case.kind, case.text, case.expected) for case in cases] == [("intent", MESSAGE, LABEL)]
    first = score(cases, [before])
    assert [(kind.kind, kind.tried, kind.right) for kind in first if kind.tried] == [
        ("intent", 1, 0)
    ]
    assert f"expected {LABEL}, got {wrong}" in "\n".join(report_lines(first))

    # The next model, trained with the export, understands the message as labelled.
    after = understood(train(checkout, tmp_path / "models-after"), MESSAGE)
    assert after["intent"]["name"] == LABEL
    second = score(cases, [after])
    assert [(kind.kind, kind.tried, kind.right) for kind in second if kind.tried] == [
        ("intent", 1, 1)
    ]
    assert report_lines(second)[-1] == "No misses."
