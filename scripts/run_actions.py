"""Starts the action server: rasa-sdk's own entry point, without TensorFlow or JAX.

`rasa run actions` would load Rasa's command line first, and our actions use
spaCy (the substance lexicon), whose `thinc` imports TensorFlow and JAX when
they are installed, as they are in the project's .venv for the Rasa server.
The actions never need them: blocking both imports takes the action server from
about 580 MiB and 7 s to start to about 100 MiB and 2 s (docs/benchmarks.md).

    .venv/bin/python scripts/run_actions.py --actions actions --port 5055

Same arguments as `python -m rasa_sdk`; listens on SANIC_HOST (run.sh: 127.0.0.1).
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Runs rasa-sdk's action server with the project importable and no TensorFlow/JAX."""
    for module in ("tensorflow", "jax"):
        sys.modules.setdefault(module, None)  # type: ignore[arg-type]  # import -> ImportError
    from rasa_sdk.__main__ import main as run_action_server

    run_action_server()


if __name__ == "__main__":
    main()
