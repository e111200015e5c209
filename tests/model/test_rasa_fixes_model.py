"""channels/rasa_fixes.py with the trained model: the direct graph call parses exactly alike."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.utils.tensorflow.models import RasaModel

from channels import rasa_fixes
from devtools.project_files import load_yaml

MESSAGES = [
    item["text"]
    for section in load_yaml("nlu_components/labelled_messages/questions_dev.yml").values()
    for item in section
][:120] + [
    "hi",
    "my brother took a whole bottle of klonopin and won't wake up",
    "¿puedo tomar alcohol con clonazepam?",
    "k",
]


def parse_all(agent: Any) -> list[dict[str, Any]]:
    async def parse() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in MESSAGES]

    return asyncio.run(parse())


def test_the_direct_graph_call_gives_the_same_parse_as_rasas_tf_function(
    agent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RasaModel, "_rasa_predict", rasa_fixes._ORIGINAL_RASA_PREDICT)
    expected = parse_all(agent)
    monkeypatch.setattr(RasaModel, "_rasa_predict", rasa_fixes._rasa_predict)
    assert parse_all(agent) == expected
    assert len(rasa_fixes._concrete_predict_steps) >= 2  # DIET and the ResponseSelector
