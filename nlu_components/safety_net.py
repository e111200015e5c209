"""The safety net: emergencies and crises are routed by rule, whatever the classifier says.

Runs last in the NLU pipeline, inside the Rasa server (never in the action
server, which may be down). When a pattern of safety_patterns.yml fires, the
intent becomes ``report_emergency`` or ``express_crisis`` with confidence 1.0,
and the parse data records why under ``safety_net`` (pattern id, reason and
what the classifier had said). DIET is trained on the same intents, so either
path leads to the safety responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from nlu_components.safety_patterns import DEFAULT_PATTERNS_FILE, SafetyMatcher, safety_matcher

SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(GraphComponent):
    """Overrides the intent with report_emergency or express_crisis on a pattern match."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {"patterns_file": None}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Compiles the patterns (once per file, shared with other instances)."""
        path = config.get("patterns_file")
        self.matcher: SafetyMatcher = safety_matcher(Path(path) if path else DEFAULT_PATTERNS_FILE)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Creates the component (see parent class for full docstring)."""
        return cls(config)

    @staticmethod
    def required_packages() -> List[str] | None:
        """Packages needed at run time."""
        return ["spacy", "spacy_lookups_data"]

    def process(self, messages: List[Message]) -> List[Message]:
        """Routes each message that matches a safety pattern."""
        for message in messages:
            text = message.get(TEXT)
            if not text or text.lstrip().startswith("/"):
                continue  # button payloads are already exact
            found = self.matcher.match(text)
            if found is None:
                continue
            classifier_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            intent = {INTENT_NAME_KEY: found.intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [dict(intent)] + [
                entry
                for entry in message.get(INTENT_RANKING_KEY, [])
                if entry.get(INTENT_NAME_KEY) != found.intent
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            reason = {**found.as_dict(), "classifier_intent": classifier_intent}
            message.set(SAFETY_NET_KEY, reason, add_to_output=True)
        return messages
