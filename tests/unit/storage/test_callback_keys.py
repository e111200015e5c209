"""The callback keys: from the environment or a private file, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from storage.callback_keys import (
    CallbackKeyError,
    create_key_file,
    decrypt,
    encrypt,
    load_cipher,
    main,
    rotate,
)


def test_without_keys_callbacks_are_off() -> None:
    assert load_cipher({}) is None


def test_keys_from_the_environment_encrypt_with_the_first_and_open_with_any() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token_by_old = encrypt(load_cipher({"CALLBACK_KEYS": old}), "(816) 555-0142")
    both = load_cipher({"CALLBACK_KEYS": f"{new}, {old}"})
    assert decrypt(both, token_by_old) == "(816) 555-0142"
    rotated = rotate(both, token_by_old)
    only_new = load_cipher({"CALLBACK_KEYS": new})
    assert decrypt(only_new, rotated) == "(816) 555-0142"
    with pytest.raises(CallbackKeyError, match="rotate-callback-key"):
        decrypt(only_new, token_by_old)


def test_a_key_that_is_not_a_fernet_key_is_refused_clearly() -> None:
    with pytest.raises(CallbackKeyError, match="Key 1 in CALLBACK_KEYS is not a Fernet key"):
        load_cipher({"CALLBACK_KEYS": "correct horse battery staple"})


def test_a_key_file_is_made_private_once_and_read(tmp_path: Path) -> None:
    path = tmp_path / "config" / "callback.key"
    assert create_key_file(path) is True
    first = path.read_text()
    assert create_key_file(path) is False and path.read_text() == first  # never replaced
    assert path.stat().st_mode & 0o777 == 0o600
    cipher = load_cipher({"CALLBACK_KEY_FILE": str(path)})
    assert cipher is not None and decrypt(cipher, encrypt(cipher, "Sam")) == "Sam"


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "callback.key"
    path.write_text(Fernet.generate_key().decode() + "\n")
    path.chmod(0o644)
    with pytest.raises(CallbackKeyError, match="chmod 600"):
        load_cipher({"CALLBACK_KEY_FILE": str(path)})


def test_a_missing_key_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CallbackKeyError, match="cannot read"):
        load_cipher({"CALLBACK_KEY_FILE": str(tmp_path / "nowhere.key")})


def test_the_command_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new"]) == 0
    key = capsys.readouterr().out.strip()
    assert load_cipher({"CALLBACK_KEYS": key}) is not None
    assert main(["wrong"]) == 2
