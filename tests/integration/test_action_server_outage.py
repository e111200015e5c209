"""Fault: the action server is unreachable. Safety replies and answers must still arrive.

The whole system is started as `make run` starts it, but with the Rasa server
pointed at a port where nothing listens (as when the action server crashed).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from devtools.nlu_evaluation import NO_ACTION_SERVER_URL
from devtools.running_system import RunningSystem, running_system


@pytest.fixture(scope="module")
def without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    with running_system(
        tmp_path_factory.mktemp("outage"), {"ACTION_SERVER_URL": NO_ACTION_SERVER_URL}
    ) as running:
        yield running


def test_an_overdose_still_gets_911_first(without_actions: RunningSystem) -> None:
    replies = without_actions.send("outage-1", "my friend took too many pills and won't wake up")
    assert "911" in replies[0]["text"]


def test_a_crisis_still_gets_988_first(without_actions: RunningSystem) -> None:
    replies = without_actions.send("outage-2", "I want to end my life")
    assert "988" in replies[0]["text"]


def test_questions_are_still_answered(without_actions: RunningSystem) -> None:
    assert "Yes, clonazepam can be addictive" in without_actions.text(
        "outage-3", "is klonopin addictive"
    )


def test_the_intake_prompt_points_to_the_website_instead_of_a_number(
    without_actions: RunningSystem,
) -> None:
    text = without_actions.text("outage-4", "how do I get my brother into treatment")
    assert "contact details on this website" in text
    assert "1-800-662-4357" in text  # SAMHSA, always reachable
    assert "{" not in text  # no unfilled placeholder


def test_interaction_questions_still_get_the_advice(without_actions: RunningSystem) -> None:
    text = without_actions.text("outage-5", "can I drink alcohol on klonopin")
    assert "talk to your doctor or pharmacist" in text and "911" in text
    assert "{" not in text


def test_an_unclear_message_gets_a_reply_not_silence(without_actions: RunningSystem) -> None:
    text = without_actions.text("outage-6", "klonopin stuff")
    assert text.strip()
    assert "{" not in text


def test_the_health_check_reports_the_action_server_down(without_actions: RunningSystem) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{without_actions.bot_url}/webhooks/health/", timeout=30)
    report = json.load(refused.value)
    assert refused.value.code == 503
    assert report["status"] == "degraded"
    assert report["action_server"]["reachable"] is False
    assert report["conversation_database"]["reachable"] is True
