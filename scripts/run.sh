#!/usr/bin/env bash
# Starts the action server and the widget's demo website in the background and
# the Rasa server in the foreground (or `rasa shell` with the argument "shell").
# Ctrl-C stops them all.
# Ports: RASA_PORT (5005), ACTION_PORT (5055), WIDGET_PORT (8000).
# WIDGET_ORIGINS: the website origins allowed to use the bot (comma-separated).
# RASA_API_TOKEN: if set, Rasa's HTTP API is enabled with this token (tests).
# ACTION_SERVER_TOKEN: shared by Rasa and the action server (random per start if unset).
# CONVERSATIONS_DB_URL: where conversations are stored, redacted (SQLite file by default).
# REVIEW_PORT (8100): the staff review app (review/), on 127.0.0.1 unless REVIEW_HOST is set.
# LOCK_STORE_TYPE (in_memory) and REDIS_HOST/PORT/DB/PASSWORD: endpoints.yml's lock store.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
export WIDGET_PORT=${WIDGET_PORT:-8000}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:$ACTION_PORT/webhook}
# The action server only answers requests carrying this token (rasa_sdk_plugins/),
# and listens on 127.0.0.1 unless ACTION_HOST says otherwise.
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')}
export WIDGET_ORIGINS=${WIDGET_ORIGINS:-http://localhost:$WIDGET_PORT,http://127.0.0.1:$WIDGET_PORT}
export BOT_URL=${BOT_URL:-http://localhost:$RASA_PORT}
export CONVERSATIONS_DB_URL=${CONVERSATIONS_DB_URL:-sqlite:///conversations.db}
export REVIEW_PORT=${REVIEW_PORT:-8100}
# One Rasa instance: locks in memory. Several (scripts/run_stack.py): Redis (endpoints.yml).
export LOCK_STORE_TYPE=${LOCK_STORE_TYPE:-in_memory}
export REDIS_HOST=${REDIS_HOST:-localhost} REDIS_PORT=${REDIS_PORT:-6379}
export REDIS_DB=${REDIS_DB:-1} REDIS_PASSWORD=${REDIS_PASSWORD:-}

background=()
trap 'kill "${background[@]}" 2>/dev/null || true' EXIT INT TERM
SANIC_HOST=${ACTION_HOST:-127.0.0.1} .venv/bin/python scripts/run_actions.py --actions actions --port "$ACTION_PORT" &
background+=($!)

if [ "${1:-}" = "shell" ]; then
  .venv/bin/rasa shell --model models --endpoints endpoints.yml
  exit
fi

.venv/bin/python scripts/serve_widget.py &
background+=($!)
.venv/bin/python -m review.serve &
background+=($!)

api=()
if [ -n "${RASA_API_TOKEN:-}" ]; then
  api=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
IFS=, read -r -a origins <<< "$WIDGET_ORIGINS"
echo "Rasa REST channel: http://localhost:$RASA_PORT/webhooks/rest/webhook"
.venv/bin/rasa run --model models --port "$RASA_PORT" "${api[@]}" --cors "${origins[@]}" \
  --credentials credentials.yml --endpoints endpoints.yml
