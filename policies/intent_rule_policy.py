"""Rasa's RulePolicy, without the lookups that cannot find a rule in this project.

Every prediction, Rasa's RulePolicy rebuilds the conversation's states from its first event
and matches them against every rule; right after a visitor's message it does so twice: once
with the message's text in place of its intent (for end-to-end rules, which name a text),
then with its intent. In the first lookup the last state has no intent and follows
`action_listen`, so only a rule whose last state also follows `action_listen` and names no
intent can match it (an end-to-end rule, or one that waits for input with no user step). Our
rules (data/rules.yml) have none, so that lookup can never find a rule; this policy skips it
while that holds. It also stops matching rules against older turns once they are older than
the longest rule (Rasa's own check accepts every rule from there on). It predicts exactly what
RulePolicy predicts (tests/unit/policies/test_intent_rule_policy.py); the lookup it skips was
about 3 % of every message's time on the development VM (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Set, Tuple

from rasa.core.policies.rule_policy import RULES, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, PREVIOUS_ACTION, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, INTENT


def may_match_without_intent(last_state: State) -> bool:
    """Whether a rule ending in this state may match a last turn whose intent was taken out."""
    previous_action = (last_state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return previous_action == ACTION_LISTEN_NAME and INTENT not in last_state.get(USER, {})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, True)
class IntentRulePolicy(RulePolicy):
    """A RulePolicy that skips the lookup by text when no rule can match by text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As RulePolicy; what the rules need is read from them when first used."""
        super().__init__(*args, **kwargs)
        self._rule_shape: Tuple[bool, int] | None = None

    def _shape(self) -> Tuple[bool, int]:
        """Whether a rule can match by text, and the number of turns of the longest rule."""
        if self._rule_shape is None:
            rules = [json.loads(key) for key in self.lookup.get(RULES, {})]
            by_text = any(may_match_without_intent(rule[-1]) for rule in rules if rule)
            self._rule_shape = (by_text, max((len(rule) for rule in rules), default=0))
        return self._rule_shape

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """As RulePolicy; the rules may change, so they are read again when next used."""
        self._rule_shape = None
        return super().train(training_trackers, domain, **kwargs)

    def _find_action_from_rules(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool,
    ) -> Tuple[str | None, str | None, bool]:
        """As RulePolicy's; a lookup by text finds nothing when no rule can match by text."""
        if use_text_for_last_user_input and not self._shape()[0]:
            return None, None, False
        return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)

    def _get_possible_keys(self, lookup: Dict[str, str], states: List[State]) -> Set[str]:
        """As RulePolicy's, stopping once no key is left or the turns are older than any rule.

        RulePolicy's own loop goes through the whole conversation; past a rule's length its
        check accepts the rule, so those turns cannot take a key out.
        """
        longest = self._shape()[1] if lookup is self.lookup.get(RULES) else None
        possible_keys = set(lookup.keys())
        for turn_index, state in enumerate(reversed(states)):
            if not possible_keys or (longest is not None and turn_index >= longest):
                break
            possible_keys = {
                key for key in possible_keys if self._is_rule_applicable(key, turn_index, state)
            }
        return possible_keys
