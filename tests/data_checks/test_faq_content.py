"""The vetted answers: one per topic of the article and language, sourced, short, safe, and
written once.

Which topics there are, and which safety lines each answer carries, is the topic registry's
(actions/faq_topics.yml; tests/data_checks/test_topic_registry.py checks every topic has its
answer). The safety rules apply to every text the assistant can say (every variation of every
response in domain.yml), as the visitor reads it.
"""

import re
import subprocess

import pytest

from actions.faq_topics import load_catalogue
from content.article import REFERENCES_HEADING, SOURCE_REFERENCES, sections, source_names
from content.languages import SPANISH, variation_language
from content.safety_lines import ALL_LINES, LINES_OF_KEY, paragraphs, registry_lines_in
from content.sheet import SHEET_FILE
from devtools.project_files import PROJECT_ROOT, load_yaml

RESPONSES = load_yaml("domain.yml")["responses"]
FAQ_ANSWERS = {
    name.split("/", 1)[1]: variations
    for name, variations in RESPONSES.items()
    if name.startswith("utter_faq/")
}
EVERY_TEXT = [
    pytest.param(variation["text"], id=f"{name}-{number}")
    for name, variations in RESPONSES.items()
    for number, variation in enumerate(variations, start=1)
]
# Sections of the article that are not about clonazepam: its title and lead, its list of
# references, the website's "verify your insurance" box after it.
NOT_TOPICS = {sections()[0].heading, REFERENCES_HEADING, "Verify Your Insurance Online"}

LANGUAGES = ("en", "es")
# A risk a person could die of, named in a text: it must carry 911.
DEADLY = re.compile(
    r"life-threatening|deadly|fatal|overdos|breathing|\bcoma\b|hard to wake|not being able to wake"
    r"|cannot be woken"
    r"|mortal|pone en peligro la vida|sobredosis|respira|dif[ií]cil de despertar"
    r"|no poder despertar",
    re.IGNORECASE,
)
SUICIDE = re.compile(r"suicid", re.IGNORECASE)
OVERDOSE = re.compile(r"overdos|sobredosis", re.IGNORECASE)
STOPPING = re.compile(
    r"withdrawal|taper|quit|\bstopping\b|\bstop taking\b"
    r"|abstinencia|reducci[oó]n gradual|dejar de tomar|dejar el clonazepam",
    re.IGNORECASE,
)
# Wording that leaves room for a do-it-yourself taper.
DIY_TAPER = re.compile(
    r"suddenly on your own|on your own is not recommended|de golpe por su cuenta", re.IGNORECASE
)
# The only numbers the assistant may say: 911, 988 (and "press 2" for its Spanish line),
# Poison Control, SAMHSA, "24/7", and years in a Source line. Anything else could read as a dose.
ALLOWED_NUMBERS = re.compile(
    r"\b911\b|\b988(?:lifeline\.org|lineadevida\.org)?\b|\b(?:marque|marcar) 2\b"
    r"|1-800-222-1222|1-800-662-4357|\b24/7\b"
)
YEAR_IN_SOURCE = re.compile(r"^(?:Source|Fuentes?): .*$", re.MULTILINE)
SOURCE_LINE = {"en": "Source: ", "es": ("Fuente: ", "Fuentes: ")}
# Words of the answer itself, without its safety lines and its Source line. Spanish takes
# about a fifth more words than English to say the same.
MAX_WORDS = {"en": 90, "es": 120}


def answer(topic: str, language: str = "en") -> str:
    [variation] = [v for v in FAQ_ANSWERS[topic] if variation_language(v) == language]
    return str(variation["text"])


def source_line(text: str, language: str) -> str:
    """The answer's Source line, as "Source: ..." whatever its language."""
    last_line = text.strip().splitlines()[-1]
    assert last_line.startswith(SOURCE_LINE[language]), last_line
    return "Source: " + last_line.split(": ", 1)[1]


def without_911_sentences(text: str) -> str:
    """The text without the sentences that give the 911 line itself."""
    return " ".join(
        sentence for sentence in re.split(r"(?<=[.!?])\s+", text) if "911" not in sentence
    )


def test_every_section_of_the_article_has_a_topic_and_every_topic_a_section() -> None:
    headings = {section.heading for section in sections()}
    topic_sections = {topic.article_section for topic in load_catalogue().values()}
    assert topic_sections <= headings
    assert topic_sections == headings - NOT_TOPICS


@pytest.mark.parametrize("topic", sorted(load_catalogue()))
def test_each_topic_has_exactly_one_sourced_short_answer_per_language(topic: str) -> None:
    assert sorted(variation_language(v) for v in FAQ_ANSWERS[topic]) == sorted(LANGUAGES)
    english_sources = source_names(source_line(answer(topic), "en"))
    assert set(english_sources) <= set(SOURCE_REFERENCES)
    for language in LANGUAGES:
        text = answer(topic, language)
        assert source_names(source_line(text, language)) == english_sources
        body = text.strip().rsplit("\n", 1)[0]
        for line in ALL_LINES:
            body = body.replace(line, "")
        assert len(body.split()) <= MAX_WORDS[language], language


@pytest.mark.parametrize("text", EVERY_TEXT)
def test_a_text_that_names_a_deadly_risk_says_call_911(text: str) -> None:
    if DEADLY.search(text):
        assert "911" in text


@pytest.mark.parametrize("text", EVERY_TEXT)
def test_a_text_that_mentions_suicide_gives_988(text: str) -> None:
    if SUICIDE.search(text):
        assert "988" in text


@pytest.mark.parametrize("text", EVERY_TEXT)
def test_a_text_about_overdose_says_call_911_in_its_first_message(text: str) -> None:
    if OVERDOSE.search(without_911_sentences(text)):
        assert "911" in paragraphs(text)[0]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "name", ["utter_emergency_911", "utter_crisis_988", "utter_safety_caution"]
)
def test_the_safety_scripts_first_message_names_both_911_and_988(name: str, language: str) -> None:
    """A crisis read as an emergency, or the other way round, still sees both numbers first."""
    [text] = [str(v["text"]) for v in RESPONSES[name] if variation_language(v) == language]
    first = paragraphs(text)[0]
    assert "911" in first and "988" in first


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(load_catalogue()))
def test_an_answer_about_stopping_or_withdrawal_says_dont_stop_on_your_own(
    topic: str, language: str
) -> None:
    text = answer(topic, language)
    dont_stop = LINES_OF_KEY[language]["dont_stop"]
    if STOPPING.search(text.replace(dont_stop, "")):
        assert dont_stop in text
    assert not DIY_TAPER.search(text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", sorted(load_catalogue()))
def test_each_answer_carries_the_safety_lines_its_registry_entry_names(
    topic: str, language: str
) -> None:
    """Exactly those: call_911_first as its first message, the others anywhere."""
    named = set(load_catalogue()[topic].safety_lines)
    carried = registry_lines_in(answer(topic, language), language)
    assert carried >= named, (
        f"utter_faq/{topic} ({language}) in domain.yml lacks {sorted(named - carried)}, which "
        f"actions/faq_topics.yml names for it (wording: content/safety_lines.py)"
    )
    assert carried <= named, (
        f"utter_faq/{topic} ({language}) carries {sorted(carried - named)}: add it to its "
        f"`safety_lines` in actions/faq_topics.yml"
    )


@pytest.mark.parametrize(
    "name, variation",
    [
        pytest.param(name, variation, id=f"{name}-{number}")
        for name, variations in RESPONSES.items()
        for number, variation in enumerate(variations, start=1)
    ],
)
def test_a_spanish_variation_says_it_is_spanish_to_the_widget(name: str, variation: dict) -> None:
    """Its `metadata: {language: es}` reaches the widget as `lang="es"` (screen readers)."""
    conditions = variation.get("condition") or []
    spanish_condition = {"type": "slot", "name": "language", "value": "es"} in conditions
    metadata = variation.get("metadata") or {}
    assert (metadata.get("language") == SPANISH) == (variation_language(variation) == SPANISH)
    if conditions and variation_language(variation) == SPANISH:
        assert spanish_condition, name


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_can_be_said_in_both_languages(name: str) -> None:
    languages = {variation_language(v) for v in RESPONSES[name]}
    assert "es" in languages, f"{name} has no Spanish variation"


def test_the_interactions_overview_names_every_item_and_sends_to_a_pharmacist() -> None:
    text = answer("interactions_overview").lower()
    for words in (
        "narcotic",
        "sodium oxybate",
        "antipsychotic",
        "allergy or cold",
        "anxiety",
        "sleep",
        "depression",
        "fungal",
        "seizures",
        "anesthetic",
        "muscle relaxers",
        "alcohol",
        "opioids",
        "benzos",
    ):
        assert words in text
    assert "should also be avoided" in text
    assert "doctor or pharmacist" in text


@pytest.mark.parametrize("text", EVERY_TEXT)
def test_no_text_has_a_number_that_could_read_as_a_dose(text: str) -> None:
    rest = ALLOWED_NUMBERS.sub("", YEAR_IN_SOURCE.sub("", text))
    assert not re.search(r"\d", rest), rest


def test_the_center_is_not_said_to_offer_inpatient_care() -> None:
    text = answer("inpatient")
    assert "Our center's own programs are outpatient" in text
    for words in ("partial hospitalization", "intensive outpatient", "standard outpatient"):
        assert words in text


@pytest.mark.parametrize(
    "jargon", ["PHP", "IOP", "prescriber", "Lennox-Gastaut syndrome and", "absence, myoclonic"]
)
def test_no_unexplained_jargon(jargon: str) -> None:
    texts = " ".join(str(v["text"]) for variations in RESPONSES.values() for v in variations)
    assert jargon not in texts


@pytest.mark.parametrize(
    "language, automated, not_advice, overdose",
    [
        (
            "en",
            "automated assistant",
            "not medical advice",
            "If someone may be overdosing, call 911",
        ),
        ("es", "asistente automático", "no es un consejo médico", "llame al 911 ahora"),
    ],
)
def test_greeting_says_automated_not_medical_advice_and_911_with_topic_buttons(
    language: str, automated: str, not_advice: str, overdose: str
) -> None:
    [greeting] = [v for v in RESPONSES["utter_greet"] if variation_language(v) == language]
    assert automated in greeting["text"]
    assert not_advice in greeting["text"]
    assert overdose in greeting["text"]
    assert 4 <= len(greeting["buttons"]) <= 6
    questions = {topic.question_in(language) for topic in load_catalogue().values()}
    assert {button["payload"] for button in greeting["buttons"]} <= questions


def test_no_two_responses_share_their_text() -> None:
    """(Two variations of one response may: the Spanish interaction advice is the same when
    the action found no dangerous mix and when it could not run.)"""
    texts = [text for variations in RESPONSES.values() for text in {v["text"] for v in variations}]
    assert len(set(texts)) == len(texts)


def tracked_files() -> list[str]:
    """The project's files: tracked by git, or new and not ignored."""
    return subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def distinctive_paragraphs() -> list[str]:
    """Paragraphs of the answers that are specific to one answer (not shared safety lines)."""
    found = []
    for variations in FAQ_ANSWERS.values():
        for paragraph in (p for variation in variations for p in paragraphs(variation["text"])):
            candidate = paragraph
            for line in ALL_LINES:
                candidate = candidate.replace(line, "")
            candidate = " ".join(candidate.split())
            if len(candidate.split()) >= 8 and not candidate.startswith(("Source:", "Fuente")):
                found.append(candidate)
    return found


def test_answer_text_lives_only_in_the_domain() -> None:
    """No answer is written anywhere else (the review sheet is generated from the domain)."""
    generated = {"domain.yml", str(SHEET_FILE.relative_to(PROJECT_ROOT))}
    others_flat = [
        " ".join((PROJECT_ROOT / path).read_text(encoding="utf-8", errors="ignore").split())
        for path in tracked_files()
        if path not in generated and (PROJECT_ROOT / path).is_file()
    ]
    for paragraph in distinctive_paragraphs():
        assert not any(paragraph in text for text in others_flat), paragraph


def test_no_real_looking_phone_number_anywhere_in_the_project() -> None:
    """Only 911, 988, Poison Control, SAMHSA and fictional 555-01xx numbers may appear."""
    tracked = tracked_files()
    phone = re.compile(r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
    allowed = re.compile(r"555[\s.-]01\d\d|800[\s.-]222[\s.-]1222|800[\s.-]662[\s.-]4357")
    found = [
        (path, number)
        for path in tracked
        if (PROJECT_ROOT / path).is_file() and not path.endswith(".lock")
        for number in phone.findall((PROJECT_ROOT / path).read_text(errors="ignore"))
        if not allowed.search(number)
    ]
    assert found == []
