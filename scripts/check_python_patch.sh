#!/usr/bin/env bash
# Prints one line when the project's Python 3.10 is older than the newest 3.10 patch
# release this machine can install (pyenv's list, apt's candidate). Python 3.10 is past
# its end of life (October 2026); Rasa 3.6 runs on nothing newer, so keep the patch level
# current (docs/deploying.md). Never fails: it only informs.
python=${1:-.venv/bin/python}
current=$("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null) || exit 0

newest=$current source_name=""
consider() {  # consider <version> <where it comes from>
  [ -n "$1" ] || return
  if [ "$(printf '%s\n%s\n' "$newest" "$1" | sort -V | tail -n 1)" != "$newest" ]; then
    newest=$1 source_name=$2
  fi
}
if command -v pyenv >/dev/null 2>&1; then
  consider "$(pyenv install --list 2>/dev/null | grep -E '^ *3\.10\.[0-9]+$' | tr -d ' ' | sort -V | tail -n 1)" "pyenv install 3.10"
fi
if command -v apt-cache >/dev/null 2>&1; then
  consider "$(apt-cache policy python3.10 2>/dev/null | sed -n 's/^ *Candidate: \(3\.10\.[0-9]*\).*/\1/p')" "apt-get install python3.10"
fi

if [ "$newest" != "$current" ]; then
  echo "Note: Python $current is older than $newest, the newest 3.10 release available here ($source_name; then rm -rf .venv && make setup). See docs/deploying.md."
fi
exit 0
