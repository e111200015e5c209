"""The intake team hears of waiting callback requests once, and again if sending failed."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet

from clinic.notifications import NotificationSettings
from review import callback_notifier, cli
from storage import callbacks

NOW = 1_780_000_000.0
EMAIL = NotificationSettings(smtp_host="127.0.0.1", smtp_to=("intake@clinic.test",))


@pytest.fixture
def engine(tmp_path: Path) -> sa.engine.Engine:
    return callbacks.connect(f"sqlite:///{tmp_path / 'conversations.db'}")


@pytest.fixture
def cipher() -> MultiFernet:
    return MultiFernet([Fernet(Fernet.generate_key())])


def request(engine: sa.engine.Engine, cipher: MultiFernet, sender_id: str) -> None:
    callbacks.save_answers(engine, cipher, sender_id, NOW, phone="+18165550142")
    callbacks.submit(engine, sender_id, NOW)


class Outbox:
    """Stands in for clinic.notifications: records each notice, succeeds or fails."""

    def __init__(self, works: bool = True) -> None:
        self.sent: list[NotificationSettings] = []
        self.works = works

    def __call__(self, settings: NotificationSettings) -> list[str]:
        self.sent.append(settings)
        return ["email"] if self.works else []


def test_new_requests_are_announced_in_one_notice_and_only_once(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    request(engine, cipher, "visitor-1")
    request(engine, cipher, "visitor-2")
    callbacks.save_answers(engine, cipher, "visitor-3", NOW, name="Sam")  # a draft: not yet
    outbox = Outbox()
    assert callback_notifier.announce_waiting(engine, EMAIL, NOW + 1, outbox) == 2
    assert callback_notifier.announce_waiting(engine, EMAIL, NOW + 2, outbox) == 0
    assert len(outbox.sent) == 1


def test_a_failed_notice_is_tried_again_on_the_next_pass(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    request(engine, cipher, "visitor-1")
    assert callback_notifier.announce_waiting(engine, EMAIL, NOW + 1, Outbox(works=False)) == 0
    outbox = Outbox()
    assert callback_notifier.announce_waiting(engine, EMAIL, NOW + 31, outbox) == 1
    assert len(outbox.sent) == 1


def test_nothing_is_sent_or_marked_when_no_channel_is_configured(
    engine: sa.engine.Engine, cipher: MultiFernet
) -> None:
    request(engine, cipher, "visitor-1")
    outbox = Outbox()
    assert callback_notifier.announce_waiting(engine, NotificationSettings(), NOW, outbox) == 0
    assert outbox.sent == [] and callback_notifier.start(engine, NotificationSettings()) is None
    assert callback_notifier.announce_waiting(engine, EMAIL, NOW, outbox) == 1


def test_the_rotation_command_re_encrypts_with_the_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    engine = callbacks.connect(url)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    request(engine, MultiFernet([Fernet(old)]), "visitor-1")
    monkeypatch.setenv("CALLBACK_KEYS", f"{new},{old}")
    assert cli.main(["--database-url", url, "rotate-callback-key"]) == 0
    assert "Re-encrypted 1 callback requests" in capsys.readouterr().out
    [stored] = callbacks.list_requests(engine, MultiFernet([Fernet(new)]))
    assert stored.details.phone == "+18165550142"
    monkeypatch.setenv("CALLBACK_KEYS", Fernet.generate_key().decode())  # lost the key
    assert cli.main(["--database-url", url, "rotate-callback-key"]) == 1
    assert "cannot be opened" in capsys.readouterr().err
