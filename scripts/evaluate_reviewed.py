"""The trained model on the messages staff labelled in the review app (#19).

Parses every training example of data/nlu_reviewed.yml and every case of
tests/safety_reviewed.yml and tests/safety_reviewed_es.yml (written by `python -m review.cli
export-training-data`, docs/staff-app.md "Teaching the bot") and prints, per kind of label,
how many the model gets right, then each miss (devtools/reviewed_evaluation.py). Run with
`make evaluate`: before retraining it measures the model staff saw go wrong, after retraining
with the export the change. With nothing labelled yet it says so and loads no model.

The texts of the misses are the visitors' stored, redacted messages, already in the
repository: printed to stdout for the developer, never logged.
"""

from __future__ import annotations

import asyncio
import os
from datetime import date

from devtools.nlu_evaluation import load_agent
from devtools.project_files import latest_model
from devtools.reviewed_evaluation import NO_CASES, report_lines, reviewed_cases, score

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


async def main() -> None:
    """Prints the report."""
    print(f"# Labelled messages (review app), {date.today().isoformat()}")
    cases = reviewed_cases()
    if not cases:
        print(NO_CASES)
        return
    model = latest_model()
    agent = load_agent()
    parses = [await agent.parse_message(case.text) for case in cases]
    print(f"model: {model.name}, {len(cases)} labelled messages")
    print()
    print("\n".join(report_lines(score(cases, parses))))


if __name__ == "__main__":
    asyncio.run(main())
