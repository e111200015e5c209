"""What staff see in the "Unanswered questions" report: similar questions grouped."""

from __future__ import annotations

import logging
import random
from collections import Counter

import pytest

from review.similarity import MessageGroup, UnansweredMessage, group_similar

DRINKING = [
    "can I drink alcohol on klonopin",
    "is it ok to drink beer with clonazepam",
    "drinking while taking klonopin?",
]
UNRELATED = ["how much does rehab cost", "what does the pill look like"]


def messages_from(texts: list[str], start_time: float = 1_700_000_000.0) -> list[UnansweredMessage]:
    """One message per text, each a minute newer than the one before."""
    return [
        UnansweredMessage(
            event_id=index + 1,
            sender_id=f"visitor-{index % 3}",
            text=text,
            timestamp=start_time + 60.0 * index,
        )
        for index, text in enumerate(texts)
    ]


def group_of(groups: list[MessageGroup], text: str) -> MessageGroup:
    """The group holding the message with this text."""
    [group] = [g for g in groups if any(m.text == text for m in g.messages)]
    return group


def texts_of(group: MessageGroup) -> set[str]:
    return {message.text for message in group.messages}


def test_paraphrases_of_one_question_form_one_group() -> None:
    groups = group_similar(messages_from(DRINKING + UNRELATED))

    drinking = group_of(groups, DRINKING[0])
    assert texts_of(drinking) == set(DRINKING)
    for text in UNRELATED:
        assert group_of(groups, text) is not drinking
    assert group_of(groups, UNRELATED[0]) is not group_of(groups, UNRELATED[1])


def test_paraphrases_still_group_among_many_other_questions() -> None:
    others = [
        "is klonopin safe when pregnant",
        "pregnant and taking clonazepam",
        "how long does klonopin withdrawal last",
        "what are the withdrawal symptoms of clonazepam",
        "do you accept medicaid",
        "what are your opening hours",
    ]
    groups = group_similar(messages_from(others[:3] + DRINKING + others[3:] + UNRELATED))

    drinking = group_of(groups, DRINKING[0])
    assert texts_of(drinking) == set(DRINKING)
    assert group_of(groups, others[0]) is group_of(groups, others[1])  # pregnant
    assert group_of(groups, others[2]) is group_of(groups, others[3])  # withdrawal
    assert group_of(groups, others[0]) is not group_of(groups, others[2])


def test_plural_and_verb_forms_count_as_the_same_word() -> None:
    texts = [
        "my son drank and slept all day",
        "drinking then sleeping for hours",
        "what do the tablets look like",
        "tablet looks different",
        "how much does rehab cost",
    ]
    groups = group_similar(messages_from(texts))

    assert texts_of(group_of(groups, texts[0])) == {texts[0], texts[1]}
    assert texts_of(group_of(groups, texts[2])) == {texts[2], texts[3]}


def test_every_spelling_of_the_drug_name_is_one_term() -> None:
    texts = [
        "klonopin and grapefruit juice",
        "clonazepam with grapefruit",
        "k-pins and grapefruit",
        "kpin grapefruit juice",
        "k pin grapefruit",
        "grapefruit juice with the klonopins",
    ]
    groups = group_similar(messages_from(texts + UNRELATED))

    grapefruit = group_of(groups, texts[0])
    assert texts_of(grapefruit) == set(texts)
    assert "clonazepam" in grapefruit.key_terms
    assert not {"klonopin", "klonopins", "kpin", "k", "pin"} & set(grapefruit.key_terms)


def test_a_message_like_two_groups_joins_the_more_similar_one() -> None:
    texts = ["alcohol while pregnant with a baby", "pregnant baby", "alcohol beer"]  # oldest first
    groups = group_similar(messages_from(texts), threshold=0.3)

    assert texts_of(group_of(groups, texts[0])) == {texts[0], texts[1]}
    assert texts_of(group_of(groups, texts[2])) == {texts[2]}


def test_a_message_as_similar_to_two_groups_joins_the_one_created_first() -> None:
    # Newest first: "alpha bravo" starts the first group, "charlie delta" the second, and
    # "alpha charlie" is exactly as similar to both (same idf for alpha and charlie).
    texts = ["alpha charlie", "charlie delta", "alpha bravo"]  # oldest first
    groups = group_similar(messages_from(texts))

    assert texts_of(group_of(groups, texts[0])) == {texts[0], texts[2]}
    assert texts_of(group_of(groups, texts[1])) == {texts[1]}


def test_key_terms_show_what_the_group_is_about() -> None:
    groups = group_similar(messages_from(DRINKING + UNRELATED))

    drinking = group_of(groups, DRINKING[0])
    assert "drink" in drinking.key_terms
    assert drinking.key_terms[0] in {"drink", "clonazepam"}  # in all three messages
    assert len(drinking.key_terms) <= 4
    assert "alcohol" not in drinking.key_terms  # only in one of them
    assert set(group_of(groups, UNRELATED[0]).key_terms) == {"rehab", "cost"}


def test_key_terms_are_at_most_four_most_shared_first() -> None:
    texts = [
        "alpha bravo charlie delta echo foxtrot",
        "alpha bravo charlie delta echo",
        "alpha bravo charlie delta",
        "alpha bravo charlie",
        "alpha bravo",
    ]
    [group] = group_similar(messages_from(texts))

    assert group.key_terms == ("alpha", "bravo", "charlie", "delta")


def test_largest_groups_come_first() -> None:
    texts = [
        "can I drink alcohol on klonopin",
        "is klonopin safe when pregnant",
        "is it ok to drink beer with clonazepam",
        "drinking while taking klonopin?",
        "pregnant and taking clonazepam",
        "how much does rehab cost",  # the newest
    ]
    groups = group_similar(messages_from(texts))

    assert [len(group.messages) for group in groups] == [3, 2, 1]
    assert "drink" in groups[0].key_terms
    assert "pregnant" in groups[1].key_terms


def test_groups_of_equal_size_show_the_most_recently_asked_first() -> None:
    texts = [
        "how much does rehab cost",
        "rehab cost estimate",
        "what does the pill look like",
        "pill looks different",
        "opening hours on sunday",
        "sunday opening hours",
    ]
    groups = group_similar(messages_from(texts))

    assert [len(group.messages) for group in groups] == [2, 2, 2]
    assert [group.messages[0].text for group in groups] == [texts[5], texts[3], texts[1]]


def test_messages_in_a_group_are_newest_first() -> None:
    times = [300.0, 100.0, 200.0]
    messages = [
        UnansweredMessage(event_id=i + 10, sender_id="s", text=text, timestamp=time_)
        for i, (text, time_) in enumerate(zip(DRINKING, times, strict=True))
    ]
    [drinking] = group_similar(messages)

    assert [message.timestamp for message in drinking.messages] == [300.0, 200.0, 100.0]
    assert drinking.messages[0] is messages[0]


def test_input_order_does_not_change_the_report() -> None:
    messages = messages_from(DRINKING + UNRELATED + ["pill look", "rehab price", "??"])
    shuffled = list(messages)
    random.Random(3).shuffle(shuffled)

    assert group_similar(shuffled) == group_similar(messages)


def test_no_messages_give_no_groups() -> None:
    assert group_similar([]) == []


def test_messages_without_words_go_to_one_last_group_without_key_terms() -> None:
    empty = ["??", "[PHONE]", "[NAME] [EMAIL]!!", "...", "   ", "is it", "don't"]
    messages = messages_from(empty[:3] + DRINKING + empty[3:] + UNRELATED)
    groups = group_similar(messages)

    last = groups[-1]
    assert last.key_terms == ()
    assert texts_of(last) == set(empty)  # the largest group, still shown last
    assert [m.timestamp for m in last.messages] == sorted(
        (m.timestamp for m in last.messages), reverse=True
    )
    assert all(group.key_terms for group in groups[:-1])


def test_redaction_placeholders_are_not_words() -> None:
    texts = [
        "call me at [PHONE] about klonopin withdrawal",
        "[PHONE] what helps with pregnancy nausea",
        "my name is [NAME] and i need detox",
    ]
    groups = group_similar(messages_from(texts))

    assert len(groups) == 3
    for group in groups:
        assert not {"phone", "name"} & set(group.key_terms)


def test_every_message_appears_exactly_once() -> None:
    topics = ["alcohol drink", "pregnant baby", "withdrawal seizure", "rehab cost", "pill color"]
    rng = random.Random(11)
    names = ["klonopin", "clonazepam", ""]
    texts = [
        f"{rng.choice(topics)} {rng.choice(names)} word{rng.randint(0, 40)}" for _ in range(300)
    ] + ["??", "[PHONE]"]
    messages = messages_from(texts)
    messages.append(messages[0])  # the same message given twice is shown twice

    groups = group_similar(messages)

    shown = Counter(id(message) for group in groups for message in group.messages)
    assert shown == Counter(id(message) for message in messages)
    assert sum(len(group.messages) for group in groups) == len(messages)


def test_a_higher_threshold_splits_loose_paraphrases() -> None:
    messages = messages_from(DRINKING + UNRELATED)

    strict = group_similar(messages, threshold=0.95)

    assert len(strict) == 5
    assert len(group_similar(messages)) == 3


def test_message_text_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    group_similar(messages_from(["my neighbour zorblax sells klonopin", *DRINKING]))

    assert "zorblax" not in caplog.text
