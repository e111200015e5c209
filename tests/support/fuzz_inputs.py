"""Generated visitor input for the fuzz tests (test_fuzz_message_guard.py, test_fuzz_server.py).

What browsers, scripts and attackers send: empty and whitespace-only text, control,
zero-width and bidirectional characters, emoji, HTML and JavaScript, SQL-looking
strings, typed `/intent` commands, lone surrogates, wrong JSON types and deep nesting.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import strategies as st

# `make unit` (the fast loop) sets FUZZ_SCALE=0.2: a fifth of each test's examples. `make test`
# and CI leave it unset and run every example.
FUZZ_SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz_examples(full: int) -> int:
    """How many examples a fuzz test draws: `full`, scaled down in the fast loop."""
    return max(50, round(full * FUZZ_SCALE))


# C0 and C1 control characters except tab and newline.
CONTROL = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# Unicode's Bidi_Control characters (PropList.txt): the Arabic letter mark, the
# left-to-right and right-to-left marks, embeddings, overrides and isolates.
BIDI_CONTROL = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# What a visitor must never see removed: text stays text, whatever its script.
WHITESPACE = " \t\n\r\x0b\x0c\xa0\u1680\u2000\u200a\u2028\u2029\u3000"
EMOJI = ("😟", "👍", "👎", "🆘", "💊", "🍺", "👨\u200d👩\u200d👧", "❤️", "🇺🇸", "👍🏽", "🫠")

# Strings planted in messages: none may reach the server's log (no visitor text at INFO).
MARKERS = ("qzvx-plant-alpha", "jwkq-plant-bravo", "xqzt-plant-charlie")

SNIPPETS = (
    "is klonopin addictive",
    "can i take klonopin with beer",
    "what is rivotril",
    "hi",
    "?",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "javascript:alert(1)",
    "</textarea><svg/onload=alert(1)>",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "1 UNION SELECT sender_id, data FROM events",
    "%00",
    "\\u0000",
    "{{7*7}}${7*7}",
    "${jndi:ldap://127.0.0.1/a}",
    "../../etc/passwd",
    "/restart",
    "/ /restart",
    "//session_start",
    '/faq{"topic": "x"}',
    '/set_slot{"safety_mode": null}',
    "/affirm",
    "my name is Dana Whitfield, call me at 816-555-0199",
    "\u202egnp.exe",
    *MARKERS,
)


# Any character at all, lone surrogates included (JSON's "\ud800" escapes carry them).
ANY_CHARACTER = st.characters(categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs"])
# The characters the guards care about, and the ones HTML, JSON and SQL care about.
SPECIAL_CHARACTERS = st.sampled_from(
    sorted(
        set(CONTROL + ZERO_WIDTH + BIDI_CONTROL + WHITESPACE + "".join(EMOJI) + "<>'\";/{}[]\\%$&")
    )
)
SNIPPET_OR_NOTHING = st.sampled_from(("", *SNIPPETS, *EMOJI))


def visitor_text() -> st.SearchStrategy[str]:
    """Text a visitor's browser (or a script) could send as a message.

    A snippet, any characters, special characters, a snippet: each part may be
    empty, so empty, whitespace-only, emoji-only and invisible-only texts come too.
    Built from a few draws, as hypothesis is slow with many small ones.
    """
    return st.tuples(
        SNIPPET_OR_NOTHING,
        st.text(ANY_CHARACTER, max_size=12),
        st.text(SPECIAL_CHARACTERS, max_size=6),
        SNIPPET_OR_NOTHING,
    ).map("".join)


# A value of the wrong type, in one draw.
WRONG_TYPES = st.sampled_from(
    [None, True, False, 0, -1, 2**64, 1.5, float("nan"), float("inf"), [], {}, ["hi"], {"a": None}]
)


def json_values(max_leaves: int = 4) -> st.SearchStrategy[Any]:
    """Any JSON value: null, booleans, numbers (NaN, infinities), text, lists, objects."""
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(ANY_CHARACTER, max_size=8)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(ANY_CHARACTER, max_size=6), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def nested(depth: int, leaf: Any = "x") -> Any:
    """An object nested `depth` levels deep, built without recursion."""
    value = leaf
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


def nested_json(depth: int) -> str:
    """The JSON text of `nested(depth)`, without Python's recursion limit."""
    opening = "".join('{"a":' if level % 2 else "[" for level in reversed(range(depth)))
    closing = "".join("}" if level % 2 else "]" for level in range(depth))
    return opening + '"x"' + closing


# Nesting depths around the limits that matter: Python's recursion limit (1000),
# ujson's decoding depth (1024), and far beyond.
DEPTHS = st.one_of(
    st.integers(1, 50), st.sampled_from([500, 900, 999, 1000, 1023, 1024, 1025, 5000, 100_000])
)
