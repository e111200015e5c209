"""A custom action that can never break the conversation or leak it into a log.

If an action raises, rasa-sdk answers Rasa with an error and Rasa logs it with
whatever the error carries, which can be the visitor's words. A
`GuardedAction` catches every exception of its `act`, logs only the exception's
type and where it happened, and returns no events; the rule's next response
still reaches the visitor.
"""

from __future__ import annotations

import abc
import logging
import traceback
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)


def where_it_failed(error: BaseException) -> str:
    """'module.py:42 in function' for the innermost frame of the error's traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown place"
    frame = frames[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"


class GuardedAction(Action, abc.ABC):
    """Base of our actions: subclasses implement `act` instead of `run`."""

    @abc.abstractmethod
    def name(self) -> str:
        """Name of the action, as in domain.yml."""

    @abc.abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """What the action does (may raise: `run` catches it)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Runs `act`; on any exception logs its type and place only, and returns no events."""
        try:
            return await self.act(dispatcher, tracker, domain)
        except Exception as error:  # noqa: BLE001 - the point of this class
            logger.error(
                "%s failed with %s at %s (details withheld: they may contain the visitor's words)",
                self.name(),
                type(error).__name__,
                where_it_failed(error),
            )
            return []
