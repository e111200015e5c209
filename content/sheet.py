"""The content review sheet: every text the assistant can say, for a clinician to sign off.

`python -m content.sheet` (make content-sheet) writes docs/content-review.md from the
project's own files: the answers (domain.yml), the topic registry (actions/faq_topics.yml),
the other responses' groups (content/responses.yml) and the substance lexicon
(nlu_components/substances.yml), and, at the end, the questions visitors asked that have no
answer yet (content/new_questions.yml, from staff labels: content.new_questions), which are
not content and not part of the content version. The rows of its sign-off table are kept
when it is written again; everything else is generated, and a test fails when it is out of
date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actions.check_interaction import interaction_answers
from actions.faq_topics import FaqTopic, load_catalogue
from content.article import SOURCE_REFERENCES, section, source_names
from content.languages import ENGLISH, LANGUAGE_SLOT, SPANISH, variation_language
from content.new_questions import NewQuestion, read_new_questions
from content.responses_schema import ResponsesFile
from content.safety_lines import safety_lines_in
from content.yaml_schema import load_yaml_file
from nlu_components.substance_lexicon import SUBSTANCE_ENTITY, SubstanceLexicon, substance_lexicon

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
GROUPS_FILE = Path(__file__).with_name("responses.yml")
SHEET_FILE = PROJECT_ROOT / "docs" / "content-review.md"

FAQ_PREFIX = "utter_faq/"
SPANISH_MARK = "*Español: for review by a bilingual clinician.*"
SIGN_OFF_START = "<!-- sign-off: rows between these markers are kept when the sheet is rebuilt -->"
SIGN_OFF_END = "<!-- /sign-off -->"
SIGN_OFF_HEADER = (
    "| Reviewer | Role | Date | Commit | Content version | Notes |\n|---|---|---|---|---|---|"
)
QUESTIONS_HEADING = "## Questions visitors asked that have no answer yet"
LANGUAGE_NAMES = {ENGLISH: "English", SPANISH: "Spanish"}
# Characters Markdown would read as formatting or HTML in a visitor's question.
MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|~#"})
REPLY_NAMES = {
    "life_threatening": "dangerous, even deadly",
    "should_be_avoided": "should be avoided",
    "not_listed": "not covered: ask a pharmacist",
}


@dataclass(frozen=True)
class ResponseGroup:
    """A group of non-FAQ responses of content/responses.yml."""

    title: str
    article_section: str | None
    beyond_article: str
    responses: tuple[str, ...]


def load_groups(path: Path = GROUPS_FILE) -> list[ResponseGroup]:
    """Reads content/responses.yml (schema: responses_schema.py)."""
    return [
        ResponseGroup(
            title=group.title,
            article_section=group.article_section,
            beyond_article=group.beyond_article,
            responses=tuple(group.responses),
        )
        for group in load_yaml_file(path, ResponsesFile).groups
    ]


def load_responses(path: Path = DOMAIN_FILE) -> dict[str, list[dict[str, Any]]]:
    """The responses of domain.yml: {name: [variation, ...]}."""
    responses: dict[str, list[dict[str, Any]]] = yaml.safe_load(path.read_text(encoding="utf-8"))[
        "responses"
    ]
    return responses


def quoted(text: str) -> str:
    """A text as a Markdown block quote, line by line."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def article_reference(heading: str | None) -> str:
    """'"Is Clonazepam Safe?", lines 93-97' for a heading of the article."""
    if heading is None:
        return "none"
    found = section(heading)
    if found is None:
        return f'"{heading}" (NOT A SECTION OF THE ARTICLE)'
    return f'"{heading}", lines {found.first_line}\u2013{found.last_line}'


def sources_of(text: str) -> str:
    """The answer's "Source:" line, each name with the article's reference number."""
    lines = [line for line in text.splitlines() if line.startswith("Source:")]
    if not lines:
        return "none"
    names = []
    for name in source_names(lines[-1]):
        if name not in SOURCE_REFERENCES:
            names.append(f"{name} (UNKNOWN SOURCE)")
        else:
            reference = SOURCE_REFERENCES[name]
            names.append(f"{name} [{reference[0]}]" if reference else f"{name} (the article)")
    return "; ".join(names)


def is_spanish(variation: Mapping[str, Any]) -> bool:
    """Whether a variation is in Spanish (content/languages.py decides)."""
    return variation_language(variation) == SPANISH


def other_conditions(variation: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The variation's conditions but the language (and "slot not set", written `null`).

    An English variation and its Spanish twin have the same.
    """
    return tuple(
        sorted(
            (str(condition["name"]), str(condition["value"]).lower())
            for condition in variation.get("condition") or []
            if condition["name"] != LANGUAGE_SLOT and condition["value"] is not None
        )
    )


def condition_of(variation: Mapping[str, Any]) -> str:
    """'when `intake_open_now` is `true`' for a conditional variation, '' otherwise."""
    parts = [f"`{name}` is `{value}`" for name, value in other_conditions(variation)]
    return "when " + " and ".join(parts) if parts else ""


def buttons_of(variation: Mapping[str, Any]) -> str:
    """The variation's buttons on one line."""
    buttons = variation.get("buttons") or []
    return " \u00b7 ".join(
        f"\u201c{button['title']}\u201d ({button.get('url') or button['payload']})"
        for button in buttons
    )


def render_text(variation: Mapping[str, Any]) -> list[str]:
    """The text quoted, and its buttons."""
    out = [quoted(variation["text"])]
    if variation.get("buttons"):
        out += ["", f"Buttons: {buttons_of(variation)}"]
    return out + [""]


def render_spanish(twins: Sequence[Mapping[str, Any]]) -> list[str]:
    """The Spanish twins of a variation, right below it, marked for a bilingual reviewer."""
    if not twins:
        return ["**NO SPANISH VARIATION IN domain.yml**", ""]
    out = []
    for twin in twins:
        lines = ", ".join(safety_lines_in(twin["text"])) or "none"
        condition = f" ({condition_of(twin)})" if len(twins) > 1 else ""
        out += [f"{SPANISH_MARK}{condition} Safety lines: {lines}.", "", *render_text(twin)]
    return out


def render_variations(variations: list[dict[str, Any]]) -> list[str]:
    """Each variation: safety lines, condition, the text quoted, its buttons; then its twin.

    The Spanish twin is the variation with the same conditions and `language` `es` (for the
    variation without conditions: every Spanish one no other variation has).
    """
    out = []
    english = [variation for variation in variations if not is_spanish(variation)]
    spanish = {other_conditions(v): v for v in variations if is_spanish(v)}
    twins = {
        id(v): [spanish.pop(other_conditions(v))] for v in english if other_conditions(v) in spanish
    }
    for variation in english:
        if not other_conditions(variation) and id(variation) not in twins:
            twins[id(variation)] = list(spanish.values())
            spanish = {}
    several = len(english) > 1
    for number, variation in enumerate(english, start=1):
        lines = ", ".join(safety_lines_in(variation["text"])) or "none"
        if several:
            condition = condition_of(variation) or "when no condition above holds"
            out.append(f"*Variation {number}, {condition}.* Safety lines: {lines}.")
        else:
            out.append(f"- **Safety lines:** {lines}")
        out.append("")
        out += render_text(variation)
        out += render_spanish(twins.get(id(variation), []))
    for twin in spanish.values():
        if english:
            out += [f"**SPANISH VARIATION WITHOUT AN ENGLISH ONE ({condition_of(twin)})**", ""]
        else:
            out += [f"{SPANISH_MARK} Said in Spanish conversations only.", ""]
        out += render_text(twin)
    return out


def after_answer(topic: FaqTopic) -> str:
    """What follows the answer in the conversation."""
    if topic.shows_contact:
        return "the intake prompt with the center's number (utter_intake_prompt)"
    if topic.offers_intake:
        return "the offer of the intake team, once per conversation (utter_offer_intake)"
    return "nothing"


def render_faq(responses: Mapping[str, list[dict[str, Any]]]) -> list[str]:
    """The FAQ answers, in the registry's order."""
    out = ["## FAQ answers", ""]
    for topic in load_catalogue().values():
        name = f"{FAQ_PREFIX}{topic.key}"
        variations = responses.get(name, [])
        out += [f"### {topic.question} (`faq/{topic.key}`)", ""]
        out.append(f"- **Article section:** {article_reference(topic.article_section)}")
        text = next((v["text"] for v in variations if not is_spanish(v)), "")
        out.append(f"- **Sources:** {sources_of(text)}")
        out.append(f"- **Then:** {after_answer(topic)}")
        out += render_variations(variations) if variations else ["**NO ANSWER IN domain.yml**", ""]
    return out


def interaction_rows(lexicon: SubstanceLexicon) -> list[str]:
    """One table row per category of the lexicon.

    Its key, the article's item, the reply, how one of its names is shown to visitors (as
    action_check_interaction shows it), and all its names.
    """
    rows = []
    for key, category in lexicon.categories.items():
        members = [s for s in lexicon.substances.values() if s.category.key == key]
        example = next((s for s in members if not s.names_the_category), members[0])
        entity = {"entity": SUBSTANCE_ENTITY, "value": example.name, "start": 0}
        [answer] = interaction_answers([entity], lexicon)
        names = ", ".join(s.name for s in members)
        reply = REPLY_NAMES[category.reply]
        rows.append(
            f"| `{key}` | {category.article_item} | {reply} | {answer.described} | {names} |"
        )
    return rows


def render_interaction_table(lexicon: SubstanceLexicon) -> list[str]:
    """The lexicon's categories: the article's item, the reply, an example, the names."""
    out = [
        "Which reply each name gets (nlu_components/substances.yml). `{substance}` above is "
        "the name with its category's label, as in the example column.",
        "",
        "| Category | The article's item | Reply | Example `{substance}` | Names in the lexicon |",
        "|---|---|---|---|---|",
    ]
    return out + interaction_rows(lexicon) + [""]


def render_groups(
    responses: Mapping[str, list[dict[str, Any]]], lexicon: SubstanceLexicon
) -> list[str]:
    """The other responses, group by group."""
    out = []
    for group in load_groups():
        out += [f"## {group.title}", ""]
        out.append(f"- **Article section:** {article_reference(group.article_section)}")
        if group.beyond_article:
            out.append(f"- **Beyond the article:** {group.beyond_article}")
        out.append("")
        for name in group.responses:
            variations = responses.get(name, [])
            out += [f"### `{name}`", ""]
            text = next((v["text"] for v in variations if not is_spanish(v)), "")
            if "Source:" in text:
                out += [f"- **Sources:** {sources_of(text)}"]
            out += render_variations(variations) if variations else ["**NOT IN domain.yml**", ""]
        if any(name.startswith("utter_interaction_") for name in group.responses):
            out += render_interaction_table(lexicon)
    return out


def render_body(lexicon: SubstanceLexicon | None = None) -> str:
    """Everything below the sign-off table."""
    responses = load_responses()
    lexicon = lexicon or substance_lexicon()
    legend = [
        "## How to read it",
        "",
        "- **Article section**: the heading of the section of the center's article "
        "(content/clonazepam-article.txt) the text is drawn from, with its lines.",
        "- **Sources**: the answer's own `Source:` line, each name with the number of the "
        "article's reference it stands for.",
        "- **Safety lines**: `911` (`911 first`: in the first message the visitor sees), `988`, "
        "`Poison Control`, `SAMHSA Helpline`, `don't stop on your own`, `doctor or pharmacist`.",
        "- **Español**: below each English text, its Spanish variation (said when the "
        "conversation is in Spanish), for review by a bilingual clinician against the English "
        "text, the article and the glossary (docs/spanish-glossary.md).",
        "- `{name}` is filled in when the text is said: slots from clinic.yml for the intake "
        "prompt, the substance for the interaction answers, topic questions for the buttons.",
        "",
    ]
    lines = legend + render_faq(responses) + render_groups(responses, lexicon)
    return "\n".join(lines).rstrip() + "\n"


def markdown_text(text: str) -> str:
    """A visitor's text as it is, on one line: nothing in it is read as Markdown or HTML."""
    return " ".join(text.split()).translate(MARKDOWN_SPECIAL)


def render_questions(questions: Sequence[NewQuestion]) -> list[str]:
    """The section of the questions visitors asked that have no answer yet, in the list's order."""
    out = [
        QUESTIONS_HEADING,
        "",
        "Visitor messages staff labelled \u201cNew question: no answer yet\u201d in the review app "
        "(`content/new_questions.yml`, written by `python -m review.cli export-training-data`, "
        "docs/staff-app.md): what to answer next. They are not texts the assistant says, and "
        "not part of the content version. When one has an answer (docs/answer-content.md), "
        "delete it from `content/new_questions.yml` and run `make content-sheet`.",
        "",
    ]
    if not questions:
        return out + ["None yet."]
    out += ["| Labelled | Language | Question |", "|---|---|---|"]
    for question in questions:
        language = LANGUAGE_NAMES.get(question.language or "", question.language or "not recorded")
        out.append(f"| {question.labelled} | {language} | {markdown_text(question.text)} |")
    return out


def content_version(body: str) -> str:
    """A short fingerprint of the reviewed content."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def sign_off_rows(sheet: str) -> list[str]:
    """The rows of the sign-off table of an existing sheet (none when there is no sheet)."""
    if SIGN_OFF_START not in sheet or SIGN_OFF_END not in sheet:
        return []
    table = sheet.split(SIGN_OFF_START, 1)[1].split(SIGN_OFF_END, 1)[0]
    header = set(SIGN_OFF_HEADER.splitlines())
    return [
        line.strip()
        for line in table.splitlines()
        if line.strip().startswith("|") and line.strip() not in header
    ]


def render_sheet(
    rows: Iterable[str],
    lexicon: SubstanceLexicon | None = None,
    questions: Sequence[NewQuestion] | None = None,
) -> str:
    """The whole sheet, with the given sign-off rows (and content/new_questions.yml's list)."""
    body = render_body(lexicon)
    if questions is None:
        questions = read_new_questions()
    head = [
        "# Content review sheet",
        "",
        "Every text the assistant can say, for review by a clinician against the center's "
        "article. Generated by `make content-sheet` from `domain.yml`, "
        "`actions/faq_topics.yml`, `content/responses.yml` and "
        "`nlu_components/substances.yml`, and the visitors' questions at the end from "
        "`content/new_questions.yml`: change those, not this file, except for the "
        "sign-off table. `make test` fails when this file is out of date.",
        "",
        f"**Content version `{content_version(body)}`**: a fingerprint of everything below the "
        "sign-off table but the visitors' questions at the end. A sign-off holds for the "
        "content version it names.",
        "",
        "## Sign-off",
        "",
        "Review every text below against the article, then add a row: your name, role, the "
        "date, the commit (`git rev-parse --short HEAD`) and the content version above.",
        "",
        SIGN_OFF_START,
        SIGN_OFF_HEADER,
        *rows,
        SIGN_OFF_END,
        "",
    ]
    return "\n".join(head) + "\n" + body + "\n" + "\n".join(render_questions(questions)) + "\n"


def main() -> None:
    """Writes docs/content-review.md, keeping its sign-off rows."""
    existing = SHEET_FILE.read_text(encoding="utf-8") if SHEET_FILE.exists() else ""
    sheet = render_sheet(sign_off_rows(existing))
    if sheet == existing:
        print(f"{SHEET_FILE.relative_to(PROJECT_ROOT)} is up to date.")
        return
    SHEET_FILE.write_text(sheet, encoding="utf-8")
    print(f"Wrote {SHEET_FILE.relative_to(PROJECT_ROOT)}: review it, and commit it.")


if __name__ == "__main__":
    main()
