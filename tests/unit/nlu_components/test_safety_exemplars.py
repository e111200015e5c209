from pathlib import Path

import numpy as np
import pytest

from content.yaml_schema import InvalidYamlFile
from nlu_components.safety_exemplars import Exemplar, ExemplarBank, read_exemplars


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture
def bank() -> ExemplarBank:
    exemplars = [
        Exemplar("he won't wake up", "emergency", "unresponsive", "not waking"),
        Exemplar("signs of overdose?", "informational", "overdose_facts", "a question"),
    ]
    return ExemplarBank(exemplars, np.stack([unit(1, 0, 0), unit(0, 1, 0)]))


def test_close_to_a_safety_example_fires(bank: ExemplarBank) -> None:
    found = bank.match(unit(0.9, 0.1, 0.1), threshold=0.8, margin=0.0)

    assert found.route == "emergency"
    assert found.intent == "report_emergency"
    assert found.as_dict()["group"] == "unresponsive"
    assert found.score == pytest.approx(0.988, abs=0.001)


def test_closer_to_an_informational_example_does_not_fire(bank: ExemplarBank) -> None:
    found = bank.match(unit(0.6, 0.8, 0.0), threshold=0.5, margin=0.0)
    assert found.route is None and found.intent is None
    assert found.informational_score > found.score


def test_below_the_threshold_does_not_fire(bank: ExemplarBank) -> None:
    assert bank.match(unit(0.5, 0.0, 0.87), threshold=0.6, margin=-1.0).route is None


def test_a_margin_asks_for_a_clear_lead_over_the_informational_examples(bank: ExemplarBank) -> None:
    vector = unit(0.75, 0.66, 0.0)  # a little closer to the emergency
    assert bank.match(vector, threshold=0.5, margin=0.0).route == "emergency"
    assert bank.match(vector, threshold=0.5, margin=0.1).route is None


def test_the_record_for_staff_has_no_message_text(bank: ExemplarBank) -> None:
    record = bank.match(unit(1, 0, 0), threshold=0.5, margin=0.0).as_dict()
    assert set(record) == {"route", "score", "informational_score", "group", "why"}
    assert "he won't wake up" not in str(record)


def test_extended_bank_adds_examples(bank: ExemplarBank) -> None:
    more = bank.extended(
        [Exemplar("", "crisis", "training:express_crisis", "")], unit(0, 0, 1)[None]
    )
    assert more.match(unit(0, 0, 1), threshold=0.9, margin=0.0).route == "crisis"
    assert len(bank.exemplars) == 2


def test_a_wrong_route_names_the_group_and_field(tmp_path: Path) -> None:
    path = tmp_path / "exemplars.yml"
    path.write_text("groups:\n- id: x\n  route: panic\n  why: because\n  examples: [a b c]\n")
    with pytest.raises(InvalidYamlFile, match=r"groups\[0\]\(x\)\.route"):
        read_exemplars(path)


def test_two_groups_with_one_id_are_refused(tmp_path: Path) -> None:
    group = "- id: x\n  route: crisis\n  why: because\n  examples: [a b c]\n"
    path = tmp_path / "exemplars.yml"
    path.write_text("groups:\n" + group + group)
    with pytest.raises(InvalidYamlFile, match="two groups have the id 'x'"):
        read_exemplars(path)
