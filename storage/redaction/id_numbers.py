"""Record, member, policy, licence and other ID numbers, found by the words that introduce them.

An ID has no shape of its own (``MRN 4482913``, ``W123456789``, ``AB-4471-09``, ``SX 82 44
91``), so it is only taken after a cue: "medical record (number)", "MRN", "chart number",
"patient ID", "member/insurance/subscriber/policy/group/account/case/claim ID or number",
"policy", "licence/license (number)", "driver's license", "DL", "passport", "Medicaid",
"Medicare", "NHS number"; in Spanish "(número de) expediente", "historia clínica", "(número de)
póliza", "número de afiliado/socio/asegurado/seguro", "licencia (de conducir)", "carnet",
"pasaporte", "DNI", "NIE", "CURP", "NSS", "tarjeta sanitaria". Between the cue and the value
may come "is", ":", "#", "no.", "es", "de mi hijo" and the like.

The value is one to five groups of letters and digits joined by spaces, dashes, dots or
slashes; a group after a space needs a digit ("ABC1234567 and my son" ends at the number).
It must hold at least 4 digits and 5 characters in all, so that "policy covers 30 pills",
"medicare 2024" or "member id card" stay as they are. The cue is kept: ``my policy # is
[ID_NUMBER]``.
"""

from __future__ import annotations

import re

from storage.redaction.placeholders import ID_NUMBER

_NUMBER_WORD = r"(?:id|i\.d\.|number|no\.?|num\.?|nbr|\#|n[º°]\.?|n[uú]mero)"
_CUES = [
    # English
    r"medical[ \t]+record(?:[ \t]+" + _NUMBER_WORD + r")?",
    r"(?:mrn|mr\#)",
    r"(?:chart|record|patient|member(?:ship)?|insurance|insurer|subscriber|group|plan|account"
    r"|acct|case|claim|permit|nhs|medicaid|medicare|tax|national[ \t]+insurance)[ \t]*"
    + _NUMBER_WORD,
    r"(?:insurance[ \t]+)?(?:member|subscriber)(?:ship)?[ \t]+" + _NUMBER_WORD,
    r"policy(?:[ \t]*" + _NUMBER_WORD + r")?",
    r"(?:driver['’]?s?[ \t]+)?licen[cs]e(?:[ \t]*" + _NUMBER_WORD + r")?",
    r"(?:dl|dln)[ \t]*\#?",
    r"passport(?:[ \t]*" + _NUMBER_WORD + r")?",
    r"(?:medicaid|medicare)",
    # Spanish
    r"(?:n[uú]mero[ \t]+de[ \t]+)?(?:expediente|historia[ \t]+cl[ií]nica|p[oó]liza)"
    r"(?:[ \t]+(?:cl[ií]nic[oa]|m[eé]dic[oa]))?",
    r"(?:n[uú]mero|n[º°]\.?)[ \t]+de[ \t]+(?:afiliad[oa]|afiliaci[oó]n|soci[oa]|asegurad[oa]"
    r"|seguro(?:[ \t]+(?:social|m[eé]dico))?|miembro|licencia|carnet|carn[eé]|pasaporte"
    r"|la[ \t]+seguridad[ \t]+social|historia)",
    r"licencia(?:[ \t]+de[ \t]+(?:conducir|manejo))?",
    r"carn[eé]t?(?:[ \t]+de[ \t]+(?:conducir|identidad))?",
    r"pasaporte",
    r"tarjeta[ \t]+sanitaria",
    r"(?-i:DNI|NIE|CURP|NSS|RFC|dni|nie|curp|nss|rfc)",
]
# Words and signs between a cue and its value: "is", "#", "no.", "es", "de mi hijo" ...
_LINK = (
    r"(?:[ \t]*(?:[:=\#-]|\b(?:is|was|are|were|it['’]?s|reads|es|era|son|de|del|mi|my|his|her"
    r"|their|our|the|el|la|su|number|no\.|num|n[uú]mero|id)\b"
    r"|\bde[l]?[ \t]+(?:mi|su|tu)[ \t]+[^\W\d_]+\b))*[ \t]*"  # "el DNI de mi hijo es ..."
)
_CUED_VALUE = re.compile(
    r"(?i)(?P<keep>(?<![\w-])(?:" + "|".join(_CUES) + r")(?![\w])" + _LINK + r")"
    # A digit in the first group, or letters then a group with one ("SX 82 44 91").
    r"(?P<value>(?=[a-z]*\d|[a-z]{1,4}[ \t./-]+\d)"
    r"[a-z0-9]+(?:[-./][a-z0-9]+|[ \t][a-z]*\d[a-z0-9]*)*)"
    r"(?![\w@])"
)
_VALUE_GROUPS = re.compile(r"[a-z0-9]+", re.IGNORECASE)
_FEWEST_DIGITS = 4
_FEWEST_CHARACTERS = 5
_MOST_GROUPS = 5


def _id_number(match: re.Match[str]) -> str:
    """The cue and [ID_NUMBER] for an ID-shaped value; the text itself otherwise."""
    value = match.group("value")
    groups = _VALUE_GROUPS.findall(value)
    characters = sum(len(group) for group in groups)
    digits = sum(char.isdigit() for char in value)
    if digits < _FEWEST_DIGITS or characters < _FEWEST_CHARACTERS or len(groups) > _MOST_GROUPS:
        return match.group()
    return match.group("keep") + ID_NUMBER


def redact_id_numbers(text: str) -> str:
    """Replaces ID numbers introduced by a cue word with ``[ID_NUMBER]``, keeping the cue."""
    return _CUED_VALUE.sub(_id_number, text)
