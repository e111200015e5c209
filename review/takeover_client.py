"""The review app's side of the live takeover: calls the Rasa server's takeover endpoints.

The Rasa server's `channels/takeover.py` answers under `/webhooks/takeover/` (start,
message, end), for the review app only: every request carries the shared secret
TAKEOVER_TOKEN as a bearer token. The server's address is RASA_URL (default
http://localhost:5005).

Every failure becomes a `TakeoverError` whose message is safe to show staff: it is
written here from the HTTP status, never copied from the server's answer, and it never
holds what the visitor or the staff member wrote. Logs name the call and the status only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, Protocol

import requests

logger = logging.getLogger(__name__)

DEFAULT_RASA_URL = "http://localhost:5005"
TIMEOUT_SECONDS = 5.0
MAX_MESSAGE_LENGTH = 2_000
OFF_MESSAGE = "live takeover is off: set TAKEOVER_TOKEN"


class TakeoverError(Exception):
    """A takeover call that did not succeed; `str(error)` is safe to show staff.

    `status` is the server's HTTP status (None if it did not answer), `staff` the
    staff member holding the conversation when the server names one (a 409).
    """

    def __init__(self, message: str, status: int | None = None, staff: str | None = None):
        super().__init__(message)
        self.status = status
        self.staff = staff


class Takeover(Protocol):
    """What the Live pages need from the Rasa server (tests pass a fake)."""

    def start(self, conversation: str, staff: str) -> Mapping[str, Any]:
        """`staff` takes the conversation over (the bot stops answering, bar safety replies)."""
        ...

    def message(self, conversation: str, staff: str, text: str) -> Mapping[str, Any]:
        """Sends the holder's message to the visitor."""
        ...

    def end(self, conversation: str, staff: str) -> Mapping[str, Any]:
        """Hands the conversation back to the bot."""
        ...


# What a refusal means, by status, in words for staff (409: by endpoint).
_REFUSALS: dict[int, str] = {
    400: "The chat server refused the request as malformed.",
    401: "The chat server refused the review app's token: TAKEOVER_TOKEN must be the same "
    "for both.",
    404: "The chat server does not know this conversation.",
    503: "The chat server could not change the conversation; try again in a moment.",
}
# The one server error text read (compared, never shown): its 503 when it has no token.
_SERVER_OFF = "live takeover is off"
_SERVER_OFF_MESSAGE = "Live takeover is off on the chat server: set TAKEOVER_TOKEN there too."
_CONFLICTS = {
    "start": "Another member of staff is already talking with this visitor.",
    "message": "You are not talking with this visitor: take over first.",
    "end": "Another member of staff is talking with this visitor.",
}


class TakeoverClient:
    """The HTTP client of the Rasa server's takeover channel."""

    def __init__(
        self,
        base_url: str = DEFAULT_RASA_URL,
        token: str = "",
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> TakeoverClient:
        """The client of this deployment: RASA_URL and TAKEOVER_TOKEN."""
        environ = os.environ if environ is None else environ
        return cls(
            base_url=environ.get("RASA_URL") or DEFAULT_RASA_URL,
            token=environ.get("TAKEOVER_TOKEN", "").strip(),
        )

    @property
    def enabled(self) -> bool:
        """Whether a token is set (without one every call fails with OFF_MESSAGE)."""
        return bool(self.token)

    def start(self, conversation: str, staff: str) -> Mapping[str, Any]:
        """Takes the conversation over; 409 (someone else holds it) names the holder."""
        return self._post("start", {"conversation": conversation, "staff": staff})

    def message(self, conversation: str, staff: str, text: str) -> Mapping[str, Any]:
        """Sends the holder's message (1 to 2,000 characters) to the visitor."""
        if not text.strip() or len(text) > MAX_MESSAGE_LENGTH:
            raise TakeoverError(f"A message has 1 to {MAX_MESSAGE_LENGTH:,} characters.")
        return self._post("message", {"conversation": conversation, "staff": staff, "text": text})

    def end(self, conversation: str, staff: str) -> Mapping[str, Any]:
        """Hands the conversation back to the bot (nothing happens if it was not held)."""
        return self._post("end", {"conversation": conversation, "staff": staff})

    def _post(self, endpoint: str, body: Mapping[str, str]) -> Mapping[str, Any]:
        if not self.token:
            raise TakeoverError(OFF_MESSAGE)
        url = f"{self.base_url}/webhooks/takeover/{endpoint}"
        try:
            response = requests.post(
                url,
                json=dict(body),
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except requests.Timeout:
            logger.warning("Takeover %s: the chat server did not answer in time.", endpoint)
            raise TakeoverError(
                f"The chat server did not answer within {self.timeout:g} seconds; "
                "try again in a moment."
            ) from None
        except requests.RequestException as error:
            logger.warning(
                "Takeover %s: the chat server is unreachable (%s).", endpoint, _kind(error)
            )
            raise TakeoverError(
                f"The chat server at {self.base_url} could not be reached; is it running? "
                "(RASA_URL)"
            ) from None
        answer = _json(response)
        if response.status_code == 200 and answer is not None:
            return answer
        logger.warning("Takeover %s refused: HTTP %s.", endpoint, response.status_code)
        raise _refusal(endpoint, response.status_code, answer)


def _kind(error: Exception) -> str:
    """The exception's class name: its message may hold the URL, never anything else."""
    return type(error).__name__


def _json(response: requests.Response) -> Mapping[str, Any] | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _refusal(endpoint: str, status: int, answer: Mapping[str, Any] | None) -> TakeoverError:
    """The error for a non-200 answer (or a 200 that is not a JSON object)."""
    if status == 409:
        staff = (answer or {}).get("staff")
        holder = str(staff)[:255] if isinstance(staff, str) and staff else None
        return TakeoverError(_CONFLICTS.get(endpoint, _CONFLICTS["start"]), status, holder)
    if status == 400 and endpoint == "message":
        return TakeoverError(
            f"The chat server refused the message: it must have 1 to {MAX_MESSAGE_LENGTH:,} "
            "characters.",
            status,
        )
    if status == 503 and (answer or {}).get("error") == _SERVER_OFF:
        return TakeoverError(_SERVER_OFF_MESSAGE, status)
    if status in _REFUSALS:
        return TakeoverError(_REFUSALS[status], status)
    if status == 200:
        return TakeoverError("The chat server's answer was not understood.", status)
    return TakeoverError(
        f"The chat server could not do that (HTTP {status}); try again in a moment.", status
    )
