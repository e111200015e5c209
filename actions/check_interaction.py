"""action_check_interaction: what the article says about mixing clonazepam with what was named.

The words are domain responses; this module only decides which response each
named substance gets. Substances come from the `substance` entity, found by
nlu_components/substance_extractor.py (values are names from the vetted
lexicon, nlu_components/substances.yml) or by DIET (the visitor's own words,
which may not be in the lexicon). A rule utters `utter_interaction_advice`
after this action, so the advice reaches the visitor even if this action fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guarded_action import GuardedAction
from content.languages import SPANISH
from nlu_components.drug_words import all_drug_words
from nlu_components.substance_lexicon import (
    LIFE_THREATENING,
    NOT_LISTED,
    SHOULD_BE_AVOIDED,
    SUBSTANCE_ENTITY,
    SubstanceLexicon,
    substance_lexicon,
)

logger = logging.getLogger(__name__)

OVERVIEW_RESPONSE = "utter_faq/interactions_overview"
LIFE_THREATENING_RESPONSE = "utter_interaction_life_threatening"
SHOULD_BE_AVOIDED_RESPONSE = "utter_interaction_should_be_avoided"
NOT_LISTED_RESPONSE = "utter_interaction_not_listed"
# Words that are no drug name the project knows are the visitor's own: never shown back.
NOT_RECOGNISED_RESPONSE = "utter_interaction_not_recognised"
# The response for each category's `reply` in substances.yml (not_listed gets
# NOT_LISTED_RESPONSE with the lexicon's name alone).
RESPONSE_BY_REPLY = {
    LIFE_THREATENING: LIFE_THREATENING_RESPONSE,
    SHOULD_BE_AVOIDED: SHOULD_BE_AVOIDED_RESPONSE,
}
# What this turn's answer already said, so that utter_interaction_advice, uttered next by a
# rule, does not repeat it: "dangerous_mix" (a 911 line was given), "overview" (the overview
# gives the 911 and pharmacist lines) or "other". Its variation without conditions, used
# when this action could not run, says everything.
ANSWER_KIND_SLOT = "interaction_answer_kind"

# Longer "names" are not names: shown back to the visitor, they are cut here.
MAX_SHOWN_NAME_LENGTH = 40


@dataclass(frozen=True)
class InteractionAnswer:
    """One message of the answer: a response name and what fills it in."""

    response: str
    substance: str  # the name, as recorded for staff
    described: str  # what the response shows: "Xanax (another benzodiazepine)", "Alcohol", ""
    listed: bool  # the answer says what the article says (not "ask your pharmacist")


def shown_name(name: str) -> str:
    """A name as it starts a sentence: trimmed, shortened, first letter capitalised."""
    name = " ".join(name.split())[:MAX_SHOWN_NAME_LENGTH].strip()
    return name[:1].upper() + name[1:]


def typed_words(entity: dict[str, Any], text: str) -> str | None:
    """The words of `text` the entity spans, as the visitor typed them."""
    start, end = entity.get("start"), entity.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return text[start:end]
    return None


def interaction_answers(
    entities: list[dict[str, Any]],
    lexicon: SubstanceLexicon,
    language: str | None = "en",
    text: str = "",
) -> list[InteractionAnswer]:
    """One answer per distinct substance named, in the order the visitor named them.

    Each category is described in the conversation's language; a Spanish answer names a
    whole category ("pastillas para dormir") in the visitor's own words, not in English.
    """
    answers: list[InteractionAnswer] = []
    seen: set[str] = set()
    known_drug_names = all_drug_words()
    named = [entity for entity in entities if entity.get("entity") == SUBSTANCE_ENTITY]
    for entity in sorted(named, key=lambda entity: entity.get("start", 0)):
        value = str(entity.get("value") or "").strip()
        if not value:
            continue
        substance = lexicon.lookup(value)
        if substance is None and value.lower() not in known_drug_names:
            name = shown_name(value)  # for staff only
            answer = InteractionAnswer(NOT_RECOGNISED_RESPONSE, name, "", False)
        elif substance is None or substance.category.reply == NOT_LISTED:
            # A name of the lexicon (its `other_drug_names` too, "ibuprofen"): shown.
            name = shown_name(substance.name if substance else value)
            answer = InteractionAnswer(NOT_LISTED_RESPONSE, name, name, False)
        else:
            category = substance.category
            name = shown_name(substance.name)
            label = category.label_in(language)
            if substance.names_the_category:
                typed = typed_words(entity, text) if language == SPANISH else None
                described = shown_name(typed) if typed else name
            else:
                described = f"{name} ({label})"
            answer = InteractionAnswer(RESPONSE_BY_REPLY[category.reply], name, described, True)
        if answer.substance.lower() not in seen:
            seen.add(answer.substance.lower())
            answers.append(answer)
    return answers


class ActionCheckInteraction(GuardedAction):
    """Answers about each substance named with clonazepam, or gives the overview."""

    def __init__(self, lexicon: SubstanceLexicon | None = None) -> None:
        """Loads the lexicon at action-server start-up unless one is given (tests)."""
        self.lexicon = lexicon or substance_lexicon()

    def name(self) -> str:
        """Name of the action, as in domain.yml."""
        return "action_check_interaction"

    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Utters one response per substance and records them for staff review."""
        entities = tracker.latest_message.get("entities") or []
        text = str(tracker.latest_message.get("text") or "")
        answers = interaction_answers(entities, self.lexicon, tracker.get_slot("language"), text)
        if not answers:
            dispatcher.utter_message(response=OVERVIEW_RESPONSE)
            return [SlotSet(ANSWER_KIND_SLOT, "overview")]
        for answer in answers:
            dispatcher.utter_message(response=answer.response, substance=answer.described)
        checked = [answer.substance for answer in answers if answer.listed]
        not_listed = [answer.substance for answer in answers if not answer.listed]
        logger.debug("Interaction check: %d listed, %d not listed", len(checked), len(not_listed))
        dangerous = any(answer.response == LIFE_THREATENING_RESPONSE for answer in answers)
        return [
            SlotSet(ANSWER_KIND_SLOT, "dangerous_mix" if dangerous else "other"),
            SlotSet("substances_checked", (tracker.get_slot("substances_checked") or []) + checked),
            SlotSet(
                "substances_not_listed",
                (tracker.get_slot("substances_not_listed") or []) + not_listed,
            ),
        ]
