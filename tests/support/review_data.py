"""Conversations for the review app's tests, stored by Rasa's own SQL tracker store.

Events are built with Rasa's event classes and saved with SQLTrackerStore, so
the review app reads exactly what the bot writes. No real personal data: ids
are made up and any phone number is in the fictional 555-01xx range.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from devtools.conversation_events import visitor
from devtools.project_files import PROJECT_ROOT

CENTER_TIME = ZoneInfo("America/Chicago")
SCRIPT_PAYLOAD = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


def at(day: str, clock: str = "10:00") -> float:
    """A timestamp on a day (YYYY-MM-DD) at a time in the center's time zone."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=CENTER_TIME).timestamp()


def bot(text: str, timestamp: float, response: str = "") -> BotUttered:
    metadata = {"utter_action": response} if response else {}
    return BotUttered(text, {}, metadata, timestamp=timestamp)


def action(name: str, timestamp: float) -> ActionExecuted:
    return ActionExecuted(name, timestamp=timestamp)


def slot(name: str, value: Any, timestamp: float) -> SlotSet:
    return SlotSet(name, value, timestamp=timestamp)


def store(database_url: str, conversations: Mapping[str, Sequence[Event]]) -> None:
    """Saves each conversation's events with Rasa's SQLTrackerStore."""
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    tracker_store = SQLTrackerStore(domain, host=database_url)

    async def save_all() -> None:
        for sender_id, events in conversations.items():
            tracker = DialogueStateTracker.from_events(sender_id, list(events), domain.slots)
            await tracker_store.save(tracker)

    asyncio.run(save_all())
    tracker_store.engine.dispose()


def sample_conversations() -> dict[str, list[Event]]:
    """Six conversations covering every flag, on different days in November 2026."""
    emergency, crisis, intake = at("2026-11-20"), at("2026-11-21"), at("2026-11-22")
    unanswered, disliked, plain = at("2026-11-23"), at("2026-11-24"), at("2026-11-25")
    return {
        "emergency-1": [
            visitor(
                f"{SCRIPT_PAYLOAD} my friend took too many and won't wake up",
                "report_emergency",
                emergency,
                0.99,
            ),
            slot("safety_mode", "emergency", emergency + 1),
            action("action_emergency_guidance", emergency + 2),
            bot("Call 911 now.", emergency + 3, "utter_emergency_911"),
            slot("safety_reason", "pattern: unresponsive", emergency + 4),
        ],
        "crisis-1": [
            visitor("I don't want to be here anymore", "express_crisis", crisis, 0.97),
            slot("safety_mode", "crisis", crisis + 1),
            bot("You can call or text 988.", crisis + 2, "utter_crisis_988"),
        ],
        "intake-1": [
            visitor("how do I get my brother into treatment", "request_intake", intake),
            action("action_intake_prompt", intake + 1),
            bot("Call our intake team at 816-555-0142.", intake + 2),
            slot("intake_prompt_shown", True, intake + 3),
        ],
        "unanswered-1": [
            visitor("what colour are the mountains on mars", "nlu_fallback", unanswered, 0.31),
            action("action_suggest_topics", unanswered + 1),
            bot("Sorry, I didn't catch that.", unanswered + 2, "utter_ask_rephrase"),
        ],
        "disliked-1": [
            visitor("is klonopin addictive", "faq/addiction", disliked, 0.95),
            bot("Yes, it can be habit-forming.", disliked + 1, "utter_faq/addiction"),
            slot(
                "answer_feedback",
                {"rating": "down", "response": "utter_faq/addiction", "text": "Yes, it can be"},
                disliked + 2,
            ),
        ],
        "plain-1": [
            visitor(
                '=HYPERLINK("http://example.org") what are withdrawal symptoms',
                "faq/withdrawal",
                plain,
                0.88,
            ),
            bot("Withdrawal can include anxiety.", plain + 1, "utter_faq/withdrawal"),
            slot(
                "answer_feedback",
                {"rating": "up", "response": "utter_faq/withdrawal", "text": "Withdrawal"},
                plain + 2,
            ),
        ],
    }


def new_session(timestamp: float) -> list[Event]:
    """What Rasa stores when a visitor comes back after the session expired."""
    return [
        action("action_session_start", timestamp),
        SessionStarted(timestamp=timestamp),
        action("action_listen", timestamp),
    ]


def bilingual_conversations() -> dict[str, list[Event]]:
    """Four conversations with the `language` slot, in mid-November 2026 (before the others).

    Rasa stores the slot event after the visitor message that changed it.
    """
    spanish, switch = at("2026-11-16"), at("2026-11-17")
    back, later = at("2026-11-18"), at("2026-11-19")
    return {
        # Spanish from the first message: the slot changes after it.
        "spanish-1": [
            visitor("hola, ¿el clonazepam es adictivo?", "faq/addiction", spanish, 0.9),
            slot("language", "es", spanish + 1),
            bot("Sí, puede crear dependencia.", spanish + 2, "utter_faq/addiction"),
            visitor("¿cuánto cuesta el clonazepam en la farmacia?", "nlu_fallback", spanish + 60),
            bot("Perdona, no te entendí.", spanish + 61, "utter_ask_rephrase"),
            visitor("cuánto cuesta en una farmacia", "out_of_scope", spanish + 120),
            bot("Eso no lo sé.", spanish + 121, "utter_out_of_scope"),
        ],
        # English, then "en español por favor": that message is answered in Spanish.
        "switch-1": [
            visitor("what is klonopin", "faq/what_is_clonazepam", switch, 0.97),
            bot("Clonazepam is a benzodiazepine.", switch + 1, "utter_faq/what_is_clonazepam"),
            visitor("en español por favor", "speak_spanish", switch + 60, 0.99),
            slot("language", "es", switch + 61),
            bot("Claro, seguimos en español.", switch + 62, "utter_speak_spanish"),
            visitor("¿lo venden sin receta en otro país?", "out_of_scope", switch + 120, 0.4),
            bot("Eso no lo sé.", switch + 121, "utter_out_of_scope"),
        ],
        # Spanish, then "english please": the conversation ends in English.
        "switch-back-1": [
            visitor("necesito ayuda para mi hermano", "request_intake", back, 0.8),
            slot("language", "es", back + 1),
            bot("Llama a nuestro equipo al 816-555-0143.", back + 2),
            visitor("english please", "speak_english", back + 60, 0.99),
            slot("language", "en", back + 61),
            bot("Sure, English it is.", back + 62, "utter_speak_english"),
            visitor("what colour are the pills on mars", "nlu_fallback", back + 120, 0.2),
            bot("Sorry, I didn't catch that.", back + 121, "utter_ask_rephrase"),
        ],
        # Spanish, then a new session: the slots are back to English, and "ok" keeps it.
        "new-session-1": [
            visitor("hola", "greet", later, 0.9),
            slot("language", "es", later + 1),
            bot("¡Hola! ¿En qué te ayudo?", later + 2, "utter_greet"),
            *new_session(later + 7_200),
            visitor("ok", "affirm", later + 7_201, 0.9),
            bot("Here are some topics.", later + 7_202, "utter_topics"),
        ],
    }


def reset_database(database_url: str) -> sa.engine.Engine:
    """An engine on an emptied database (Rasa's and the review app's tables dropped)."""
    from review.schema import metadata

    engine = sa.create_engine(database_url)
    metadata.drop_all(engine)
    SQLTrackerStore.Base.metadata.drop_all(engine)
    return engine


def stored_database(
    database_url: str, conversations: Mapping[str, Sequence[Event]]
) -> Iterator[sa.engine.Engine]:
    """For a fixture: an emptied database holding `conversations`, disposed of afterwards."""
    engine = reset_database(database_url)
    store(database_url, conversations)
    yield engine
    engine.dispose()


def review_database(
    database_url: str, conversations: Mapping[str, Sequence[Event]]
) -> Iterator[sa.engine.Engine]:
    """The same, with the staff app's tables (labels, marks, audit log) created too."""
    from review.schema import create_tables

    for engine in stored_database(database_url, conversations):
        create_tables(engine)
        yield engine
