"""Names introduced as names: "my name is ...", "I'm ...", "this is ...", "my son ...".

After "my name is", "name's", "name:", "first/last name", "named", "Patient:", "me llamo",
"mi nombre es", "se llama" the next one to three words are taken whatever their case, stopping
at common words, digits and punctuation; particles (de, la, van...) and hyphens/apostrophes are
kept inside. After "I'm"/"I am", "soy", "this is", "it's", "call me", "go by", "me dicen" a
capitalised word that is not a common word, drug or feeling is a name; a lowercase word needs
confirmation ("i'm jake calling", "it's jake from ...", "call me sam." at a clause end, a first
and last name after "I'm"), or to be a proper noun (:mod:`.proper_nouns`: "jake", not "aware")
at a clause end ("i'm jake", "this is jake.", "soy juan y ..."). "my son/wife/... <Name>", "mi
hijo <Name>", "Dr./Mr./Ms./Nurse <Name>", "its <Name>": capitalised, or a lowercase proper noun
("my son tyler took", not "my son took"). Sign-offs ("Thanks, Dana", "thanks jake", "gracias
Juan"; not "thanks doc"), "<Name> here", any "<name>'s mom/son/..." ("tyler's mom") and "la
madre de <Name>".
"""

from __future__ import annotations

import re

from storage.redaction.placeholders import NAME, replace_spans
from storage.redaction.proper_nouns import is_proper_noun
from storage.redaction.words import (
    DRUGS,
    NAME_STOP,
    NOT_A_NAME,
    PARTICLES,
    RELATIONS,
    SPANISH_NOT_A_NAME,
    SPANISH_RELATIONS,
    alternation,
)

_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|(?!['’]s\b)['’-](?=[^\W\d_]))*")
_GAP = re.compile(r"[ \t]+")
_RELATION_ALT = alternation(RELATIONS) + r"|" + alternation(RELATIONS) + r"s"
_SPANISH_RELATION_ALT = alternation(SPANISH_RELATIONS)

_STRONG = "strong"  # "my name is": the next words, whatever their case
_SELF = "self"  # "I'm": capitalised, or lowercase and confirmed, or "i'm jake peterson"
_WEAK = "weak"  # "this is", "it's": capitalised, or lowercase and confirmed
_CALL = "call"  # "call me", "go by": capitalised, or lowercase at a clause end
_TITLE = "title"  # "Dr.", "my son", "its" (often possessive): capitalised only

_NAME_INTROS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(?i)\bname(?:[ \t]+(?:is|was)\b|['’]s|[ \t]*[:=]|[ \t]+-)[ \t]*(?:[:\-][ \t]*)?"
            r"|\b(?:first|last|full|middle|sur)[ \t]*name[ \t]+(?!(?:is|was)\b)|\bnamed[ \t]+"
            r"|\b(?:patient|client|caller|parent|guardian)[ \t]*:[ \t]*"
            r"|\bme[ \t]+llamo[ \t]+|\bmi[ \t]+nombre[ \t]+es[ \t]+"
            r"|\bnombre[ \t]*:[ \t]*"
        ),
        _STRONG,
    ),
    (re.compile(r"(?i)\b(?:i['’]?m|i[ \t]+am|soy)[ \t]+(?:just[ \t]+)?"), _SELF),
    (
        re.compile(
            r"(?i)\b(?:this[ \t]+is|it['’]s)[ \t]+(?:just[ \t]+)?"
            r"|\b(?:se|te|le)[ \t]+llam(?:a|as|an)[ \t]+"  # "mi hijo se llama Tyler"
        ),
        _WEAK,
    ),
    (re.compile(r"(?i)\bits[ \t]+"), _TITLE),
    (
        re.compile(
            r"(?i)\b(?:call[ \t]+(?:me|him|her)|go(?:es)?[ \t]+by|known[ \t]+as"
            r"|me[ \t]+(?:dicen|llaman))[ \t]+"
        ),
        _CALL,
    ),
    (
        re.compile(
            r"(?i)\b(?:(?:dr|mr|mrs|ms|mx|prof)\.?|doctor|nurse)[ \t]+"
            r"|\b(?:my|our|his|her|their)[ \t]+(?:" + _RELATION_ALT + r")[ \t]*,?[ \t]+"
            r"|\b(?:mi|mis|tu|su|sus|nuestr[oa]s?)[ \t]+(?:"
            + _SPANISH_RELATION_ALT
            + r")[ \t]*,?[ \t]+"
        ),
        _TITLE,
    ),
]
_CONFIRMS_WEAK = re.compile(
    r"(?i)(?:['’]s[ \t]+(?:" + _RELATION_ALT + r")\b"
    r"|[ \t]*,?[ \t]+(?:calling|speaking|writing|texting|here[ \t]+(?:calling|for|about|with)"
    r"|from\b|(?:the|his|her|their|your|a|an)[ \t]+(?:" + _RELATION_ALT + r")\b"
    r"|[^\W\d_]+['’]s[ \t]+(?:" + _RELATION_ALT + r")\b))"
)
_CONFIRMS_CALL = re.compile(r"(?i)[ \t]*(?:[.,!;)]|$|\n|[ \t]+(?:and|but|or|please|pls|thanks?)\b)")
_ENDS = re.compile(r"(?i)[ \t]*(?:[.,!?;:)]|$|\n|[ \t]+(?:and|but|from|here|y|pero|desde)\b)")
_ADJECTIVE_ENDINGS = ("ous", "ful", "able", "ible", "ied", "less", "ness", "ated", "ened", "ized")
_NAME_HERE = re.compile(
    r"(?:^|(?<=[.!?\n])[ \t]*|\b(?i:hi|hello|hey)[ \t]*[,!.]?[ \t]+)"
    r"(?P<name>(?!(?i:hi|hello|hey)\b)[A-Z][^\W\d_]*(?:[ \t]+[A-Z][^\W\d_]*)?)"
    r"[ \t]*,?[ \t]+here\b"
)
# "la madre de Tyler", "soy el papá de juan": a capitalised or proper noun after "<relation> de".
_SPANISH_RELATION_OF = re.compile(
    r"(?i)\b(?:" + _SPANISH_RELATION_ALT + r")[ \t]+de[ \t]+(?P<name>[^\W\d_]+)(?![\w'’])"
)
_POSSESSIVE_RELATION = re.compile(
    r"(?i)(?<![\w'’])(?P<name>[^\W\d_]{2,})(?=['’]s[ \t]+(?:" + _RELATION_ALT + r")\b)"
)
_SIGN_OFF = re.compile(
    r"(?i)\b(?:thanks|thank[ \t]+you|thx|regards|sincerely|cheers|gracias|saludos)"
    r"(?:[ \t]+(?:again|so[ \t]+much|a[ \t]+lot))?[ \t]*[,!.-]*"
    r"(?:[ \t]+|\n+[ \t]*)(?-i:(?P<name>[A-Z][^\W\d_]+(?:[ \t]+[A-Z][^\W\d_]+)?))[ \t]*[.!]*[ \t]*$"
)


# Quick checks before the patterns that need these words.
_MAY_SIGN_OFF = re.compile(r"(?i)\b(?:thank|thx|ty\b|regards|sincerely|cheers|gracias|saludos)")
_MAY_RELATION_OF = re.compile(r"(?i)\bde\b")
# "thanks jake", "gracias juan!": a lowercase proper noun after thanks, at a clause end.
_LOWERCASE_SIGN_OFF = re.compile(
    r"(?i)\b(?:thanks|thank[ \t]+you|thx|ty|gracias|muchas[ \t]+gracias)[ \t]*,?[ \t]+"
    r"(?P<name>[^\W\d_]+)(?=[ \t]*(?:[.,!?;)]|$|\n))"
)


def _adjective_like(word: str) -> bool:
    """Whether a word looks like an adjective or participle rather than a name."""
    lower = word.lower()
    if len(lower) >= 6 and lower.endswith("ing"):
        return True
    if len(lower) >= 8 and lower.endswith("ed") and not lower.endswith("fred"):
        return True
    if len(lower) >= 9 and lower.endswith("ly"):
        return True
    return len(lower) >= 5 and lower.endswith(_ADJECTIVE_ENDINGS)


def _capitalised(word: str) -> bool:
    """Whether a word starts with an upper-case letter."""
    return word[0].isupper()


def _name_like(word: str) -> bool:
    """Whether a word could be part of a name after a weak introduction."""
    return word.lower() not in NAME_STOP and not _adjective_like(word)


def _first_and_last_name(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether lowercase words look like "jake peterson": two words, none an adverb."""
    words = [text[start:end].lower() for start, end in spans]
    names = [word for word in words if word not in PARTICLES]
    return len(names) == 2 and not any(word.endswith("ly") for word in names)


def _name_span(text: str, start: int, kind: str) -> tuple[int, int] | None:
    """The span of the name that starts at ``start`` after an introduction, if any."""
    spans: list[tuple[int, int]] = []
    position = start
    counted = 0
    first_capitalised = False
    while counted < 3:
        match = _NAME_WORD.match(text, position)
        if not match:
            break
        word = match.group()
        end = match.end()
        if end < len(text) and (text[end].isdigit() or text[end] in "@_"):
            break  # "jake2000", part of something else
        # A single initial: "John Q. Public"
        if len(word) == 1 and word.isupper() and text[end : end + 1] == "." and spans:
            end += 1
        lower = word.lower()
        if not spans:
            if kind == _STRONG:
                if lower in NOT_A_NAME or lower in SPANISH_NOT_A_NAME or lower in DRUGS:
                    return None
            elif not _name_like(word):
                return None
            first_capitalised = _capitalised(word)
        else:
            if lower in PARTICLES:
                pass
            elif lower in NAME_STOP or lower in DRUGS:
                break
            elif first_capitalised and not _capitalised(word):
                break
            elif not first_capitalised and _adjective_like(word):
                break
            elif not first_capitalised and kind != _STRONG and not is_proper_noun(word):
                break  # "my son tyler seems", not "my son [NAME] to be"
        spans.append((match.start(), end))
        if lower not in PARTICLES:
            counted += 1
        if kind != _STRONG and not first_capitalised and counted >= 2:
            break
        gap = _GAP.match(text, end)
        if not gap:
            break
        position = gap.end()
    while spans and text[spans[-1][0] : spans[-1][1]].lower() in PARTICLES:
        spans.pop()
    if not spans:
        return None
    span = (spans[0][0], spans[-1][1])
    if not first_capitalised:
        rest = text[span[1] :]
        proper = all(
            is_proper_noun(text[start:end])
            for start, end in spans
            if text[start:end].lower() not in PARTICLES
        )
        if kind == _WEAK and not (_CONFIRMS_WEAK.match(rest) or proper and _ENDS.match(rest)):
            return None
        if kind == _SELF and not (
            _CONFIRMS_WEAK.match(rest)
            or (proper or _first_and_last_name(text, spans))
            and _ENDS.match(rest)
        ):
            return None
        if kind == _CALL and not _CONFIRMS_CALL.match(rest):
            return None
        if kind == _TITLE and not proper:
            return None
    return span


def redact_names(text: str) -> str:
    """Replaces names that follow an introduction ("my name is", "I'm", ...)."""
    spans: list[tuple[int, int]] = []
    for pattern, kind in _NAME_INTROS:
        for intro in pattern.finditer(text):
            span = _name_span(text, intro.end(), kind)
            if span:
                spans.append(span)
    may_sign_off = _MAY_SIGN_OFF.search(text)
    patterns = (
        (_NAME_HERE, _POSSESSIVE_RELATION, _SIGN_OFF)
        if may_sign_off
        else (
            _NAME_HERE,
            _POSSESSIVE_RELATION,
        )
    )
    for pattern in patterns:
        for match in pattern.finditer(text):
            words = match.group("name").split()
            if all(_name_like(word) for word in words):
                spans.append(match.span("name"))
    if _MAY_RELATION_OF.search(text):
        for match in _SPANISH_RELATION_OF.finditer(text):
            name = match.group("name")
            if _name_like(name) and (_capitalised(name) or is_proper_noun(name)):
                spans.append(match.span("name"))
    if may_sign_off:
        for match in _LOWERCASE_SIGN_OFF.finditer(text):
            name = match.group("name")
            if _name_like(name) and is_proper_noun(name):
                spans.append(match.span("name"))
    return replace_spans(text, spans, NAME)
