"""The keys that encrypt callback requests at rest (Fernet, from `cryptography`).

Keys come from the environment, never from the repository:

- CALLBACK_KEYS: Fernet keys, comma-separated, newest first; or
- CALLBACK_KEY_FILE: a file outside the repository, readable only by its owner,
  one key per line, newest first (lines starting with # are comments).

The newest key encrypts; every key listed decrypts (`MultiFernet`). To rotate: put a
new key first, restart the action server and the review app, run
`python -m review.cli rotate-callback-key` (re-encrypts every request with the new
key), then remove the old key. With neither variable set, callback requests are
turned off: the assistant gives the intake number instead (docs/callbacks.md).

    python -m storage.callback_keys new            # print a new key
    python -m storage.callback_keys create FILE    # write a key file (0600) unless it exists
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEYS_VARIABLE = "CALLBACK_KEYS"
KEY_FILE_VARIABLE = "CALLBACK_KEY_FILE"


class CallbackKeyError(ValueError):
    """The keys are missing, malformed, or do not open the stored requests."""


def _parse_keys(keys: Sequence[str], where: str) -> MultiFernet:
    if not keys:
        raise CallbackKeyError(f"{where} holds no key.")
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise CallbackKeyError(
                f"Key {number} in {where} is not a Fernet key (32 url-safe base64-encoded "
                "bytes; make one with: python -m storage.callback_keys new)."
            ) from None
    return MultiFernet(fernets)


def load_cipher(environ: Mapping[str, str] | None = None) -> MultiFernet | None:
    """The deployment's keys, or None when callbacks are not configured.

    Raises CallbackKeyError for a key that is not a Fernet key, a key file that cannot be
    read, or one other users may read.
    """
    environ = os.environ if environ is None else environ
    if environ.get(KEYS_VARIABLE, "").strip():
        keys = [key.strip() for key in environ[KEYS_VARIABLE].split(",") if key.strip()]
        return _parse_keys(keys, KEYS_VARIABLE)
    path_text = environ.get(KEY_FILE_VARIABLE, "").strip()
    if not path_text:
        return None
    path = Path(path_text).expanduser()
    try:
        mode = path.stat().st_mode
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CallbackKeyError(
            f"{KEY_FILE_VARIABLE}: cannot read {path} ({type(error).__name__})."
        ) from None
    if mode & 0o077:
        raise CallbackKeyError(
            f"{KEY_FILE_VARIABLE}: {path} may be read by other users; chmod 600 it."
        )
    keys = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return _parse_keys(keys, str(path))


def encrypt(cipher: MultiFernet, text: str) -> str:
    """The text as a Fernet token (with the newest key)."""
    return cipher.encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(cipher: MultiFernet, token: str) -> str:
    """The text of a token; CallbackKeyError when no key opens it."""
    try:
        return cipher.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise CallbackKeyError(
            "A stored callback request cannot be opened with the configured keys: the key "
            f"was changed without rotation. Put the old key back in {KEYS_VARIABLE} or "
            f"{KEY_FILE_VARIABLE} (after the new one), then run "
            "`python -m review.cli rotate-callback-key`."
        ) from None


def rotate(cipher: MultiFernet, token: str) -> str:
    """The token re-encrypted with the newest key."""
    try:
        return cipher.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise CallbackKeyError(
            "A stored callback request cannot be opened with the configured keys."
        ) from None


def create_key_file(path: Path) -> bool:
    """Writes a new key to `path` (mode 0600) unless the file exists; True if written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as file:
        file.write(
            "# Callback request key (storage/callback_keys.py), newest first. Keep it secret.\n"
        )
        file.write(Fernet.generate_key().decode("ascii") + "\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """`new`: print a key; `create FILE`: write a key file unless it exists."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["new"]:
        print(Fernet.generate_key().decode("ascii"))
        return 0
    if len(args) == 2 and args[0] == "create":
        written = create_key_file(Path(args[1]).expanduser())
        print(f"{'Wrote a new key to' if written else 'Kept the existing key in'} {args[1]}")
        return 0
    print("usage: python -m storage.callback_keys new | create FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
