"""What a training-data export did, or would do with --dry-run: counts, never a text.

ExportReport gives the training examples' counts, and the safety cases', the new questions'
(OutputCounts) and the test stories' (review.story_export.StoryCounts); `summary` is what
the operator reads (the CLI, the dashboard's button), `audit_detail` the audit log's entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from review.safety_export import CRISES, EMERGENCIES, NEAR_MISSES, SECTION_OF_KIND, spanish_file
from review.story_export import StoryCounts

# How the summary names one and several cases of a section.
SECTION_WORDS: Mapping[str, tuple[str, str]] = {
    EMERGENCIES: ("emergency", "emergencies"),
    CRISES: ("crisis", "crises"),
    NEAR_MISSES: ("near-miss", "near-misses"),
}


@dataclass
class OutputCounts:
    """What an export did to the safety cases or the new questions: counts only."""

    added: int = 0
    kept: int = 0
    already: int = 0  # in the file or given by another label (safety: or trained on)
    held_out: int = 0
    gone: int = 0
    unusable: int = 0
    dropped: int = 0

    def audit_detail(self) -> str:
        """The counts, as the audit entry gives them."""
        return (
            f"{self.added} added, {self.kept} kept, {self.already} already there, "
            f"{self.held_out} held out, {self.gone} gone, {self.unusable} unusable, "
            f"{self.dropped} removed"
        )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass
class ExportReport:
    """What an export did (or would do, with --dry-run): counts only.

    The flat counts are the training examples'; `safety` and `questions` count the safety
    cases and the new questions, `stories` the conversations marked as tests.
    """

    output: Path
    dry_run: bool
    added: int = 0
    kept: int = 0
    already_trained: int = 0
    held_out: int = 0
    gone: int = 0
    unusable: int = 0
    dropped: int = 0
    marked: int = 0
    intents: set[str] = field(default_factory=set)
    safety_output: Path | None = None  # the English cases; the Spanish ones: spanish_file
    questions_output: Path | None = None
    safety: OutputCounts = field(default_factory=OutputCounts)
    questions: OutputCounts = field(default_factory=OutputCounts)
    safety_added: dict[str, int] = field(default_factory=dict)  # by section
    stories_output: Path | None = None
    stories: StoryCounts = field(default_factory=StoryCounts)

    def totals(self) -> str:
        """'3 training examples, 1 safety case, 2 new questions'."""
        return ", ".join(
            [
                _plural(self.added, "training example", "training examples"),
                _plural(self.safety.added, "safety case", "safety cases"),
                _plural(self.questions.added, "new question", "new questions"),
            ]
        )

    def summary(self) -> str:
        """Lines for the operator; never a message's text."""
        verb = "Would add" if self.dry_run else "Added"
        lines = [
            f"{verb} {self.totals()}.",
            f"{verb} {self.added} example{'' if self.added == 1 else 's'} to {self.output} "
            f"({self.kept} kept from earlier exports, {len(self.intents)} intents in the file).",
            f"Skipped: {self.already_trained} already in the training data, {self.held_out} in a "
            f"held-out test file, {self.gone} gone (conversation deleted), {self.unusable} empty "
            "or no longer a topic or intent.",
        ]
        if self.safety_output is not None:
            sections = ", ".join(
                _plural(self.safety_added.get(section, 0), *SECTION_WORDS[section])
                for section in SECTION_OF_KIND.values()
            )
            safety = self.safety
            lines += [
                f"{verb} {_plural(safety.added, 'safety case', 'safety cases')} to "
                f"{self.safety_output} and {spanish_file(self.safety_output)} ({sections}; "
                f"{safety.kept} kept from earlier exports).",
                f"Skipped: {safety.already} already a case or trained on, {safety.held_out} in "
                f"a held-out test file, {safety.gone} gone (conversation deleted), "
                f"{safety.unusable} empty or a button.",
            ]
        if self.questions_output is not None:
            questions = self.questions
            lines += [
                f"{verb} {_plural(questions.added, 'new question', 'new questions')} to "
                f"{self.questions_output} ({questions.kept} kept from earlier exports)"
                + (
                    "; `make content-sheet` shows them to the content team."
                    if questions.added
                    else "."
                ),
                f"Skipped: {questions.already} already on the list, {questions.gone} gone "
                f"(conversation deleted), {questions.unusable} empty or a button.",
            ]
        if self.stories_output is not None:
            stories = self.stories
            lines += [
                f"{verb} {_plural(stories.added, 'test story', 'test stories')} to "
                f"{self.stories_output} ({stories.ended_early} ending early, see the comment "
                f"at its end; {_plural(stories.drafts, 'draft', 'drafts')} to complete; "
                f"{stories.kept} kept from earlier exports).",
                f"Skipped: {stories.already} already in the file, {stories.needs_label} needing "
                "a label (a false alarm, or an intent the bot no longer has: label the message "
                f"with what it should have been), {stories.gone} gone (conversation deleted), "
                f"{stories.empty} without a visitor message.",
            ]
        if self.dropped:
            lines.append(
                f"Removed from the file: {self.dropped} (now in other training or test data)."
            )
        if self.safety.dropped:
            lines.append(
                f"Removed from the safety cases: {self.safety.dropped} (now in the training data "
                "or another test file, or there twice)."
            )
        if self.questions.dropped:
            lines.append(f"Removed from the new questions: {self.questions.dropped} (there twice).")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)

    def audit_detail(self) -> str:
        """The audit entry's detail: counts only (the training examples' first, as before)."""
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.added} added, {self.kept} kept, "
            f"{self.already_trained} already trained, {self.held_out} held out, {self.gone} gone, "
            f"{self.unusable} unusable, {self.dropped} removed; safety cases: "
            f"{self.safety.audit_detail()}; new questions: {self.questions.audit_detail()}; "
            f"test stories: {self.stories.audit_detail()}; in all: {self.totals()}"
        )
