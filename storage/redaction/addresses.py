"""Street addresses, PO boxes, "City, ST 64111" and ZIP codes introduced as such."""

from __future__ import annotations

import re

from nlu_components.drug_words import all_drug_words
from storage.redaction.placeholders import ADDRESS, keep_then
from storage.redaction.words import FUNCTION_WORDS, STOP, alternation, words

# Units and words that follow a number but never start a street name.
_ADDRESS_STOP = (
    FUNCTION_WORDS
    # "took 2 xanax bars st" is no address, but "700 Bourbon St" and "12 Wine St" are.
    | all_drug_words(except_categories=frozenset({"alcohol"}))
    | words(
        """
    mg mcg milligram milligrams ml pill pills tablet tablets tab tabs dose doses times x
    hour hours hr hrs minute minutes min mins second seconds day days week weeks month months
    year years yr yrs mile miles mi block blocks people kids times am pm oclock o'clock
    took take taking have had get got went go going was were is are been more less per
    different other another separate extra whole full half quarter few several many
    """
    )
)

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR"
).split()
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    "|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    "|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma"
    "|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah"
    "|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
).split("|")
_STATE_NAME = "|".join(name.replace(" ", r"[ \t]+") for name in _STATE_NAMES)
_STATE_STRICT = rf"(?:(?-i:{'|'.join(_STATE_CODES)})|{_STATE_NAME})\b\.?"
_STATE_ANYCASE = rf"(?:{'|'.join(_STATE_CODES)}|{_STATE_NAME})\b\.?"
_ZIP = r"\d{5}(?:-\d{4})?(?![\w-])"

_SUFFIXES_CLEAR = words(
    """
    street st avenue ave av road rd boulevard blvd lane ln drive parkway pkwy highway hwy
    terrace expressway expy freeway fwy
    """
)
# These need a capital, a unit/city/ZIP or "live"/"address" shortly before: "2 different dr".
_SUFFIXES_AMBIGUOUS = words(
    """
    dr way court ct place pl circle cir square sq trail trl plaza plz loop pike crescent
    cres alley aly row ter run path point pt ridge crossing xing
    """
)
_ADDRESS_WORD = (
    r"(?!(?:" + alternation(_ADDRESS_STOP) + r")\b)"
    r"(?:[a-z][a-z'’]*(?:\.(?=[ \t]))?|\d+(?:st|nd|rd|th))"
)
_CITY_WORD = r"(?!(?:" + alternation(STOP | _ADDRESS_STOP) + r")\b)[a-z][a-z'’.-]*"
_CITY = _CITY_WORD + r"(?:[ \t]+" + _CITY_WORD + r"){0,2}"
_UNIT = (
    r"(?:,?[ \t]*(?:apt|apartment|unit|suite|ste|bldg|building|fl|floor|lot|rm|room|\#)\.?"
    r"[ \t]*\#?[ \t]*(?:\d[a-z0-9-]*|[a-z]\d*)\b)"
)
_ADDRESS_TAIL = "(?:{})".format(
    "|".join(
        [
            rf",?[ \t]+{_CITY},?[ \t]+{_STATE_ANYCASE},?[ \t]+{_ZIP}",  # Kansas City, MO 64111
            rf",?[ \t]+{_CITY},?[ \t]+{_STATE_STRICT}",  # Kansas City, MO
            rf",?[ \t]+(?:{_STATE_ANYCASE}[ \t]+)?{_ZIP}",  # MO 64111, 64111
        ]
    )
)
_STREET = re.compile(
    r"(?i)(?<![\w.,/$#-])(?P<number>\d{1,6}(?:-\d{1,4})?[a-z]?)[ \t]+"
    r"(?:(?:n|s|e|w|ne|nw|se|sw|north|south|east|west)\.?[ \t]+)?"
    r"(?P<name>" + _ADDRESS_WORD + r"(?:[ \t]+" + _ADDRESS_WORD + r"){0,3})[ \t]+"
    r"(?P<suffix>" + alternation(_SUFFIXES_CLEAR | _SUFFIXES_AMBIGUOUS) + r")\b\.?"
    r"(?:[ \t]+(?:n|s|e|w|ne|nw|se|sw)\b\.?)?"
    r"(?P<unit>" + _UNIT + r")?"
    r"(?P<tail>" + _ADDRESS_TAIL + r")?"
)
_ADDRESS_CUE = re.compile(
    r"(?i)\b(?:address|live|lives|living|lived|located|stay|staying|moved|move|send|mail|ship"
    r"|deliver|pick\s+(?:me|him|her|them)\s+up|come\s+to|house|home|apartment|apt)\b"
)


def _street(match: re.Match[str]) -> str:
    """[ADDRESS] for a street address; the text itself for e.g. "2 different dr"."""
    suffix = match.group("suffix")
    if suffix.lower() in _SUFFIXES_AMBIGUOUS:
        capitalised = suffix[0].isupper() or any(
            word[0].isupper() for word in match.group("name").split()
        )
        before = match.string[max(0, match.start() - 40) : match.start()]
        if not (
            capitalised or match.group("unit") or match.group("tail") or _ADDRESS_CUE.search(before)
        ):
            return match.group()
    return ADDRESS


_PO_BOX = re.compile(
    r"(?i)\b(?:p\.?[ \t]*o\.?|post[ \t]+office)[ \t]*box[ \t]*\#?[ \t]*\d+[a-z]?\b"
    r"(?:" + _ADDRESS_TAIL + r")?"
)
_CITY_STATE_ZIP = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z'’.-]+(?:[ \t]+[A-Z][a-z'’.-]+){0,2},?[ \t]+)?"
    r"(?:" + "|".join(_STATE_CODES) + r"|" + _STATE_NAME + r")"
    r"\.?,?[ \t]+" + _ZIP
)
_INTRODUCED_ZIP = re.compile(
    r"(?i)(?P<keep>\b(?:zip|zipcode|zip[ \t]+code|postal[ \t]+code)\b"
    r"[ \t]*(?:(?:is|was|:|=|\#|-)[ \t]*)*)(?P<value>" + _ZIP + r")"
)
_KEEP_THEN_ADDRESS = keep_then(ADDRESS)


def redact_addresses(text: str) -> str:
    """Replaces PO boxes, street addresses, "City, ST 64111" and introduced ZIP codes."""
    text = _PO_BOX.sub(ADDRESS, text)
    text = _STREET.sub(_street, text)
    text = _CITY_STATE_ZIP.sub(ADDRESS, text)
    return _INTRODUCED_ZIP.sub(_KEEP_THEN_ADDRESS, text)
