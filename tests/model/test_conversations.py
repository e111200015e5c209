"""Conversation tests: every story of the conversation test files, by Rasa's own test runner.

tests/test_stories.yml, written by hand, and tests/test_stories_reviewed.yml, the
conversations staff marked "make this a test" in the review app (`python -m review.cli
export-training-data`, docs/staff-app.md). Rasa's `--stories` takes one path, so both are
copied into one folder (their names kept: with `--e2e` Rasa reads only files named test_*).

`--e2e` makes the runner parse each user message with the trained model and
compare the intent, including the FAQ answer (faq/<topic>), with the story;
without it Rasa would take the story's intents on trust.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from devtools.project_files import CONVERSATION_TEST_FILES, PROJECT_ROOT, latest_model

RASA = Path(sys.executable).with_name("rasa")


def test_conversation_stories_pass_without_prediction_errors(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    for relative in CONVERSATION_TEST_FILES:
        shutil.copy(PROJECT_ROOT / relative, stories / Path(relative).name)
    results = tmp_path / "results"
    result = subprocess.run(
        [
            str(RASA),
            "test",
            "core",
            "--model",
            str(latest_model()),
            "--stories",
            str(stories),
            "--endpoints",
            "endpoints.yml",
            "--out",
            str(results),
            "--fail-on-prediction-errors",
            "--e2e",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = results / "failed_test_stories.yml"
    output = result.stdout + result.stderr
    wrong = output[output.find("WrongPredictionException") :][:2000]
    details = failed.read_text() if failed.exists() else wrong or output[-3000:]
    assert result.returncode == 0, details
    assert "# None of the test stories failed - all good!" in failed.read_text()
