"""Callback requests at rest: encrypted, apart from the conversation, and in staff's hands."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from storage import callbacks
from storage.callback_keys import CallbackKeyError

NOW = 1_780_000_000.0
PHONE = "+18165550142"


@pytest.fixture
def engine(tmp_path: Path) -> sa.engine.Engine:
    return callbacks.connect(f"sqlite:///{tmp_path / 'conversations.db'}")


@pytest.fixture
def cipher() -> MultiFernet:
    return MultiFernet([Fernet(Fernet.generate_key())])


def fill(engine: sa.engine.Engine, cipher: MultiFernet, sender_id: str = "visitor-1") -> int:
    callbacks.save_answers(engine, cipher, sender_id, NOW, name="Sam")
    callbacks.save_answers(engine, cipher, sender_id, NOW + 1, phone=PHONE)
    callbacks.save_answers(engine, cipher, sender_id, NOW + 2, best_time="Thursday mornings")
    callbacks.save_answers(
        engine, cipher, sender_id, NOW + 3, language="es", voicemail_may_name_center=False
    )
    request_id = callbacks.submit(engine, sender_id, NOW + 4)
    assert request_id is not None
    return request_id


def raw_rows(engine: sa.engine.Engine) -> str:
    with engine.connect() as connection:
        return repr(connection.execute(sa.text("SELECT * FROM review_callback")).all())


def test_answers_are_stored_encrypted_and_staff_read_them_back(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    request_id = fill(engine, cipher)
    raw = raw_rows(engine)
    for secret in ("5550142", "Thursday", "mornings"):
        assert secret not in raw
    request = callbacks.get_request(engine, cipher, request_id)
    assert request is not None and request.status == callbacks.NEW
    assert request.details == callbacks.CallbackDetails(
        name="Sam",
        phone=PHONE,
        best_time="Thursday mornings",
        language="es",
        voicemail_may_name_center=False,
    )
    assert request.details.phone_display == "(816) 555-0142"
    assert request.requested_at == NOW + 4 and request.changed_by == "visitor"


def test_a_draft_is_never_listed_and_cancelling_deletes_it(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    callbacks.save_answers(engine, cipher, "visitor-2", NOW, phone=PHONE)
    assert callbacks.list_requests(engine, cipher) == []
    assert callbacks.draft(engine, cipher, "visitor-2") == callbacks.CallbackDetails(phone=PHONE)
    assert callbacks.discard_draft(engine, "visitor-2") == 1
    assert callbacks.submit(engine, "visitor-2", NOW) is None
    assert raw_rows(engine) == "[]"


def test_staff_move_a_request_and_keep_a_private_note(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    request_id = fill(engine, cipher)
    assert callbacks.change_status(engine, request_id, "contacted", "ana@clinic.test", NOW + 60)
    assert callbacks.set_note(engine, cipher, request_id, "Left a discreet voicemail", "ana", NOW)
    assert "discreet voicemail" not in raw_rows(engine)
    assert callbacks.change_status(engine, request_id, "closed", "ana@clinic.test", NOW + 120)
    request = callbacks.get_request(engine, cipher, request_id)
    assert request is not None
    assert (request.status, request.closed_at, request.changed_by) == (
        "closed",
        NOW + 120,
        "ana@clinic.test",
    )
    assert request.note == "Left a discreet voicemail"
    assert callbacks.counts(engine) == {"new": 0, "contacted": 0, "closed": 1}
    assert not callbacks.change_status(engine, request_id, "draft", "ana", NOW)  # not a staff one
    assert not callbacks.change_status(engine, 999, "closed", "ana", NOW)


def test_a_wrong_key_fails_clearly_instead_of_showing_nonsense(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    request_id = fill(engine, cipher)
    other = MultiFernet([Fernet(Fernet.generate_key())])
    with pytest.raises(CallbackKeyError, match="cannot be opened with the configured keys"):
        callbacks.get_request(engine, other, request_id)


def test_rotation_rewrites_every_request_for_the_new_key(engine: sa.engine.Engine) -> None:
    old_key, new_key = Fernet(Fernet.generate_key()), Fernet(Fernet.generate_key())
    cipher = MultiFernet([old_key])
    request_id = fill(engine, cipher)
    callbacks.set_note(engine, cipher, request_id, "call after work", "ana", NOW)
    assert callbacks.rotate_keys(engine, MultiFernet([new_key, old_key])) == 1
    only_new = MultiFernet([new_key])
    request = callbacks.get_request(engine, only_new, request_id)
    assert request is not None and request.details.phone == PHONE
    assert request.note == "call after work"


def test_retention_days_come_from_the_environment() -> None:
    assert callbacks.retention_days({}) == 30
    assert callbacks.retention_days({"CALLBACK_RETENTION_DAYS": "7"}) == 7
    with pytest.raises(ValueError, match="CALLBACK_RETENTION_DAYS"):
        callbacks.retention_days({"CALLBACK_RETENTION_DAYS": "0"})


@pytest.mark.parametrize(
    "e164, shown", [("+18165550142", "(816) 555-0142"), ("+34612345678", "+34 612 34 56 78")]
)
def test_numbers_are_shown_as_staff_dial_them(e164: str, shown: str) -> None:
    assert callbacks.phone_display(e164) == shown
