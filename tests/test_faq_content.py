"""The vetted answers: one per topic, sourced, short, safe, and written once."""

import re
import subprocess

import pytest

from actions.faq_topics import load_catalogue
from tests.conftest import PROJECT_ROOT, examples_by_intent, load_yaml

# The topics of the center's article, as the client listed them.
ARTICLE_TOPICS = {
    "what_is",
    "brand_names",
    "schedule",
    "uses",
    "off_label",
    "how_it_works",
    "side_effects",
    "serious_side_effects",
    "addictive",
    "dependence_vs_addiction",
    "signs_of_addiction",
    "is_safe",
    "misuse_prevalence",
    "interactions_overview",
    "overdose",
    "overdose_symptoms",
    "withdrawal_symptoms",
    "stopping_safely",
    "detox",
    "treatment_options",
    "inpatient",
    "outpatient_levels",
    "therapies",
    "location",
}
OVERDOSE_OR_MIXING_TOPICS = {
    "serious_side_effects",
    "is_safe",
    "interactions_overview",
    "overdose",
    "overdose_symptoms",
}
STOPPING_TOPICS = {"withdrawal_symptoms", "stopping_safely", "detox", "dependence_vs_addiction"}
LINE_911 = "If someone may be overdosing, call 911 now and stay with them until help arrives."
LINE_DOCTOR = "Talk to your doctor before stopping or changing clonazepam."
KNOWN_SOURCES = (
    "Mayo Clinic",
    "MedlinePlus",
    "Cleveland Clinic",
    "NCI EVS Explore",
    "DEA",
    "StatPearls",
    "FDA Klonopin label, 2021",
    "Szalavitz et al., Annals of Medicine, 2021",
    "Sarangi et al., Cureus, 2021",
    "EBSCO",
    "Empowered Recovery Center clonazepam guide",
)
# The only phone numbers the assistant may say: 911, 988, Poison Control, SAMHSA.
ALLOWED_NUMBERS = {"911", "988", "1-800-222-1222", "1-800-662-4357"}
PHONE_LIKE = re.compile(r"\b(?:1-)?\d{3}-\d{3}-\d{4}\b|\b\d{3}\b")
DOSE_LIKE = re.compile(r"\d\s*(?:mg|milligram|microgram|mcg|pill|tablet)", re.IGNORECASE)

RESPONSES = load_yaml("domain.yml")["responses"]
FAQ_ANSWERS = {
    name.split("/", 1)[1]: variations
    for name, variations in RESPONSES.items()
    if name.startswith("utter_faq/")
}


def answer(topic: str) -> str:
    return FAQ_ANSWERS[topic][0]["text"]


def test_every_article_topic_has_answer_button_and_training_data() -> None:
    nlu_topics = {
        intent.split("/", 1)[1]
        for intent in examples_by_intent("data/nlu.yml")
        if intent.startswith("faq/")
    }
    assert set(FAQ_ANSWERS) == ARTICLE_TOPICS
    assert set(load_catalogue()) == ARTICLE_TOPICS
    assert nlu_topics == ARTICLE_TOPICS


@pytest.mark.parametrize("topic", sorted(ARTICLE_TOPICS))
def test_each_topic_has_exactly_one_sourced_short_answer(topic: str) -> None:
    assert len(FAQ_ANSWERS[topic]) == 1
    text = answer(topic)
    last_line = text.strip().splitlines()[-1]
    assert last_line.startswith("Source: ")
    assert any(source in last_line for source in KNOWN_SOURCES)
    assert len(text.split()) <= 90


@pytest.mark.parametrize("topic", sorted(OVERDOSE_OR_MIXING_TOPICS))
def test_overdose_and_mixing_answers_end_with_the_911_line(topic: str) -> None:
    assert LINE_911 in answer(topic)


@pytest.mark.parametrize("topic", sorted(STOPPING_TOPICS))
def test_stopping_answers_say_talk_to_your_doctor(topic: str) -> None:
    assert LINE_DOCTOR in answer(topic)


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_no_response_gives_a_dose_or_an_invented_phone_number(name: str) -> None:
    for variation in RESPONSES[name]:
        text = variation["text"]
        assert not DOSE_LIKE.search(text)
        assert set(PHONE_LIKE.findall(text)) <= ALLOWED_NUMBERS


def test_greeting_says_automated_not_medical_advice_and_911_with_topic_buttons() -> None:
    greeting = RESPONSES["utter_greet"][0]
    assert "automated assistant" in greeting["text"]
    assert "not medical advice" in greeting["text"]
    assert "If someone may be overdosing, call 911 now." in greeting["text"]
    assert 4 <= len(greeting["buttons"]) <= 6
    questions = {topic.question for topic in load_catalogue().values()}
    assert {button["payload"] for button in greeting["buttons"]} <= questions


def test_no_two_responses_share_their_text() -> None:
    texts = [variation["text"] for variations in RESPONSES.values() for variation in variations]
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
    shared = {LINE_911, LINE_DOCTOR}
    paragraphs = []
    for variations in FAQ_ANSWERS.values():
        for paragraph in variations[0]["text"].split("\n\n"):
            lines = [line for line in paragraph.splitlines() if line not in shared]
            candidate = " ".join(lines).strip()
            if len(candidate.split()) >= 8 and not candidate.startswith("Source:"):
                paragraphs.append(candidate)
    return paragraphs


def test_answer_text_lives_only_in_the_domain() -> None:
    tracked = tracked_files()
    others = [
        (PROJECT_ROOT / path).read_text(encoding="utf-8", errors="ignore")
        for path in tracked
        if path != "domain.yml" and (PROJECT_ROOT / path).is_file()
    ]
    others_flat = [" ".join(text.split()) for text in others]
    for paragraph in distinctive_paragraphs():
        flat = " ".join(paragraph.split())
        assert not any(flat in text for text in others_flat), paragraph


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
