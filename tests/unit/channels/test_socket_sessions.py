"""channels/socket_sessions.py: one conversation per socket, its allowance, the cap on new ones."""

from __future__ import annotations

from channels.conversation_ids import ConversationIds
from channels.socket_sessions import SocketSessions

IDS = ConversationIds("k" * 32)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def sessions(**limits: float) -> tuple[SocketSessions, Clock]:
    clock = Clock()
    return SocketSessions(IDS, clock=clock, **limits), clock  # type: ignore[arg-type]


def test_a_socket_resumes_a_conversation_the_server_issued() -> None:
    socket_sessions, _ = sessions()
    earlier = IDS.issue()
    assert socket_sessions.confirm("socket-1", earlier) == earlier
    assert socket_sessions.held_by("socket-1") == earlier
    assert socket_sessions.confirm("socket-1", earlier) == earlier  # asked again: the same


def test_a_made_up_id_gets_a_new_conversation_instead() -> None:
    socket_sessions, _ = sessions()
    confirmed = socket_sessions.confirm("socket-1", "someone-elses-conversation")
    assert confirmed != "someone-elses-conversation" and IDS.is_genuine(confirmed)


def test_no_id_gets_a_new_conversation() -> None:
    socket_sessions, _ = sessions()
    assert IDS.is_genuine(socket_sessions.confirm("socket-1", None))


def test_a_socket_cannot_hop_into_another_conversation() -> None:
    socket_sessions, _ = sessions()
    mine = socket_sessions.confirm("socket-1", None)
    theirs = socket_sessions.confirm("socket-2", None)
    hopped = socket_sessions.confirm("socket-1", theirs)
    assert hopped not in (mine, theirs)  # "Clear conversation" gives a new one, never theirs
    assert socket_sessions.held_by("socket-1") == hopped
    assert socket_sessions.held_by("socket-2") == theirs


def test_a_message_before_the_session_request_resumes_its_own_conversation_only() -> None:
    socket_sessions, _ = sessions()
    earlier = IDS.issue()
    assert not socket_sessions.adopt("new-socket", "made-up")  # not issued: refused
    assert socket_sessions.held_by("new-socket") is None
    assert socket_sessions.adopt("new-socket", earlier)  # issued, socket holds none: resumed
    assert socket_sessions.held_by("new-socket") == earlier
    assert not socket_sessions.adopt("new-socket", IDS.issue())  # then no other one
    assert socket_sessions.confirm("new-socket", earlier) == earlier


def test_a_disconnected_socket_holds_nothing() -> None:
    socket_sessions, _ = sessions()
    socket_sessions.confirm("socket-1", None)
    socket_sessions.forget("socket-1")
    assert socket_sessions.held_by("socket-1") is None


def test_each_socket_has_its_own_allowance_refilled_over_time() -> None:
    socket_sessions, clock = sessions(socket_events_per_minute=30, socket_burst=30)
    assert all(socket_sessions.allow_event("flooder") for _ in range(30))
    assert not socket_sessions.allow_event("flooder")
    assert socket_sessions.allow_event("visitor")
    clock.now += 2.0  # one event's worth at 30 a minute
    assert socket_sessions.allow_event("flooder")
    assert not socket_sessions.allow_event("flooder")


def test_new_conversations_are_capped_and_those_under_way_go_on() -> None:
    socket_sessions, clock = sessions(new_conversations_per_minute=60)
    talking = IDS.issue()
    assert socket_sessions.may_start(talking)
    flood = [IDS.issue() for _ in range(100)]
    started = [socket_sessions.may_start(conversation_id) for conversation_id in flood]
    assert sum(started) == 59  # the burst, less the visitor's
    assert socket_sessions.may_start(talking)  # under way: not counted again
    assert socket_sessions.may_start(flood[0])  # started before the cap: goes on
    assert not socket_sessions.may_start(flood[-1])
    clock.now += 1.0  # one new conversation a second
    assert socket_sessions.may_start(flood[-1])


def test_settings_come_from_credentials() -> None:
    socket_sessions = SocketSessions.from_settings(
        {
            "conversation_id_secret": "k" * 32,
            "socket_events_per_minute": 2,
            "socket_burst": 2,
            "new_conversations_per_minute": 1,
        }
    )
    assert socket_sessions.ids.is_genuine(IDS.issue())
    assert socket_sessions.allow_event("s") and socket_sessions.allow_event("s")
    assert not socket_sessions.allow_event("s")
    assert socket_sessions.may_start("a") and not socket_sessions.may_start("b")
