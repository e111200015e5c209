"""Routes a message to an intent by rule when one of a file's patterns matches it.

The base of the safety net and the dose question guard: both run after the classifiers,
inside the Rasa server, and override the intent with confidence 1.0 when a pattern of their
file (the format of safety_patterns.yml) fires, recording why in the parse data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Dict, List

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from nlu_components.safety_patterns import SafetyMatch, SafetyMatcher, safety_matcher
from nlu_components.stateless_component import StatelessComponent
from nlu_components.typed_text import typed_text


def set_intent(message: Message, intent_name: str, confidence: float) -> None:
    """Makes `intent_name` the message's intent, first in the ranking, with `confidence`."""
    intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [dict(intent)] + [
        entry
        for entry in message.get(INTENT_RANKING_KEY, [])
        if entry.get(INTENT_NAME_KEY) != intent_name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


class PatternRouter(StatelessComponent):
    """Overrides the intent when a pattern fires; subclasses name the file, intents and key."""

    DEFAULT_PATTERNS_FILE: ClassVar[Path]
    INTENTS: ClassVar[tuple[str, ...]]  # in order of priority
    OUTPUT_KEY: ClassVar[str]  # where the parse data records why
    # Classifier intents that mean it did not understand the message: patterns marked
    # `only_when_unsure` fire on these only.
    UNSURE_INTENTS: ClassVar[frozenset[str]] = frozenset({FALLBACK_INTENT})

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {"patterns_file": None}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Compiles the patterns (once per file, shared with other instances)."""
        super().__init__(config)
        path = self.config["patterns_file"]
        self.matcher: SafetyMatcher = safety_matcher(
            Path(path) if path else self.DEFAULT_PATTERNS_FILE, self.INTENTS
        )

    @staticmethod
    def required_packages() -> List[str] | None:
        """Packages needed at run time."""
        return ["spacy", "spacy_lookups_data"]

    def keeps(self, message: Message, classifier_intent: str | None) -> bool:
        """Whether the classifier's intent stands whatever the patterns say (never, here)."""
        return False

    def process(self, messages: List[Message]) -> List[Message]:
        """Routes each message that matches a pattern, unless `keeps` says otherwise."""
        for message in messages:
            text = typed_text(message)
            if text is None:
                continue  # button payloads are already exact
            classifier_intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if self.keeps(message, classifier_intent):
                continue
            found = self.matcher.match(text, unsure=classifier_intent in self.UNSURE_INTENTS)
            if found is not None:
                self.route(message, found, classifier_intent)
        return messages

    def route(self, message: Message, found: SafetyMatch, classifier_intent: str | None) -> None:
        """Sets the pattern's intent first in the ranking, and records why."""
        set_intent(message, found.intent, 1.0)
        reason = {**found.as_dict(), "classifier_intent": classifier_intent}
        message.set(self.OUTPUT_KEY, reason, add_to_output=True)
