from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.safety_caution import SafetyCautionGenerator
from nlu_components.semantic_safety_net import SEMANTIC_SAFETY_KEY

CAUTION_EN = "If someone may be overdosing, call 911 now. Thoughts of suicide: call or text 988."
CAUTION_ES = "Si alguien puede estar sufriendo una sobredosis, llame al 911. Suicidio: 988."
DOMAIN = Domain.from_dict(
    {
        "slots": {
            "language": {
                "type": "categorical",
                "values": ["en", "es"],
                "initial_value": "en",
                "mappings": [{"type": "custom"}],
            }
        },
        "responses": {
            "utter_safety_caution": [
                {
                    "condition": [{"type": "slot", "name": "language", "value": "es"}],
                    "text": CAUTION_ES,
                },
                {"text": CAUTION_EN},
            ],
            "utter_faq/storage": [{"text": "Keep it in a locked place.\n\nAsk a pharmacist."}],
            "utter_did_you_mean": [
                {
                    "text": "Did you mean one of these?",
                    "buttons": [{"title": "Yes", "payload": "/a"}],
                }
            ],
            "utter_emergency_911": [{"text": "Call 911 now. If on purpose, call or text 988 too."}],
            "utter_offer_intake": [{"text": "Would you like to talk to our intake team?"}],
        },
    }
)


def tracker(caution: bool, *later: Any, language: str = "en") -> DialogueStateTracker:
    parse_data = {
        "intent": {"name": "faq", "confidence": 0.9},
        SEMANTIC_SAFETY_KEY: {"caution": caution, "fired": False},
    }
    events = [
        SlotSet("language", language),
        UserUttered("how long do they keep in the bottle", parse_data=parse_data),
        *later,
    ]
    return DialogueStateTracker.from_events("visitor", events, slots=DOMAIN.slots)


async def say(name: str, conversation: DialogueStateTracker) -> dict[str, Any] | None:
    return await SafetyCautionGenerator(domain=DOMAIN).generate(name, conversation, "rest")


async def test_the_first_reply_to_a_cautioned_message_starts_with_911_and_988() -> None:
    response = await say("utter_faq/storage", tracker(caution=True))
    assert response is not None
    first, *rest = response["text"].split("\n\n")
    assert first == CAUTION_EN
    assert rest == ["Keep it in a locked place.", "Ask a pharmacist."]


async def test_the_caution_line_is_in_the_conversations_language() -> None:
    response = await say("utter_faq/storage", tracker(caution=True, language="es"))
    assert response is not None and response["text"].startswith(CAUTION_ES + "\n\n")


async def test_buttons_of_the_reply_are_kept() -> None:
    response = await say("utter_did_you_mean", tracker(caution=True))
    assert response is not None and response["text"].startswith(CAUTION_EN)
    assert response["buttons"] == [{"title": "Yes", "payload": "/a"}]


async def test_a_message_without_caution_gets_its_reply_alone() -> None:
    response = await say("utter_faq/storage", tracker(caution=False))
    assert response is not None and response["text"].startswith("Keep it in a locked place.")


async def test_only_the_first_reply_of_the_turn_gets_the_line() -> None:
    answered = tracker(True, BotUttered(CAUTION_EN + "\n\nKeep it in a locked place."))
    response = await say("utter_offer_intake", answered)
    assert response is not None
    assert response["text"] == "Would you like to talk to our intake team?"


async def test_a_reply_that_already_names_911_and_988_first_gets_no_second_line() -> None:
    response = await say("utter_emergency_911", tracker(caution=True))
    assert response is not None
    assert response["text"] == "Call 911 now. If on purpose, call or text 988 too."


@pytest.mark.parametrize("name", ["utter_no_such_response", "utter_safety_caution"])
async def test_unknown_and_the_caution_response_itself_are_rasas_own(name: str) -> None:
    expected = await say(name, tracker(caution=False))
    assert await say(name, tracker(caution=True)) == expected


def test_the_rasa_server_uses_it_as_endpoints_yml_says() -> None:
    from rasa.core.nlg.generator import NaturalLanguageGenerator

    from devtools.nlu_evaluation import response_generator

    generator = NaturalLanguageGenerator.create(response_generator(), DOMAIN)
    assert isinstance(generator, SafetyCautionGenerator)
    assert generator.responses == DOMAIN.responses


async def test_of_several_responses_one_action_names_only_the_first_gets_the_line() -> None:
    # A custom action's responses are all generated before any of them is in the tracker.
    generator = SafetyCautionGenerator(domain=DOMAIN)
    conversation = tracker(caution=True)
    first = await generator.generate("utter_faq/storage", conversation, "rest")
    second = await generator.generate("utter_offer_intake", conversation, "rest")
    assert first is not None and first["text"].startswith(CAUTION_EN)
    assert second is not None and second["text"] == "Would you like to talk to our intake team?"


async def test_the_next_cautioned_message_gets_the_line_again() -> None:
    generator = SafetyCautionGenerator(domain=DOMAIN)
    first_turn = tracker(caution=True)
    await generator.generate("utter_faq/storage", first_turn, "rest")
    parse_data = {"intent": {"name": "faq"}, SEMANTIC_SAFETY_KEY: {"caution": True}}
    second_turn = tracker(
        True,
        BotUttered(CAUTION_EN + "\n\nKeep it in a locked place."),
        UserUttered("and how long do they keep", parse_data=parse_data, timestamp=2e9),
    )
    response = await generator.generate("utter_faq/storage", second_turn, "rest")
    assert response is not None and response["text"].startswith(CAUTION_EN)
