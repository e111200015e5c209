from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intake_prompt import ActionIntakePrompt
from clinic.settings import SETTINGS_FILE, load_settings
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


async def run_at(moment: datetime, domain: dict[str, Any]) -> dict[str, Any]:
    action = ActionIntakePrompt(settings=SETTINGS, clock=lambda: moment)
    dispatcher = CollectingDispatcher()
    tracker = tracker_with({"intent": {"name": "request_intake"}}, {}, "action_listen")
    events = await action.run(dispatcher, tracker, domain)
    assert dispatcher.messages == []  # the words are utter_intake_prompt, uttered by a rule
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


def test_domain_prompt_buttons_carry_the_configured_links(domain: dict[str, Any]) -> None:
    open_now, closed, fallback = domain["responses"]["utter_intake_prompt"]
    for variation in (open_now, closed):
        urls = [button.get("url") for button in variation["buttons"]]
        assert urls[:2] == ["{intake_phone_tel}", "{insurance_url}"]
    assert "1-800-662-4357" in closed["text"]  # SAMHSA outside hours
    assert "condition" not in fallback  # used when the action server is down
    assert "{" not in fallback["text"]


def test_placeholder_warning_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    from clinic.settings import clinic_settings

    clinic_settings.cache_clear()
    with caplog.at_level("WARNING"):
        ActionIntakePrompt()
        ActionIntakePrompt()
    warnings = [r for r in caplog.records if "placeholder" in r.getMessage()]
    assert len(warnings) == 1
