"""Benchmark of the trained NLU model on the held-out set tests/nlu_test.yml.

Prints accuracy (intent + FAQ answer) for several response-confidence gate
thresholds, how many messages were answered wrongly or fell back to "Did you
mean ...?", the time one parse takes, and what the dose, pill and prescription
questions of the development set (tests/nlu_dev.yml) and of the test set got.
Run with `make evaluate`; quote the output, with the machine and date, in
docs/nlu-evaluation.md.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from devtools.nlu_evaluation import DOSE_INTENT, REFERRAL_INTENTS, load_agent
from devtools.project_files import examples_by_intent

PROJECT_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

GATE_THRESHOLDS = (0.2, 0.3, 0.35, 0.4, 0.5, 0.6)


@dataclass(frozen=True)
class Prediction:
    """What the model said about one held-out example, before any gate."""

    expected: str
    label: str  # faq/<topic> or the intent
    intent_fallback: bool  # the FallbackClassifier fired
    response_confidence: float  # 1.0 when the intent is not a retrieval intent
    seconds: float


async def dose_outcomes(agent: Any, path: str) -> Counter[str]:
    """What each dose, pill or prescription question of `path` got: referral, FAQ, other."""
    outcomes: Counter[str] = Counter()
    for text in examples_by_intent(path).get(DOSE_INTENT, []):
        intent = (await agent.parse_message(text))["intent"]["name"]
        referral = intent in REFERRAL_INTENTS
        outcomes["referral" if referral else "FAQ answer" if intent == "faq" else intent] += 1
    return outcomes


async def dose_outcomes_of(agent: Any, sets: dict[str, str]) -> dict[str, Counter[str]]:
    """dose_outcomes for each named file."""
    return {name: await dose_outcomes(agent, path) for name, path in sets.items()}


async def predict_all(agent: Any) -> list[Prediction]:
    """Parses every held-out example with the model."""
    predictions = []
    for expected, examples in examples_by_intent("tests/nlu_test.yml").items():
        for text in examples:
            start = time.perf_counter()
            parse_data = await agent.parse_message(text)
            seconds = time.perf_counter() - start
            ranking = [i for i in parse_data["intent_ranking"] if i["name"] != "nlu_fallback"]
            gate = parse_data.get("response_confidence_gate")
            intent_fallback = parse_data["intent"]["name"] == "nlu_fallback" and gate is None
            # No selection unless DIET ranks faq first or second (LikelyFaqResponseSelector)
            selector = parse_data.get("response_selector") or {}
            response = (selector.get("faq") or {}).get("response") or {}
            is_faq = ranking[0]["name"] == "faq"
            predictions.append(
                Prediction(
                    expected=expected,
                    label=response["intent_response_key"] if is_faq else ranking[0]["name"],
                    intent_fallback=intent_fallback,
                    response_confidence=float(response["confidence"]) if is_faq else 1.0,
                    seconds=seconds,
                )
            )
    return predictions


def main() -> None:
    """Prints the report."""
    agent = load_agent()
    predictions = asyncio.run(predict_all(agent))
    total = len(predictions)
    print(f"# NLU evaluation, {date.today().isoformat()}, {platform.node()}")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {total} held-out examples")
    print()
    print("| gate threshold | accuracy | wrong answer | fallback |")
    print("|---|---|---|---|")
    for threshold in GATE_THRESHOLDS:
        right = wrong = fallback = 0
        for p in predictions:
            if p.intent_fallback or p.response_confidence < threshold:
                fallback += 1
            elif p.label == p.expected:
                right += 1
            else:
                wrong += 1
        print(f"| {threshold} | {right / total:.3f} | {wrong} | {fallback} |")
    times = sorted(p.seconds * 1000 for p in predictions)
    p95 = times[int(0.95 * (len(times) - 1))]
    print()
    print(f"parse time per message: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
    print()
    print("Dose, pill and prescription questions (shipped configuration):")
    sets = {"development set": "tests/nlu_dev.yml", "test set": "tests/nlu_test.yml"}
    for name, outcomes in asyncio.run(dose_outcomes_of(agent, sets)).items():
        count = sum(outcomes.values())
        rate = outcomes["referral"] / count
        rest = ", ".join(
            f"{kind} {n}" for kind, n in sorted(outcomes.items()) if kind != "referral"
        )
        rest = rest or "nothing else"
        print(f"- {name}: referral {outcomes['referral']}/{count} ({rate:.3f}); {rest}")


if __name__ == "__main__":
    main()
