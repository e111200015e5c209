#!/usr/bin/env bash
# Starts the action server in the background and the Rasa server in the foreground
# (or `rasa shell` with the argument "shell"). Ctrl-C stops both.
# Ports come from RASA_PORT (5005) and ACTION_PORT (5055).
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:$ACTION_PORT/webhook}

.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" &
action_server=$!
trap 'kill "$action_server" 2>/dev/null || true' EXIT INT TERM

if [ "${1:-}" = "shell" ]; then
  .venv/bin/rasa shell --model models --endpoints endpoints.yml
else
  echo "Rasa REST channel: http://localhost:$RASA_PORT/webhooks/rest/webhook"
  .venv/bin/rasa run --model models --port "$RASA_PORT" \
    --credentials credentials.yml --endpoints endpoints.yml
fi
