"""Removes identifying data from conversation text before anything is stored.

Visitors write about their own or a relative's substance use, so every string
that is written (user text, parse data, slot values, metadata, bot text) goes
through :func:`redact` first. Identifiers are replaced by typed placeholders;
everything else is kept byte-identical. Pure functions, standard library only.

=====================  ========================================================
``[EMAIL]``            ``dana.w@example.com``, ``mailto:...``, spelled out
                       ``dana[at]example[dot]com``, ``dana (at) example.org``;
                       with the plain word "at" only for a known mail provider
                       (``dana at gmail dot com``, not ``it at drugs.com``)
``[CARD]``             13-19 digits, optional spaces/dashes, Luhn-valid
``[SSN]``              ``900-12-3456``, ``900 12 3456``, ``900.12.3456``; 9 digits
                       or the last 4 after "ssn", "ss#", "social (security no.)"
``[PHONE]``            US numbers: 10 digits with any of ``()``, dots, dashes,
                       spaces, a ``+1``/``1`` prefix, ``tel:``, ``ext. 12``/``x12``;
                       7 digits with a dash or dot (``555-0142``); ``+CC``
                       international numbers. Never 911, 988 or other short
                       numbers. Helplines (``1-800-222-1222``) are phones too.
``[DATE_OF_BIRTH]``    any full date with a year (``01/02/1990``, ``1/2/90``,
                       ``1990-01-02``, ``January 2, 1990``, ``2 Jan 1990``,
                       ``Jan 2nd 1990``), birth date or not; partial dates,
                       month and year, or a year after "born", "birthday",
                       "bday", "dob", "date of birth" (``born in 1987``, ``dob 3/14``)
``[ADDRESS]``          house number + street name + suffix, with unit, city,
                       state and ZIP when they follow (``12 N. Elm Street, Kansas
                       City, MO 64111``); PO boxes; ``City, ST 64111`` and
                       ``ST 64111``; a ZIP after "zip (code)". Ambiguous
                       suffixes (Dr, Way, Court, Place...) need a capital, a
                       unit/city/ZIP or "live"/"address" shortly before.
``[NAME]``             names introduced as names, see below
=====================  ========================================================

Names. After "my name is", "name's", "name:", "first/last name", "named",
"Patient:" the next one to three words are taken whatever their case
(``my name is john smith and my son...`` gives ``my name is [NAME] and my
son...``), stopping at common words (and, i, my, need, ...), digits and
punctuation; particles (de, la, van...) and hyphens/apostrophes are kept inside.
After "I'm"/"I am", "this is", "it's", "call me", "go by" a capitalised word
that is not a common English word, drug or feeling is a name (``I'm Jake
Peterson``; not ``I'm Scared``, ``I'm on klonopin``, ``I'm 25``). A lowercase word
needs confirmation: ``i'm jake calling``, ``it's jake from ...``, ``i'm jake, tyler's
dad``, ``call me sam.`` (at a clause end), or a lowercase first and last name
after "I'm" (``i'm jake peterson``). So ``i am jake`` and ``it's jennifer`` alone are
kept: a single lowercase word after "I am" is too often not a name. Capitalised
only: "my son/wife/... <Name>", "Dr./Mr./Mrs./Ms./Nurse <Name>", "its <Name>"
(usually possessive), "<Name> here", sign-offs ("Thanks, Dana"); and any
"<name>'s mom/son/..." (``tyler's mom``).

Deliberately kept: 911, 988 and other numbers under 7 digits, doses (``0.5mg``,
``250-1000 mg``), times (``8:00 AM``, ``10pm``, ``08:00-20:00``), durations and ages
(``3 years``, ``I'm 25``), month and year or a year alone without a birth cue
(``since march 2021``), ``24/7``, ``1/2``, ``11/2`` (no year, no cue), versions
(``3.6.21``), machine timestamps (``2026-11-26T09:13:00``, ``... 09:13:00``), lone
5-digit numbers, room numbers, streets without a house number, 9 bare digits
without an SSN cue, Luhn-invalid digit runs, bare names with no introduction (a
value that is just ``Dana`` stays ``Dana``).

Offsets (``start``/``end`` of entities) are not adjusted: after redaction they
refer to the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
SSN = "[SSN]"
DATE_OF_BIRTH = "[DATE_OF_BIRTH]"
ADDRESS = "[ADDRESS]"
CARD = "[CARD]"
NAME = "[NAME]"


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a string, as a set."""
    return frozenset(text.split())


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation of the words, longest first, escaped."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

_FUNCTION_WORDS = _words(
    """
    a an the this that these those my your his her its our their me him us them i you he she
    it we they myself yourself himself herself mine yours ours theirs and or but nor so yet if
    then than as at by for from in into of off on onto out over to up down with without about
    above after again against all am are be been being before below between both can could did
    do does doing done each few further had has have having here there how is just more most
    no not now only other own same should some such too very was were what when where which
    while who whom why would yes also still even ever already almost always never
    sometimes usually really actually honestly literally totally currently finally probably
    maybe perhaps kinda sorta pretty quite rather super any anyone anything someone something
    somebody nobody nothing none everyone everything every one im i'm i’m ive i've it's its
    that's thats dont don't cant can't wont won't didnt didn't isnt isn't wasnt wasn't im
    """
)

_NOT_A_NAME = _FUNCTION_WORDS | _words(
    """
    private anonymous confidential unimportant irrelevant withheld redacted unknown name
    secret optional personal
    """
)

_DRUGS = _words(
    """
    klonopin klonopins clonazepam clonazepams rivotril kpin kpins klonnies benzo benzos
    benzodiazepine benzodiazepines xanax alprazolam valium diazepam ativan lorazepam
    restoril temazepam halcion librium opioid opioids opiate opiates oxy oxys oxycodone
    oxycontin percocet vicodin hydrocodone fentanyl heroin morphine codeine tramadol
    methadone suboxone buprenorphine naloxone narcan alcohol weed marijuana cannabis thc cbd
    gabapentin neurontin lyrica pregabalin adderall ritalin ambien zolpidem zoloft prozac
    lexapro celexa paxil wellbutrin trazodone seroquel lamictal lithium depakote keppra
    tegretol cocaine meth kratom ketamine molly mdma lsd shrooms nicotine caffeine melatonin
    benadryl tylenol ibuprofen advil aspirin coffee beer wine vodka whiskey liquor booze
    """
)

# Words that, after "I'm", "this is", "call me" etc., are not a name: states, feelings,
# roles, time words, common verbs. Checked case-insensitively.
_STOP = (
    _NOT_A_NAME
    | _DRUGS
    | _words(
        """
    scared afraid worried anxious nervous terrified panicking panicked confused lost stuck
    sick ill tired exhausted sleepy drowsy dizzy fine ok okay good great well bad sad
    depressed lonely alone desperate hopeless helpless ashamed embarrassed sorry glad happy
    grateful thankful sure unsure certain curious new back home late early ready clean
    sober addicted dependent hooked pregnant nursing breastfeeding bipolar diabetic
    epileptic allergic old young older younger male female single married divorced
    widowed homeless broke poor struggling trying taking using detoxing withdrawing going
    getting feeling having doing thinking looking asking calling speaking wondering
    concerned overwhelmed freaking losing dying upset angry mad frustrated paranoid crazy
    insane stupid dumb alive awake asleep high drunk stoned wasted numb weak shaky restless
    better worse alright awful horrible terrible kind mean nice honest serious hurt hurting
    suicidal safe unsafe fucked screwed done finished free busy away outside inside
    stressed stressing shaking sweating dramatic weird strange hungry thirsty cold hot
    sorta prescribed disabled retired unemployed employed pregnant recovering relapsing
    christian catholic jewish muslim american mexican black white gay straight trans
    mom mother dad father parent parents wife husband son daughter sister brother friend
    partner boyfriend girlfriend fiance fiancee kid kids child children baby patient nurse
    doctor dr caregiver teacher student veteran vet addict alcoholic user person guy girl
    man woman human bot robot adult minor teen teenager grandmother grandma grandpa
    grandfather grandson granddaughter aunt uncle cousin nephew niece roommate neighbor
    coworker boss client family member counselor therapist pharmacist prescriber
    today tomorrow tonight yesterday later soon asap morning afternoon evening night week
    weekend month year years months weeks days day hours hour minutes time times
    monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving
    anytime whenever please pls plz thx thanks thank tmrw tmr once because since until
    instead directly sometime first last next around before after again
    need needs needed want wants wanted took take takes taken give gave given got get gets
    know knew think thought feel felt said says say tell told ask asked help helped call
    called speak spoke talk talking texting writing reaching messaging emailing gonna wanna
    gotta can could would should will shall might must may let lets question questions
    regarding re hi hello hey bye goodbye yeah yep nope nah yo sir maam madam hell
    one two three four five six seven eight nine ten twenty thirty forty fifty hundred
    mg mcg milligrams pills pill tablets tablet dose doses meds medication medications
    medicine medicines drug drugs prescription script rx pharmacy hospital er clinic
    center rehab detox treatment therapy withdrawal withdrawals addiction overdose
    overdosing seizure seizures anxiety panic insomnia sleep insurance appointment
    side effects effect symptoms problem problems issue issues thing things stuff way
    ex god hard difficult tough scary ridiculous unbelievable annoying exhausting confusing
    nuts fed up sick tired desperate lucky blessed cursed screwed stable unstable calm
    relaxed sedated groggy foggy shaking jittery wired zonked sleeping awake pretty fine
    dob ssn phone email e-mail cell mobile tel fax address card number age sex gender id zip
    birthday born dx diagnosis insurance medicaid medicare policy member
    tryna quit quitting stop stopping taper tapering mid bed ridden fake cold turkey legit
    right left lady boy men women coach pastor priest landlord owner mate buddy bro sis dude
    babe hubby wifey bf gf bff step everybody urgent important dangerous normal common
    quickly urgently immediately latina latino latinx hispanic asian
    found stole steals swallowed ate eats drank drinks mixed mixes overdosed passed fell
    started stopped keeps kept uses used buys bought goes went came comes thinks snorted
    smoked crushed injected hid hides lied lies just also recently suddenly won't can't
    """
    )
)

_PARTICLES = _words("de la del della van von der den da di du le st bin ibn al el mac dos das")

_RELATIONS = _words(
    """
    son daughter husband wife boyfriend girlfriend partner fiance fiancee brother sister
    mom mother dad father stepson stepdaughter stepmom stepdad grandson granddaughter
    grandma grandmother grandpa grandfather friend roommate cousin nephew niece aunt uncle
    kid child baby teen teenager neighbor coworker mum
    """
)

# Units and words that follow a number but never start a street name.
_ADDRESS_STOP = (
    _FUNCTION_WORDS
    | _DRUGS
    | _words(
        """
    mg mcg milligram milligrams ml pill pills tablet tablets tab tabs dose doses times x
    hour hours hr hrs minute minutes min mins second seconds day days week weeks month months
    year years yr yrs mile miles mi block blocks people kids times am pm oclock o'clock
    took take taking have had get got went go going was were is are been more less per
    different other another separate extra whole full half quarter few several many
    """
    )
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR4 = r"(?:19|20)\d{2}"

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR"
).split()
_STATE_NAMES = [
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
]
_STATE_NAME = "|".join(name.replace(" ", r"[ \t]+") for name in _STATE_NAMES)
_STATE_STRICT = rf"(?:(?-i:{'|'.join(_STATE_CODES)})|{_STATE_NAME})\b\.?"
_STATE_ANYCASE = rf"(?:{'|'.join(_STATE_CODES)}|{_STATE_NAME})\b\.?"
_ZIP = r"\d{5}(?:-\d{4})?(?![\w-])"

# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+%-])(?:mailto:)?[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+'-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}\b"
)

_OBFUSCATED_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+)"
_MAIL_PROVIDERS = _words(
    """
    example gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me mac aol
    proton protonmail pm gmx zoho mail comcast att sbcglobal verizon charter spectrum cox
    earthlink bellsouth juno
    """
)
_OBFUSCATED_EMAIL = re.compile(
    r"(?i)(?<![\w.+%@-])(?P<local>[a-z0-9_%+-]+(?:" + _OBFUSCATED_DOT + r"[a-z0-9_%+-]+){0,4})"
    r"(?P<at>[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*|[ \t]+at[ \t]+|[ \t]*@[ \t]*)"
    r"(?P<domain>[a-z0-9-]+)(?P<rest>(?:"
    + _OBFUSCATED_DOT
    + r"[a-z0-9-]+){0,3}"
    + _OBFUSCATED_DOT
    + r"(?:com|org|net|edu|gov|us|io|co|info|biz|me|mil))\b"
)


def _obfuscated_email(match: re.Match[str]) -> str:
    """[EMAIL] for a plausible spelled-out address; the text itself otherwise."""
    local = match.group("local")
    at = match.group("at").strip().lower()
    domain = match.group("domain").lower()
    first_local_word = re.split(r"\W+", local.lower())[0]
    if at == "at":
        if domain not in _MAIL_PROVIDERS or first_local_word in _STOP:
            return match.group()
    elif at == "@" and "." in match.group("rest") and " " not in match.group():
        return match.group()  # a plain address: _EMAIL handles it
    return EMAIL


# ---------------------------------------------------------------------------------------------
# Payment cards
# ---------------------------------------------------------------------------------------------

_CARD = re.compile(
    r"(?<![\w.,/-])(?:\d{4}[ -]?\d{6}[ -]?\d{4,5}|(?:\d{4}[ -]?){3}\d{1,7})(?![\w-]|[.,/]\d)"
)


def _luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    """[CARD] for 13-19 digits that pass the Luhn check; the text itself otherwise."""
    digits = re.sub(r"\D", "", match.group())
    if 13 <= len(digits) <= 19 and _luhn_valid(digits):
        return CARD
    return match.group()


# ---------------------------------------------------------------------------------------------
# Social Security numbers
# ---------------------------------------------------------------------------------------------

_SSN_INTRO = (
    r"(?:ssn|ss\s*#|ss\s+(?:number|no\.?|num)|social\s+security(?:\s+(?:number|no\.?|num|#))?"
    r"|social(?:\s+(?:number|no\.?|num|#))?)"
)
_SSN_INTRODUCED = re.compile(
    r"(?i)(?P<keep>\b" + _SSN_INTRO + r"[ \t]*(?:(?:is|was|=|:|#|-)[ \t]*)*)"
    r"(?P<value>\d{3}[ .-]?\d{2}[ .-]?\d{4})(?![\w-]|[.,]\d)"
)
_SSN_LAST4 = re.compile(
    r"(?i)(?P<keep>\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of\s+)?(?:my\s+|his\s+|her\s+|the\s+)?"
    + _SSN_INTRO
    + r"[ \t]*(?:(?:is|are|was|were|=|:|#|-)[ \t]*)*)(?P<value>\d{4})(?![\w-]|[.,]\d)"
)
_SSN = re.compile(r"(?<![\w.,/-])\d{3}(?P<sep>[ .-])\d{2}(?P=sep)\d{4}(?![\w-]|[.,/]\d)")


def _keep_then(placeholder: str) -> Callable[[re.Match[str]], str]:
    """A replacement keeping the group ``keep`` and replacing the group ``value``."""

    def replace(match: re.Match[str]) -> str:
        return match.group("keep") + placeholder

    return replace


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------

_EXTENSION = r"(?:[ \t]*,?[ \t]*(?:ext(?:ension)?\.?|x|\#)[ \t]*\d{1,6}(?!\d))?"
_PHONE = re.compile(
    r"(?i)(?:\btel:[ \t]*)?(?<![\w+.,/-])"
    r"(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?![\w-]|[.,/]\d)" + _EXTENSION
)
_UNITS_AHEAD = r"(?![ \t]*(?:mg|mcg|milligrams?|ml|pills?|tablets?|tabs?|times|x\b|%|people))"
_PHONE_7 = re.compile(
    r"(?i)(?<![\w+.,/:-])[2-9]\d{2}[.-]\d{4}(?![\w-]|[.,/]\d)" + _UNITS_AHEAD + _EXTENSION
)
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])\+(?!1\b|1[ .-]?\(?\d{3})\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w-]|[.,/]\d)"
)


def _international(match: re.Match[str]) -> str:
    """[PHONE] for a +CC number of 8-15 digits; the text itself otherwise."""
    digits = re.sub(r"\D", "", match.group())
    return PHONE if 8 <= len(digits) <= 15 else match.group()


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_DATE_BEFORE = r"(?<![\w./:-])"
_DATE_AFTER = r"(?![\w/-]|[.:]\d)"
_DATES = [
    # 01/02/1990, 1/2/90, 14-03-1987
    re.compile(
        _DATE_BEFORE + r"(?:0?[1-9]|[12]\d|3[01])(?P<sep>[/-])(?:0?[1-9]|[12]\d|3[01])"
        r"(?P=sep)(?:" + _YEAR4 + r"|\d{2})" + _DATE_AFTER
    ),
    # 01.02.1990 (a dot needs a 4-digit year: "3.6.21" is a version)
    re.compile(
        rf"{_DATE_BEFORE}(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|[12]\d|3[01])\.{_YEAR4}{_DATE_AFTER}"
    ),
    # 1990-01-02, 1990/1/2 (not a timestamp "1990-01-02 10:00:00" / "...T10:00")
    re.compile(
        _DATE_BEFORE
        + _YEAR4
        + r"(?P<sep>[/.-])(?:0?[1-9]|1[0-2])(?P=sep)(?:0?[1-9]|[12]\d|3[01])"
        + _DATE_AFTER
        + r"(?![ T]\d{1,2}:\d{2}:\d{2})"
    ),
    # January 2, 1990; Jan 2nd 1990; jan. 2 '90
    re.compile(
        r"(?i)\b" + _MONTH + r"[ \t]+" + _DAY + r"(?:,[ \t]*|[ \t]+)(?:of[ \t]+)?"
        r"(?:" + _YEAR4 + r"|['’]\d{2})\b"
    ),
    # 2 Jan 1990; 2nd of January, 1990
    re.compile(
        r"(?i)\b" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"(?:,[ \t]*|[ \t]+)"
        r"(?:" + _YEAR4 + r"|['’]\d{2})\b"
    ),
]
_BIRTH_CUE = (
    r"(?:born|birthday|birth[ \t]+day|b-?day|dob|d\.o\.b\.?|date[ \t]+of[ \t]+birth"
    r"|birth[ \t]*date|birth[ \t]+year|year[ \t]+of[ \t]+birth)"
)
_PARTIAL_DATE = (
    r"(?:" + _MONTH + r"[ \t]+" + _DAY + r"(?:(?:,[ \t]*|[ \t]+)(?:" + _YEAR4 + r"|['’]\d{2}))?"
    r"|" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"(?:,?[ \t]+" + _YEAR4 + r")?"
    r"|(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|[12]\d|3[01])(?:[/.-](?:\d{4}|\d{2}))?"
    r"|" + _MONTH + r",?[ \t]+" + _YEAR4 + r"|" + _YEAR4 + r")"
)
_INTRODUCED_DATE = re.compile(
    r"(?i)(?P<keep>\b"
    + _BIRTH_CUE
    + r"\b(?:[ \t]*(?:[:=,-]|\b(?:is|was|on|in|of|the|its|it's|it’s)\b))*[ \t]*)"
    r"(?P<value>" + _PARTIAL_DATE + r")(?![\w/]|[.-]\d)"
)

# ---------------------------------------------------------------------------------------------
# Street addresses
# ---------------------------------------------------------------------------------------------

_SUFFIXES_CLEAR = _words(
    """
    street st avenue ave av road rd boulevard blvd lane ln drive parkway pkwy highway hwy
    terrace expressway expy freeway fwy
    """
)
_SUFFIXES_AMBIGUOUS = _words(
    """
    dr way court ct place pl circle cir square sq trail trl plaza plz loop pike crescent
    cres alley aly row ter run path point pt ridge crossing xing
    """
)
_ADDRESS_WORD = (
    r"(?!(?:" + _alternation(_ADDRESS_STOP) + r")\b)"
    r"(?:[a-z][a-z'’]*(?:\.(?=[ \t]))?|\d+(?:st|nd|rd|th))"
)
_CITY_WORD = r"(?!(?:" + _alternation(_STOP | _ADDRESS_STOP) + r")\b)[a-z][a-z'’.-]*"
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
    r"(?P<suffix>" + _alternation(_SUFFIXES_CLEAR | _SUFFIXES_AMBIGUOUS) + r")\b\.?"
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

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|(?!['’]s\b)['’-](?=[^\W\d_]))*")
_GAP = re.compile(r"[ \t]+")
_RELATION_ALT = _alternation(_RELATIONS) + r"|" + _alternation(_RELATIONS) + r"s"

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
        ),
        _STRONG,
    ),
    (re.compile(r"(?i)\b(?:i['’]?m|i[ \t]+am)[ \t]+(?:just[ \t]+)?"), _SELF),
    (re.compile(r"(?i)\b(?:this[ \t]+is|it['’]s)[ \t]+(?:just[ \t]+)?"), _WEAK),
    (re.compile(r"(?i)\bits[ \t]+"), _TITLE),
    (
        re.compile(r"(?i)\b(?:call[ \t]+(?:me|him|her)|go(?:es)?[ \t]+by|known[ \t]+as)[ \t]+"),
        _CALL,
    ),
    (
        re.compile(
            r"(?i)\b(?:(?:dr|mr|mrs|ms|mx|prof)\.?|doctor|nurse)[ \t]+"
            r"|\b(?:my|our|his|her|their)[ \t]+(?:" + _RELATION_ALT + r")[ \t]*,?[ \t]+"
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
_ENDS = re.compile(r"(?i)[ \t]*(?:[.,!?;:)]|$|\n|[ \t]+(?:and|but|from|here)\b)")
_ADJECTIVE_ENDINGS = ("ous", "ful", "able", "ible", "ied", "less", "ness", "ated", "ened", "ized")
_NAME_HERE = re.compile(
    r"(?:^|(?<=[.!?\n])[ \t]*|\b(?i:hi|hello|hey)[ \t]*[,!.]?[ \t]+)"
    r"(?P<name>(?!(?i:hi|hello|hey)\b)[A-Z][^\W\d_]*(?:[ \t]+[A-Z][^\W\d_]*)?)"
    r"[ \t]*,?[ \t]+here\b"
)
_POSSESSIVE_RELATION = re.compile(
    r"(?i)(?<![\w'’])(?P<name>[^\W\d_]{2,})(?=['’]s[ \t]+(?:" + _RELATION_ALT + r")\b)"
)
_SIGN_OFF = re.compile(
    r"(?i)\b(?:thanks|thank[ \t]+you|thx|regards|sincerely|cheers)"
    r"(?:[ \t]+(?:again|so[ \t]+much|a[ \t]+lot))?[ \t]*[,!.-]*"
    r"(?:[ \t]+|\n+[ \t]*)(?-i:(?P<name>[A-Z][^\W\d_]+(?:[ \t]+[A-Z][^\W\d_]+)?))[ \t]*[.!]*[ \t]*$"
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
    return word.lower() not in _STOP and not _adjective_like(word)


def _first_and_last_name(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether lowercase words look like "jake peterson": two words, none an adverb."""
    words = [text[start:end].lower() for start, end in spans]
    names = [word for word in words if word not in _PARTICLES]
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
                if lower in _NOT_A_NAME or lower in _DRUGS:
                    return None
            elif (kind == _TITLE and not _capitalised(word)) or not _name_like(word):
                return None
            first_capitalised = _capitalised(word)
        else:
            if lower in _PARTICLES:
                pass
            elif lower in _STOP or lower in _DRUGS:
                break
            elif first_capitalised and not _capitalised(word):
                break
            elif not first_capitalised and _adjective_like(word):
                break
        spans.append((match.start(), end))
        if lower not in _PARTICLES:
            counted += 1
        if kind != _STRONG and not first_capitalised and counted >= 2:
            break
        gap = _GAP.match(text, end)
        if not gap:
            break
        position = gap.end()
    while spans and text[spans[-1][0] : spans[-1][1]].lower() in _PARTICLES:
        spans.pop()
    if not spans:
        return None
    span = (spans[0][0], spans[-1][1])
    if not first_capitalised:
        rest = text[span[1] :]
        if kind == _WEAK and not _CONFIRMS_WEAK.match(rest):
            return None
        if kind == _SELF and not (
            _CONFIRMS_WEAK.match(rest) or _first_and_last_name(text, spans) and _ENDS.match(rest)
        ):
            return None
        if kind == _CALL and not _CONFIRMS_CALL.match(rest):
            return None
        if kind == _TITLE:
            return None
    return span


def _redact_names(text: str) -> str:
    """Replaces names that follow an introduction ("my name is", "I'm", ...)."""
    spans: list[tuple[int, int]] = []
    for pattern, kind in _NAME_INTROS:
        for intro in pattern.finditer(text):
            span = _name_span(text, intro.end(), kind)
            if span:
                spans.append(span)
    for pattern in (_NAME_HERE, _POSSESSIVE_RELATION, _SIGN_OFF):
        for match in pattern.finditer(text):
            words = match.group("name").split()
            if all(_name_like(word) for word in words):
                spans.append(match.span("name"))
    if not spans:
        return text
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    pieces = []
    position = 0
    for start, end in merged:
        pieces.append(text[position:start])
        pieces.append(NAME)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# ---------------------------------------------------------------------------------------------
# The pipeline
# ---------------------------------------------------------------------------------------------

_Replacement = str | Callable[[re.Match[str]], str]

# Order matters: e-mails first (they may hold digits), cards before SSNs and phones (longer
# digit runs), SSNs before phones, full dates before introduced partial dates, addresses
# before names ("I'm at 12 Oak St").
_STEPS: list[tuple[re.Pattern[str], _Replacement]] = [
    (_EMAIL, EMAIL),
    (_OBFUSCATED_EMAIL, _obfuscated_email),
    (_CARD, _card),
    (_SSN_LAST4, _keep_then(SSN)),
    (_SSN_INTRODUCED, _keep_then(SSN)),
    (_SSN, SSN),
    (_PHONE, PHONE),
    (_PHONE_INTERNATIONAL, _international),
    (_PHONE_7, PHONE),
    *((pattern, DATE_OF_BIRTH) for pattern in _DATES),
    (_INTRODUCED_DATE, _keep_then(DATE_OF_BIRTH)),
    (_PO_BOX, ADDRESS),
    (_STREET, _street),
    (_CITY_STATE_ZIP, ADDRESS),
    (_INTRODUCED_ZIP, _keep_then(ADDRESS)),
]
_HAS_DIGIT_OR_AT = re.compile(r"[\d@]|\b(?:at|dot)\b", re.IGNORECASE)


def redact_text(text: str) -> str:
    """Replaces identifiers with typed placeholders.

    Phone numbers, e-mail addresses, SSNs, dates of birth, street addresses,
    payment card numbers and introduced names become ``[PHONE]``, ``[EMAIL]``,
    ``[SSN]``, ``[DATE_OF_BIRTH]``, ``[ADDRESS]``, ``[CARD]`` and ``[NAME]``; the
    rest of the text is returned unchanged, character for character.

    Args:
        text: A visitor message, a bot message or any other stored string.

    Returns:
        The text with every identifier found replaced by its placeholder.
    """
    if _HAS_DIGIT_OR_AT.search(text):
        for pattern, replacement in _STEPS:
            text = pattern.sub(replacement, text)
    return _redact_names(text)


def redact(value: Any) -> Any:
    """Recursively redacts every str inside dicts/lists/tuples (keys are left alone).

    Dicts, lists and tuples (named tuples included) are copied, never changed in
    place; every other type (numbers, booleans, None, bytes, ...) is returned as is.

    Args:
        value: A string, or a JSON-like structure such as a Rasa event dict.

    Returns:
        A redacted copy of the value.
    """
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, tuple):
        items = [redact(item) for item in value]
        if hasattr(value, "_fields"):
            return type(value)(*items)
        return tuple(items)
    return value
