"""Conversations marked "make this a test" as Rasa test stories (issue #19): built, planned.

`python -m review.cli export-training-data` (review.training_export) writes every marked
conversation not exported yet (review.conversation_tests) as one story of
tests/test_stories_reviewed.yml (read and merged by review.story_file), which
tests/model/test_conversations.py runs with tests/test_stories.yml (`rasa test core --e2e
--fail-on-prediction-errors`):

- the story is named `reviewed conversation <reference> (marked YYYY-MM-DD)`: a short
  SHA-256 of the conversation id (never the id: it resumes the conversation) and the day it
  was marked in the center's time zone; never who marked it;
- each visitor message is a `user:` step with the intent staff labelled it with, else the
  one the bot recorded (review.story_steps: its text, intent and entities);
- then the bot's actions as recorded (utter_* and custom actions; not action_listen nor
  Rasa's internal action_session_start, action_extract_slots, action_unlikely_intent), the
  active loops, and the slots that influence the conversation (domain.yml) with
  `requested_slot`: what Rasa's test needs to replay the turn. Other slots are left out.

Rasa's test expects the bot's actions after every user step, so a story holds whole turns
and stops before the first one it cannot vouch for, with a comment saying why:

- a message staff corrected (a label giving another intent than the recorded one): what the
  bot did next answered the wrong intent. The corrected step follows as comments; a
  developer adds the actions the corrected intent should get and uncomments it. When the
  first message was corrected, the whole story is such a draft (comments only: counted
  as a draft);
- a new session (a story cannot start one), a member of staff taking the conversation over,
  an event test stories cannot replay, or a last message the bot had not finished answering.

A conversation with a message that gives no step (a "false alarm" label, an intent no longer
the domain's or the registry's with no label giving one) is left out and stays marked: it
"needs a label". A conversation whose reference is in the file is not written again (delete
a story to drop it). The story file is a regression test, not a held-out set: its messages
may also be training examples (their labels' export).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from content.yaml_schema import InvalidYamlFile
from review.conversation_tests import MarkedConversation
from review.labels import Label, labels_of
from review.schema import events
from review.story_file import StoryFile, merged_story_file
from review.story_steps import StoryContext, UserStep, scalar, story_context, user_step

STORY_NAME = "reviewed conversation {reference} (marked {day})"
# Actions Rasa runs by itself, never predicted by a policy: not steps of a story.
SKIPPED_ACTIONS = frozenset(
    {"action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent"}
)
LISTEN = "action_listen"
REQUESTED_SLOT = "requested_slot"
# Events that do not change what a story replays (the bot's messages come from its actions;
# a form's rejection Rasa's test emulates itself).
IGNORED_EVENTS = frozenset(
    {
        "bot",
        "user_featurization",
        "followup",
        "reminder",
        "cancel_reminder",
        "action_execution_rejected",
        "loop_interrupted",
        "entities",
    }
)

# Why a conversation gives no story.
NEEDS_LABEL = "needs a label"
NO_MESSAGE = "no visitor message"


def story_reference(sender_id: str) -> str:
    """The opaque reference a conversation's story is named by: 12 hex digits of SHA-256."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:12]


def story_name(sender_id: str, day: str) -> str:
    """`reviewed conversation 1a2b3c4d5e6f (marked 2026-12-06)`."""
    return STORY_NAME.format(reference=story_reference(sender_id), day=day)


@dataclass
class Story:
    """A conversation as a story: its whole turns, and why it stops early, if it does.

    `corrected`: the message staff corrected, where the story stops (it follows as comments).
    `problem`: why there is no story at all (NEEDS_LABEL, NO_MESSAGE).
    """

    steps: list[tuple[str, ...]] = field(default_factory=list)
    turns: int = 0
    reason: str | None = None
    corrected: UserStep | None = None
    problem: str | None = None

    @property
    def draft(self) -> bool:
        """Comments only: the first message was corrected, nothing before it to test."""
        return self.corrected is not None and not self.turns

    @property
    def ends_early(self) -> bool:
        """Whether the story stops before the conversation's end (a comment says why)."""
        return self.reason is not None or self.corrected is not None


def _staff_event(event: Mapping[str, Any]) -> bool:
    metadata = event.get("metadata")
    return isinstance(metadata, Mapping) and bool(metadata.get("staff"))


def _stop_reason(kind: str, event: Mapping[str, Any]) -> str | None:
    """Why the story stops at this event (None: it goes on)."""
    if kind == "pause" or (kind == "bot" and _staff_event(event)):
        return "a member of staff took the conversation over"
    if kind in IGNORED_EVENTS:
        return None
    return f"Rasa's test stories cannot replay what came next (a {kind!r} event)"


def _correction_comment(step: UserStep) -> list[str]:
    return [
        f"# Stops here: staff labelled the next message {step.intent} (the bot understood",
        f"# {step.recorded}), so what the bot did after it is not what this test expects. To",
        f"# test it, add the actions {step.intent} should get after the step and uncomment:",
        *(f"# {line}" for line in step.lines),
    ]


def build_story(
    conversation: Iterable[tuple[int, Mapping[str, Any]]],
    labels: Mapping[int, Label],
    context: StoryContext,
) -> Story:
    """The story of a conversation's stored events (event id, event dict), in order."""
    story = Story()
    steps: list[tuple[str, ...]] = []
    complete, complete_turns, turns = 0, 0, 0  # steps and turns up to the last action_listen
    for event_id, event in conversation:
        kind = str(event.get("event") or "")
        if kind == "session_started":
            if turns:
                story.reason = "the visitor came back in a new session (a story cannot start one)"
                break
        elif kind == "action":
            name = str(event.get("name") or "")
            if name == LISTEN:
                complete, complete_turns = len(steps), turns
            elif name and name not in SKIPPED_ACTIONS:
                steps.append((f"- action: {scalar(name)}",))
        elif kind == "slot":
            name = str(event.get("name") or "")
            if name in context.featurized_slots or name == REQUESTED_SLOT:
                item = f"  - {scalar(name)}: {scalar(event.get('value'))}"
                if len(steps) > complete and steps[-1][0] == "- slot_was_set:":
                    steps[-1] = (*steps[-1], item)  # one step for the slots set together
                else:
                    steps.append(("- slot_was_set:", item))
        elif kind == "active_loop":
            steps.append((f"- active_loop: {scalar(event.get('name'))}",))
        elif kind == "user":
            step = user_step(event, labels.get(event_id), context)
            if step is None:
                return Story(problem=NEEDS_LABEL)
            if step.corrected:
                story.corrected = step
                break
            steps.append(step.lines)
            turns += 1
        else:
            story.reason = _stop_reason(kind, event)
            if story.reason:
                break
    else:
        if turns > complete_turns:
            story.reason = "the bot had not finished answering the last message when exported"
    story.steps, story.turns = steps[:complete], complete_turns
    if not story.turns and story.corrected is None:
        story.problem = NO_MESSAGE
    return story


DRAFT_INTRO = (
    "# Draft: staff corrected this conversation's first message, so nothing the bot did can",
    "# be expected yet. Add the actions the corrected intent should get, then uncomment.",
)


def render_story(name: str, story: Story) -> str:
    """The story as a block of the `stories:` list (comments only for a draft)."""
    lines = [f"- story: {name}", "  steps:"]
    lines += [f"  {line}" for step in story.steps for line in step]
    if story.draft and story.corrected is not None:
        lines += [f"  {line}" for line in story.corrected.lines]
        return "\n".join([*DRAFT_INTRO, *(f"# {line}" for line in lines)])
    if story.corrected is not None:
        lines += [f"  {line}" for line in _correction_comment(story.corrected)]
    elif story.reason:
        lines.append(f"  # Stops here: {story.reason}.")
    return "\n".join(lines)


def conversation_events(
    engine: sa.engine.Engine, sender_id: str
) -> list[tuple[int, Mapping[str, Any]]]:
    """The conversation's stored events in order: (event id, event dict); [] if it is gone."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.id, events.c.data)
            .where(events.c.sender_id == sender_id)
            .order_by(events.c.id)
        ).all()
    found: list[tuple[int, Mapping[str, Any]]] = []
    for row in rows:
        try:
            event = json.loads(row.data or "{}")
        except ValueError:
            continue
        if isinstance(event, dict):
            found.append((int(row.id), event))
    return found


@dataclass
class StoryCounts:
    """What an export did with the conversations marked as tests: counts only."""

    added: int = 0  # stories written (`ended_early` of them stop before the end)
    ended_early: int = 0
    drafts: int = 0  # written as comments only: the first message was corrected
    kept: int = 0  # stories in the file from earlier exports
    already: int = 0  # a story of the conversation is in the file already
    needs_label: int = 0  # left out, still marked: a false alarm or a retired intent
    gone: int = 0  # the conversation was deleted
    empty: int = 0  # no visitor message to test

    def audit_detail(self) -> str:
        """The counts, as the audit entry gives them."""
        return (
            f"{self.added} added ({self.ended_early} ending early), {self.drafts} drafts, "
            f"{self.kept} kept, {self.already} already there, {self.needs_label} needing a "
            f"label, {self.gone} gone, {self.empty} without a message"
        )


@dataclass
class StoryExport:
    """What the export writes: the file's new text (None: unchanged) and the marks to set."""

    counts: StoryCounts
    text: str | None
    exported: list[str]


def plan_stories(
    engine: sa.engine.Engine,
    current: StoryFile,
    marks: Iterable[MarkedConversation],
    day_of: Callable[[float], str],
    context: StoryContext | None = None,
) -> StoryExport:
    """The stories of these marked conversations, merged into the file as it is now."""
    context = context or story_context()
    counts = StoryCounts(kept=current.stories)
    blocks: list[str] = []
    exported: list[str] = []
    written = set(current.references)
    for mark in marks:
        reference = story_reference(mark.sender_id)
        if reference in written:
            counts.already += 1
            exported.append(mark.sender_id)
            continue
        conversation = conversation_events(engine, mark.sender_id)
        if not conversation:
            counts.gone += 1
            continue
        story = build_story(conversation, labels_of(engine, mark.sender_id), context)
        if story.problem == NEEDS_LABEL:
            counts.needs_label += 1
            continue
        if story.problem is not None:
            counts.empty += 1
            continue
        blocks.append(render_story(story_name(mark.sender_id, day_of(mark.at)), story))
        written.add(reference)
        exported.append(mark.sender_id)
        if story.draft:
            counts.drafts += 1
        else:
            counts.added += 1
            counts.ended_early += story.ends_early
    text = merged_story_file(current, blocks) if blocks else None
    return StoryExport(counts, text, exported)


def story_problem(engine: sa.engine.Engine, sender_id: str) -> str | None:
    """Why the conversation would give no story now (NEEDS_LABEL, NO_MESSAGE); None if it would.

    For the transcript of a marked conversation not exported yet. None too when the domain or
    the topic registry cannot be read here (the export itself says so).
    """
    try:
        context = story_context()
    except InvalidYamlFile:
        return None
    if not context.topics:
        return None
    story = build_story(
        conversation_events(engine, sender_id), labels_of(engine, sender_id), context
    )
    return story.problem
