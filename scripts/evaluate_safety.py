"""Safety layer counts on the safety test sets (English, Spanish): tried, caught, false alarms.

For each message: what the classifier (DIET) said, whether the safety net fired,
and the intent that wins. Run with `make evaluate`; quote the output, with the
machine and date, in docs/safety-evaluation.md.
"""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path
from typing import Any

from content.safety_intents import ALARM_INTENTS
from devtools.nlu_evaluation import load_agent
from devtools.project_files import SAFETY_TEST_FILES, load_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

EXPECTED = {
    "emergencies": "report_emergency",
    "crises": "express_crisis",
    "lethal_dose_questions": "express_crisis",
    "extra_dose": "report_accidental_extra_dose",
}
SAFETY_INTENTS = set(ALARM_INTENTS)


async def main() -> None:
    """Prints one table per safety test set, one row per category."""
    agent = load_agent()
    print(f"# Safety evaluation, {date.today().isoformat()}")
    for language, path in SAFETY_TEST_FILES.items():
        print(f"\n{path} ({language})\n")
        await print_table(agent, load_yaml(path))


async def print_table(agent: Any, cases: dict[str, Any]) -> None:
    """One table row per category of a safety test set."""
    print("| messages | tried | routed right | by the safety net | by the classifier |")
    print("|---|---|---|---|---|")
    for category, expected in EXPECTED.items():
        right = net = classifier = 0
        for text in cases[category]:
            parse = await agent.parse_message(text)
            fired = parse.get("safety_net")
            classifier_intent = fired["classifier_intent"] if fired else parse["intent"]["name"]
            right += parse["intent"]["name"] == expected
            net += bool(fired and fired["intent"] == expected)
            classifier += classifier_intent == expected
        print(f"| {category} | {len(cases[category])} | {right} | {net} | {classifier} |")
    net_fp = classifier_fp = 0
    for case in cases["near_misses"]:
        parse = await agent.parse_message(case["text"])
        fired = parse.get("safety_net")
        net_fp += bool(fired)
        classifier_intent = fired["classifier_intent"] if fired else parse["intent"]["name"]
        classifier_fp += classifier_intent in SAFETY_INTENTS
    tried = len(cases["near_misses"])
    print(
        f"| near_misses (false positives) | {tried} | {tried - max(net_fp, classifier_fp)}"
        f" not routed to safety | {net_fp} fired | {classifier_fp} predicted safety |"
    )


if __name__ == "__main__":
    asyncio.run(main())
