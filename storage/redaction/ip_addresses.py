"""IP addresses, v4 (``192.168.10.24``, with a ``:port``) and v6 (``2001:db8::8a2e:370:7334``).

Candidates are checked by the standard library's :mod:`ipaddress`, so "3.6.21" (a version),
"1.2.3.4.5", "999.1.1.1", times ("10:30:00") and timestamps stay as they are.
"""

from __future__ import annotations

import ipaddress
import re

from storage.redaction.placeholders import IP_ADDRESS

_IPV4 = re.compile(r"(?<![\w.])(?P<address>\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?![\w-]|\.\d)")
_IPV6 = re.compile(
    r"(?i)(?<![\w:.])\[?(?P<address>(?:[0-9a-f]{0,4}:){2,7}"
    r"(?:[0-9a-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?)(?:%\w+)?\]?(?::\d{1,5})?(?![\w:.])"
)


def _valid(address: str) -> bool:
    """Whether the standard library reads the text as an IP address."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _ip(match: re.Match[str]) -> str:
    """[IP_ADDRESS] for a valid address; the text itself otherwise."""
    address = match.group("address")
    if sum(char.isalnum() for char in address) < 2 or not _valid(address):
        return match.group()
    return IP_ADDRESS


def redact_ip_addresses(text: str) -> str:
    """Replaces IPv4 and IPv6 addresses with ``[IP_ADDRESS]``."""
    if "." in text:
        text = _IPV4.sub(_ip, text)
    if "::" in text or text.count(":") >= 5:
        text = _IPV6.sub(_ip, text)
    return text
