#!/usr/bin/env bash
# Installs the Debian packages the project needs, if any is missing (run by `make setup`,
# so by `make run` and `make test`). Nothing is started as a system service: the tests
# and `make stack` start throw-away servers of their own.
#   chromium (+ a font)   the browser tests, driven by Playwright (never `playwright install`)
#   postgresql            tracker-store tests and the multi-instance stack
#   redis-server          the lock store's tests and the stack
#   nginx                 the multi-instance stack
#   tzdata                the center's time zone (intake hours)
#   nodejs, npm           the widget's browser libraries (npm ci from package-lock.json)
# As root it uses apt-get; otherwise sudo apt-get; with neither it stops with one line
# saying what to install.
set -euo pipefail

missing=()
need() {  # need <package> <file or command that shows it is installed>...
  local package=$1; shift
  for probe in "$@"; do
    if [ -e "$probe" ] || command -v "$probe" >/dev/null 2>&1; then return; fi
  done
  missing+=("$package")
}
need chromium /usr/bin/chromium
need fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
need postgresql /usr/lib/postgresql/*/bin/initdb
need redis-server redis-server /usr/bin/redis-server
need nginx nginx /usr/sbin/nginx
need tzdata /usr/share/zoneinfo/America/Chicago
need nodejs node
need npm npm

[ ${#missing[@]} -eq 0 ] && exit 0

install_command=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}. This machine has no apt-get: install their equivalents, then run make again." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "Missing Debian packages: run  apt-get update && apt-get install -y ${missing[*]}  as root, then make again." >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "${install_command[@]}" >/dev/null
