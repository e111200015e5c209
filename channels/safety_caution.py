"""The caution line: 911 and 988 first when a message may be about danger but was not routed.

The semantic safety net (nlu_components/semantic_safety_net.py) marks a message `caution`
when it was not routed to the emergency, crisis or extra-dose script but may still be about
danger: the net found an emergency or crisis it was not allowed to route, or DIET gave one a
little weight. This response generator, configured as the Rasa server's `nlg` in
endpoints.yml, then puts the `utter_safety_caution` response (911 and 988, in the
conversation's language) before the first reply to that message, whatever the reply is: an
answer, a "did you mean", a referral, "take care". The reply itself is unchanged and follows.

Every response the Rasa server sends passes through here: the rules' `utter_...`, the FAQ
answers, and the responses the custom actions name. Otherwise it is Rasa's own template
generator (domain.yml, variations chosen by the `language` slot).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from nlu_components.semantic_safety_net import SEMANTIC_SAFETY_KEY

CAUTION_RESPONSE = "utter_safety_caution"

# A reply whose first message already names both needs no caution line before it.
SAFETY_NUMBERS = ("911", "988")
# Conversations whose latest cautioned message is remembered (see `_first_reply_to`).
REMEMBERED_CONVERSATIONS = 10_000


def unanswered_cautioned_message(tracker: DialogueStateTracker) -> UserUttered | None:
    """The latest message if the bot has not answered it yet and it is marked `caution`."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return None
        if isinstance(event, UserUttered):
            caution = (event.parse_data.get(SEMANTIC_SAFETY_KEY) or {}).get("caution")
            return event if caution else None
    return None


def names_safety_numbers(text: str) -> bool:
    """Whether the first message of `text` (Rasa sends each paragraph apart) has 911 and 988."""
    first = text.strip().split("\n\n", 1)[0]
    return all(number in first for number in SAFETY_NUMBERS)


class SafetyCautionGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's response generator, with the caution line before a cautioned message's reply."""

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None
    ) -> None:
        """Rasa passes its `nlg` endpoint (unused) and the domain whose responses are said."""
        super().__init__((domain or Domain.empty()).responses)
        # The timestamp of the message each conversation last had its caution line for.
        self._cautioned: OrderedDict[str, float] = OrderedDict()

    def _first_reply_to(self, tracker: DialogueStateTracker) -> bool:
        """Whether this response is the first to an unanswered cautioned message.

        The tracker alone cannot tell: the responses a custom action names ("can I mix it with
        X and Y" gets one per substance) are all generated before any of them is in it.
        """
        message = unanswered_cautioned_message(tracker)
        if message is None or self._cautioned.get(tracker.sender_id) == message.timestamp:
            return False
        self._cautioned[tracker.sender_id] = message.timestamp
        self._cautioned.move_to_end(tracker.sender_id)
        if len(self._cautioned) > REMEMBERED_CONVERSATIONS:
            self._cautioned.popitem(last=False)
        return True

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """The response, with the caution line first when the message needs one."""
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if (
            response is None
            or utter_action == CAUTION_RESPONSE
            or not self._first_reply_to(tracker)
            or names_safety_numbers(str(response.get("text") or ""))
        ):
            return response
        caution = await super().generate(CAUTION_RESPONSE, tracker, output_channel, **kwargs)
        if caution is None:
            return response
        text = str(response.get("text") or "")
        return {**response, "text": f"{caution['text']}\n\n{text}" if text else caution["text"]}
