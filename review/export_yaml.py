"""How the training-data export writes its YAML files (review.training_export).

Each exported entry is preceded by the comment "# labelled YYYY-MM-DD" (DATE_COMMENT): the
center's day it was labelled, never who labelled it (UNKNOWN_DAY when a file edited by hand
lost it). Messages are double-quoted scalars (`quoted`) any text survives, and a file is
replaced at once (`write_at_once`).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

DATE_COMMENT = re.compile(r"^\s*# labelled (.+?)\s*$")
# Characters YAML may hold as they are in a double-quoted scalar (the rest are escaped).
_PRINTABLE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
UNKNOWN_DAY = "(day not recorded)"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: readable, with anything YAML would refuse escaped."""
    characters = []
    for character in text:
        if character in '"\\':
            characters.append("\\" + character)
        elif _PRINTABLE.fullmatch(character):
            characters.append(character)
        elif ord(character) <= 0xFFFF:
            characters.append(f"\\u{ord(character):04x}")
        else:
            characters.append(f"\\U{ord(character):08x}")
    return '"' + "".join(characters) + '"'


def write_at_once(path: Path, body: str) -> None:
    """Replaces the file at once (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
