"""policies/intent_rule_policy.py: it predicts what Rasa's RulePolicy predicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from devtools.project_files import PROJECT_ROOT
from policies.intent_rule_policy import IntentRulePolicy

# The domain as Rasa trains with it: domain.yml and the retrieval actions (utter_faq) of data/.
PROJECT = TrainingDataImporter.load_from_dict(
    domain_path=str(PROJECT_ROOT / "domain.yml"), training_data_paths=[str(PROJECT_ROOT / "data")]
)
DOMAIN: Domain = PROJECT.get_domain()


def trained(policy_class: type[RulePolicy], trackers: list[Any], tmp_path: Path) -> RulePolicy:
    config = {**policy_class.get_default_config(), "core_fallback_threshold": 0.3}
    policy = policy_class.create(
        config,
        LocalModelStorage(tmp_path),
        Resource(policy_class.__name__),
        ExecutionContext(graph_schema=None, model_id="1"),  # type: ignore[arg-type]
    )
    policy.train(trackers, DOMAIN)
    return policy


@pytest.fixture(scope="module")
def project_trackers() -> list[TrackerWithCachedStates]:
    """The conversations of data/rules.yml and data/stories.yml, as Rasa trains on them."""
    return load_data(PROJECT, DOMAIN, augmentation_factor=0)


@pytest.fixture(scope="module")
def both(
    project_trackers: list[TrackerWithCachedStates], tmp_path_factory: pytest.TempPathFactory
) -> tuple[RulePolicy, RulePolicy]:
    tmp_path = tmp_path_factory.mktemp("policies")
    return (
        trained(RulePolicy, project_trackers, tmp_path),
        trained(IntentRulePolicy, project_trackers, tmp_path),
    )


def prefixes(tracker: DialogueStateTracker) -> list[DialogueStateTracker]:
    """The conversation as it stood before each action the bot took."""
    events = list(tracker.events)
    return [
        DialogueStateTracker.from_events("visitor", events[:index])
        for index, event in enumerate(events)
        if isinstance(event, ActionExecuted) and index
    ]


def prediction(policy: RulePolicy, tracker: DialogueStateTracker) -> tuple[Any, ...]:
    result = policy.predict_action_probabilities(tracker, DOMAIN)
    return (
        result.probabilities,
        result.is_end_to_end_prediction,
        result.is_no_user_prediction,
        [event.as_dict() for event in result.optional_events],
    )


def test_predicts_what_rasas_rule_policy_predicts_at_every_step_of_every_rule_and_story(
    both: tuple[RulePolicy, RulePolicy], project_trackers: list[TrackerWithCachedStates]
) -> None:
    rasas, ours = both
    steps = [step for tracker in project_trackers for step in prefixes(tracker)]
    assert len(steps) > 100
    for step in steps:
        assert prediction(ours, step) == prediction(rasas, step), step.events


@pytest.mark.parametrize(
    "user_events",
    [
        [UserUttered("/restart", {"name": "restart", "confidence": 1.0})],  # a default action
        [UserUttered("asdf", {"name": "nlu_fallback", "confidence": 1.0})],
        [UserUttered("hi", {"name": "greet", "confidence": 1.0})]
        + [ActionExecuted("utter_greet"), ActionExecuted("action_listen")] * 8
        + [UserUttered("is it addictive?", {"name": "faq", "confidence": 0.9})],
    ],
)
def test_predicts_alike_on_conversations_no_rule_was_written_for(
    both: tuple[RulePolicy, RulePolicy], user_events: list[Any]
) -> None:
    rasas, ours = both
    events = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("visitor", events + user_events)
    assert prediction(ours, tracker) == prediction(rasas, tracker)


def test_the_lookup_by_text_is_kept_when_a_rule_ends_on_a_text(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(
        'version: "3.1"\nrules:\n- rule: a text\n  steps:\n  - user: "is it addictive?"\n'
        "  - action: utter_greet\n"
    )
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(PROJECT_ROOT / "domain.yml"), training_data_paths=[str(rules)]
    )
    policy = trained(IntentRulePolicy, load_data(importer, DOMAIN, augmentation_factor=0), tmp_path)
    tracker = DialogueStateTracker.from_events(
        "visitor",
        [
            ActionExecuted("action_listen"),
            UserUttered("is it addictive?", {"name": "faq", "confidence": 0.9}),
        ],
    )
    result = policy.predict_action_probabilities(tracker, DOMAIN)
    assert DOMAIN.action_names_or_texts[result.max_confidence_index] == "utter_greet"
    assert result.is_end_to_end_prediction
