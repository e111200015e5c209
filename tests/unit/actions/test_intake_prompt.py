import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa_sdk.executor import CollectingDispatcher

from actions import intake_prompt
from actions.intake_prompt import ActionIntakePrompt
from clinic.settings import SETTINGS_FILE, ClinicSettings, load_settings
from storage import live_chat
from tests.support.trackers import tracker_with

CHICAGO = ZoneInfo("America/Chicago")
SETTINGS = load_settings(
    SETTINGS_FILE,
    environ={
        "CLINIC_INTAKE_PHONE": "913-555-0198",
        "CLINIC_INSURANCE_URL": "https://clinic.test/insurance",
        "CLINIC_INTAKE_HOURS": "mon-fri 08:00-20:00",
        "CLINIC_TIMEZONE": "America/Chicago",
    },
)


SPANISH_TEAM = dataclasses.replace(SETTINGS, intake_languages=("en", "es"))


async def run_at(
    moment: datetime,
    domain: dict[str, Any],
    language: str = "en",
    settings: ClinicSettings = SETTINGS,
    said: list[str] | None = None,
    staff_available: bool = False,
) -> dict[str, Any]:
    """The slots the action sets; what it says itself is checked against `said`."""
    action = ActionIntakePrompt(
        settings=settings, clock=lambda: moment, live_chat_staff=lambda now: staff_available
    )
    dispatcher = CollectingDispatcher()
    tracker = tracker_with(
        {"intent": {"name": "request_intake"}}, {"language": language}, "action_listen"
    )
    events = await action.run(dispatcher, tracker, domain)
    # The prompt itself is utter_intake_prompt, uttered by a rule.
    assert [message["response"] for message in dispatcher.messages] == (said or [])
    assert all(message["response"] in domain["responses"] for message in dispatcher.messages)
    assert all(event["name"] in domain["slots"] for event in events)
    return {event["name"]: event["value"] for event in events}


async def test_inside_hours_offers_the_configured_number(domain: dict[str, Any]) -> None:
    slots = await run_at(datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO), domain)
    assert slots["intake_open_now"] is True
    assert slots["intake_reopens"] is None
    assert slots["intake_phone"] == "913-555-0198"
    assert slots["intake_phone_tel"] == "tel:+19135550198"
    assert slots["insurance_url"] == "https://clinic.test/insurance"
    assert slots["intake_prompt_shown"] is True


@pytest.mark.parametrize(
    "moment, reopens",
    [
        (datetime(2026, 11, 25, 21, 30, tzinfo=CHICAGO), "tomorrow at 8:00 AM (CST)"),
        (datetime(2026, 11, 25, 6, 0, tzinfo=CHICAGO), "today at 8:00 AM (CST)"),
        (datetime(2026, 11, 28, 12, 0, tzinfo=CHICAGO), "Monday at 8:00 AM (CST)"),
    ],
)
async def test_outside_hours_says_when_the_team_is_back(
    domain: dict[str, Any], moment: datetime, reopens: str
) -> None:
    slots = await run_at(moment, domain)
    assert slots["intake_open_now"] is False
    assert slots["intake_reopens"] == reopens


@pytest.mark.parametrize(
    "moment, reopens",
    [
        # As CLDR (babel) writes it: "a. m." with a narrow no-break space, never cut in two.
        (datetime(2026, 11, 25, 21, 30, tzinfo=CHICAGO), "mañana a las 8:00 a.\u202fm. (CST)"),
        (datetime(2026, 11, 25, 6, 0, tzinfo=CHICAGO), "hoy a las 8:00 a.\u202fm. (CST)"),
        (datetime(2026, 11, 28, 12, 0, tzinfo=CHICAGO), "el lunes a las 8:00 a.\u202fm. (CST)"),
    ],
)
async def test_spanish_conversation_hears_when_the_team_is_back_in_spanish(
    domain: dict[str, Any], moment: datetime, reopens: str
) -> None:
    said = ["utter_intake_team_speaks_no_spanish"]
    slots = await run_at(moment, domain, language="es", said=said)
    assert slots["intake_reopens"] == reopens


@pytest.mark.parametrize(
    "settings, said",
    [
        (SETTINGS, "utter_intake_team_speaks_no_spanish"),
        (SPANISH_TEAM, "utter_intake_team_speaks_spanish"),
    ],
)
async def test_spanish_conversation_is_told_whether_the_team_speaks_spanish(
    domain: dict[str, Any], settings: ClinicSettings, said: str
) -> None:
    moment = datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO)
    await run_at(moment, domain, language="es", settings=settings, said=[said])
    # An English conversation is not told about languages.
    await run_at(moment, domain, language="en", settings=settings, said=[])


def test_team_without_spanish_gives_samhsa_which_speaks_it(domain: dict[str, Any]) -> None:
    [variation] = domain["responses"]["utter_intake_team_speaks_no_spanish"]
    assert "1-800-662-4357" in variation["text"]
    assert "español" in variation["text"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_domain_prompt_buttons_carry_the_configured_links(
    domain: dict[str, Any], language: str
) -> None:
    variations = [
        variation
        for variation in domain["responses"]["utter_intake_prompt"]
        if (variation.get("metadata") or {}).get("language", "en") == language
    ]
    by_open = {
        next(
            (c["value"] for c in v.get("condition") or [] if c["name"] == "intake_open_now"),
            None,
        ): v
        for v in variations
    }
    assert set(by_open) == {True, False, None}
    for variation in (by_open[True], by_open[False]):
        urls = [button.get("url") for button in variation["buttons"]]
        assert urls[:2] == ["{intake_phone_tel}", "{insurance_url}"]
    assert "1-800-662-4357" in by_open[False]["text"]  # SAMHSA outside hours
    assert "{" not in by_open[None]["text"]  # used when the action server is down


async def test_someone_available_during_hours_can_join_the_chat(domain: dict[str, Any]) -> None:
    await run_at(
        datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO),
        domain,
        staff_available=True,
        said=["utter_live_chat_available"],
    )


async def test_outside_hours_nobody_joins_even_if_marked_available(
    domain: dict[str, Any],
) -> None:
    # Said nothing itself: the prompt leads to a call or a callback request.
    slots = await run_at(
        datetime(2026, 11, 25, 21, 30, tzinfo=CHICAGO), domain, staff_available=True
    )
    assert slots["intake_open_now"] is False


async def test_spanish_visitor_hears_about_the_team_then_the_live_chat(
    domain: dict[str, Any],
) -> None:
    await run_at(
        datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO),
        domain,
        language="es",
        settings=SPANISH_TEAM,
        staff_available=True,
        said=["utter_intake_team_speaks_spanish", "utter_live_chat_available"],
    )


def test_availability_comes_from_the_live_chat_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    monkeypatch.setenv("CALLBACK_DATABASE_URL", url)
    intake_prompt._database.cache_clear()
    now = datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO)
    try:
        assert intake_prompt.staff_available(now) is False  # no table yet: nobody
        engine = sa.create_engine(url)
        live_chat.live_chat_metadata.create_all(engine)
        live_chat.mark_available(engine, "alex@clinic.test", now.timestamp())
        assert intake_prompt.staff_available(now) is True
        later = now + timedelta(seconds=live_chat.AVAILABLE_SECONDS + 1)
        assert intake_prompt.staff_available(later) is False  # the page stopped its heartbeat
    finally:
        intake_prompt._database.cache_clear()


def test_placeholder_warning_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    from clinic.settings import clinic_settings

    clinic_settings.cache_clear()
    with caplog.at_level("WARNING"):
        ActionIntakePrompt()
        ActionIntakePrompt()
    warnings = [r for r in caplog.records if "placeholder" in r.getMessage()]
    assert len(warnings) == 1
