#!/usr/bin/env bash
# Trains the model into models/. Rasa's own fingerprinting skips training when
# data/, domain.yml and config.yml are unchanged. Rasa does not fingerprint the
# code of our custom NLU components and policies, so a change there forces a retrain.
set -euo pipefail
cd "$(dirname "$0")/.."

# No crash reports or usage data leave the machine (as the Makefile and the images set it).
export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}

components_hash=$(find nlu_components policies -type f \( -name '*.py' -o -name '*.yml' \) -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
stamp=models/.nlu-components.sha256

force=()
if ls models/*.tar.gz >/dev/null 2>&1 && [ "$(cat "$stamp" 2>/dev/null)" != "$components_hash" ]; then
  echo "Custom NLU components or policies changed since the last training: retraining."
  force=(--force)
fi

.venv/bin/rasa train --out models --fixed-model-name clonazepam-assistant "${force[@]}"
mkdir -p models
echo "$components_hash" > "$stamp"
