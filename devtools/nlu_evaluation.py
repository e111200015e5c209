"""What counts as the right outcome when the trained model is measured (tests, `make evaluate`)."""

from __future__ import annotations

import logging
from typing import Any

from devtools.project_files import latest_model, load_yaml

DOSE_INTENT = "ask_dose_or_prescription"
# A dose, pill or prescription question is handled well when it is referred to the
# visitor's doctor or pharmacist, by either of these intents' answers.
REFERRAL_INTENTS = frozenset({DOSE_INTENT, "ask_personal_medical_advice"})


def predicted_label(parse_data: dict[str, Any]) -> str:
    """'faq/<topic>' for FAQ answers, else the intent name."""
    intent = parse_data["intent"]["name"]
    if intent == "faq":
        return str(parse_data["intent"]["full_retrieval_intent_name"])
    return str(intent)


# The discard port: nothing listens, a connection is refused at once.
NO_ACTION_SERVER_URL = "http://127.0.0.1:9/webhook"


def response_generator() -> Any:
    """The Rasa server's response generator as endpoints.yml names it (the caution line first)."""
    from rasa.utils.endpoints import EndpointConfig

    return EndpointConfig(type=load_yaml("endpoints.yml")["nlg"]["type"])


def agent_without_action_server(tracker_store: Any = None) -> Any:
    """The latest trained model, its actions sent where nothing listens.

    What the bot says is then what the Rasa server says on its own (the safety replies
    must not need the action server).
    """
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    nowhere = EndpointConfig(url=NO_ACTION_SERVER_URL)
    return Agent.load(
        str(latest_model()),
        generator=response_generator(),
        action_endpoint=nowhere,
        tracker_store=tracker_store,
    )


def load_agent(without_action_server: bool = False) -> Any:
    """The latest trained model, with Rasa's structured logs quiet below WARNING."""
    import structlog
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if without_action_server:
        return agent_without_action_server()
    return Agent.load(str(latest_model()), generator=response_generator())
