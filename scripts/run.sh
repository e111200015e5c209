#!/usr/bin/env bash
# Starts the action server and the widget's demo website in the background and
# the Rasa server in the foreground (or `rasa shell` with the argument "shell").
# Ctrl-C stops them all.
# Ports: RASA_PORT (5005), ACTION_PORT (5055), WIDGET_PORT (8000).
# WIDGET_ORIGINS: the website origins allowed to use the bot (comma-separated).
# RASA_HOST (127.0.0.1): where Rasa listens; its REST channel and health check are for
#   tools and tests on this machine (deployments put nginx in front: deploy/).
# RASA_API_TOKEN: if set, Rasa's HTTP API is enabled with this token (tests).
# ACTION_SERVER_TOKEN: shared by Rasa and the action server only (random per start if unset).
# TAKEOVER_TOKEN: shared by Rasa and the review app only, for live takeover (random per
#   start if unset); RASA_URL: where the review app reaches Rasa (http://localhost:RASA_PORT).
# CONVERSATION_ID_SECRET: signs the widget's conversation ids (random per start if unset,
#   so a restart starts widget conversations afresh).
# CONVERSATIONS_DB_URL: where conversations are stored, redacted (SQLite file by default).
# REVIEW_PORT (8100): the staff review app (review/), on 127.0.0.1 unless REVIEW_HOST is set.
# LOCK_STORE_TYPE (in_memory) and REDIS_HOST/PORT/DB/PASSWORD: endpoints.yml's lock store.
# CALLBACK_KEYS or CALLBACK_KEY_FILE: the key callback requests are encrypted with
#   (storage/callback_keys.py); unless one is set, a key file outside the repository
#   (~/.config/clonazepam-assistant/callback.key) is made once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
# No crash reports or usage data leave the machine (as the Makefile and the images set it).
export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
export WIDGET_PORT=${WIDGET_PORT:-8000}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:$ACTION_PORT/webhook}
random_secret() { .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))'; }
# The action server only answers requests carrying this token (rasa_sdk_plugins/),
# and listens on 127.0.0.1 unless ACTION_HOST says otherwise. The token, and the
# secret of the conversation ids, go to the processes that use them, not the others.
action_server_token=${ACTION_SERVER_TOKEN:-$(random_secret)}
conversation_id_secret=${CONVERSATION_ID_SECRET:-$(random_secret)}
takeover_token=${TAKEOVER_TOKEN:-$(random_secret)}
unset ACTION_SERVER_TOKEN CONVERSATION_ID_SECRET TAKEOVER_TOKEN
export WIDGET_ORIGINS=${WIDGET_ORIGINS:-http://localhost:$WIDGET_PORT,http://127.0.0.1:$WIDGET_PORT}
export BOT_URL=${BOT_URL:-http://localhost:$RASA_PORT}
export CONVERSATIONS_DB_URL=${CONVERSATIONS_DB_URL:-sqlite:///conversations.db}
export REVIEW_PORT=${REVIEW_PORT:-8100}
# One Rasa instance: locks in memory. Several (scripts/run_stack.py): Redis (endpoints.yml).
export LOCK_STORE_TYPE=${LOCK_STORE_TYPE:-in_memory}
export REDIS_HOST=${REDIS_HOST:-localhost} REDIS_PORT=${REDIS_PORT:-6379}
export REDIS_DB=${REDIS_DB:-1} REDIS_PASSWORD=${REDIS_PASSWORD:-}

if [ -z "${CALLBACK_KEYS:-}" ]; then
  export CALLBACK_KEY_FILE=${CALLBACK_KEY_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/clonazepam-assistant/callback.key}
  [ -f "$CALLBACK_KEY_FILE" ] || .venv/bin/python -m storage.callback_keys create "$CALLBACK_KEY_FILE"
fi

background=()
trap 'kill "${background[@]}" 2>/dev/null || true' EXIT INT TERM
ACTION_SERVER_TOKEN=$action_server_token SANIC_HOST=${ACTION_HOST:-127.0.0.1} \
  .venv/bin/python scripts/run_actions.py --actions actions --port "$ACTION_PORT" &
background+=($!)

if [ "${1:-}" = "shell" ]; then
  ACTION_SERVER_TOKEN=$action_server_token .venv/bin/rasa shell --model models \
    --endpoints endpoints.yml
  exit
fi

.venv/bin/python scripts/serve_widget.py &
background+=($!)
TAKEOVER_TOKEN=$takeover_token RASA_URL=${RASA_URL:-http://localhost:$RASA_PORT} \
  .venv/bin/python -m review.serve &
background+=($!)

api=()
if [ -n "${RASA_API_TOKEN:-}" ]; then
  api=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
# No --cors: the REST channel is not for browsers, and the chat widget's channel
# answers CORS for its own paths (channels/chat_widget.py).
echo "Rasa REST channel: http://localhost:$RASA_PORT/webhooks/rest/webhook"
ACTION_SERVER_TOKEN=$action_server_token CONVERSATION_ID_SECRET=$conversation_id_secret \
  TAKEOVER_TOKEN=$takeover_token \
  .venv/bin/rasa run --model models --interface "${RASA_HOST:-127.0.0.1}" --port "$RASA_PORT" \
  "${api[@]}" --credentials credentials.yml --endpoints endpoints.yml
