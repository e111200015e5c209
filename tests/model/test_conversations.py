"""Conversation tests: every story in tests/test_stories.yml, run by Rasa's own test runner.

`--e2e` makes the runner parse each user message with the trained model and
compare the intent, including the FAQ answer (faq/<topic>), with the story;
without it Rasa would take the story's intents on trust.
"""

import os
import subprocess
import sys
from pathlib import Path

from devtools.project_files import PROJECT_ROOT, latest_model

RASA = Path(sys.executable).with_name("rasa")


def test_conversation_stories_pass_without_prediction_errors(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(RASA),
            "test",
            "core",
            "--model",
            str(latest_model()),
            "--stories",
            "tests/test_stories.yml",
            "--endpoints",
            "endpoints.yml",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
            "--e2e",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = tmp_path / "failed_test_stories.yml"
    output = result.stdout + result.stderr
    wrong = output[output.find("WrongPredictionException") :][:2000]
    details = failed.read_text() if failed.exists() else wrong or output[-3000:]
    assert result.returncode == 0, details
    assert "# None of the test stories failed - all good!" in failed.read_text()
