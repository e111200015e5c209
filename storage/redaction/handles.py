"""Social-media handles and profile links: ``@jake_p77``, ``instagram.com/jake.p``, "snap: jakep77".

- ``@`` (or a full-width ``＠``) and 1 to 30 letters, digits, ``_`` or ``.``, not inside an
  e-mail address (those are gone already) nor a time or dose ("@10pm", "@ 2mg" stay);
- a link to a profile on a social network, messenger or payment app (``facebook.com/...``,
  ``instagram.com/...``, ``x.com/...``, ``tiktok.com/@...``, ``t.me/...``, ``wa.me/...``,
  ``venmo.com/...``, ``cash.app/$...``, ``linktr.ee/...``; with or without ``https://`` or
  ``www.``), with its path: a bare ``facebook.com`` stays, as do links elsewhere
  ("988lifeline.org/chat");
- after a cue ("my insta is", "snap:", "ig", "username", "usuario", "gamertag"), one word that
  holds a digit, ``_`` or ``.`` ("my insta is private" stays).
"""

from __future__ import annotations

import re

from storage.redaction.placeholders import HANDLE

_AT = "@\uff20\ufe6b"  # "@", full-width "＠", small "﹫"
_HANDLE = re.compile(
    r"(?<![\w."
    + _AT
    + r"])["
    + _AT
    + r"](?P<handle>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)"
    r"(?![\w" + _AT + r"])"
)
# "@10pm", "@2mg", "@ 8:30", "@9": times, doses and counts, not handles.
_NOT_A_HANDLE = re.compile(r"(?i)\d+(?:[:.]\d+)?(?:am|pm|a|p|h|hrs?|mg|mcg|ml|x|st|nd|rd|th)?")
_SOCIAL_SITES = (
    r"(?:facebook|fb|instagram|instagr\.am|twitter|x|tiktok|vm\.tiktok|snapchat|linkedin|reddit"
    r"|youtube|threads|pinterest|tumblr|twitch|venmo|onlyfans|patreon|github|medium|soundcloud"
    r"|vk|telegram|discord|bsky|myspace|kik|quora|flickr)\.(?:com|net|tv|app|me|gg)"
    r"|(?:t|wa|m|fb|telegram)\.me|cash\.app|linktr\.ee|snap\.com|bsky\.app|discord\.gg"
)
_PROFILE_LINK = re.compile(
    r"(?i)(?<![\w.@/-])(?:https?://)?(?:(?:www|m|mobile|web|[a-z]{2})\.)?(?:" + _SOCIAL_SITES + r")"
    r"/[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,!?;:]"
)
_HANDLE_CUE = re.compile(
    r"(?i)(?P<keep>\b(?:insta(?:gram)?|ig|snap(?:chat)?|tik[ \t]?tok|twitter|threads|discord"
    r"|telegram|kik|venmo|cash[ \t]?app|reddit|twitch|gamertag|gamer[ \t]+tag|username"
    r"|user[ \t]+name|user[ \t]?id|handle|usuario|nombre[ \t]+de[ \t]+usuario)"
    r"(?:[ \t]*(?:[:=-]|\b(?:is|es|handle|name|username|id|at|en)\b))*[ \t]*)"
    r"(?P<value>(?=[\w.]*[\d_.])[A-Za-z0-9_][A-Za-z0-9_.]{1,28}[A-Za-z0-9_])(?![\w@])"
)


def _handle(match: re.Match[str]) -> str:
    """[HANDLE] for an @handle; the text itself for "@10pm" and the like."""
    if _NOT_A_HANDLE.fullmatch(match.group("handle")):
        return match.group()
    return HANDLE


def _cued_handle(match: re.Match[str]) -> str:
    """The cue and [HANDLE], unless the value is a number such as a dose or a time."""
    if _NOT_A_HANDLE.fullmatch(match.group("value")):
        return match.group()
    return match.group("keep") + HANDLE


def redact_handles(text: str) -> str:
    """Replaces profile links, ``@handles`` and handles named as such with ``[HANDLE]``."""
    text = _PROFILE_LINK.sub(HANDLE, text)
    text = _HANDLE.sub(_handle, text)
    return _HANDLE_CUE.sub(_cued_handle, text)
