"""Rasa's RulePolicy, without the lookups that cannot find a rule in this project.

Every prediction, Rasa's RulePolicy rebuilds the conversation's states from its first event
and matches them against every rule; right after a visitor's message it does so twice: once
with the message's text in place of its intent (for end-to-end rules, which name a text),
then with its intent. In the first lookup the last state has no intent and follows
`action_listen`, so only a rule whose last state also follows `action_listen` and names no
intent can match it (an end-to-end rule, or one that waits for input with no user step). Our
rules (data/rules.yml) have none, so that lookup can never find a rule; this policy skips it
while that holds. It also stops matching rules against older turns once they are older than
the longest rule (Rasa's own check accepts every rule from there on), and checks against the
last turn only the rules that can match its intent (`RuleIndex`). It predicts exactly what
RulePolicy predicts (tests/unit/policies/test_intent_rule_policy.py); the lookup it skips was
about 3 % of every message's time on the development VM, the rules the index leaves out 2 %
(docs/deploying.md, "Speed").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Set, Tuple

from rasa.core.policies.rule_policy import RULES, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    PREVIOUS_ACTION,
    SHOULD_NOT_BE_SET,
    USER,
)
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, INTENT


def may_match_without_intent(last_state: State) -> bool:
    """Whether a rule ending in this state may match a last turn whose intent was taken out."""
    previous_action = (last_state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return previous_action == ACTION_LISTEN_NAME and INTENT not in last_state.get(USER, {})


def required_intent(last_state: State) -> str | None:
    """The intent a rule's last state demands of the last turn, if it demands one.

    RulePolicy rejects such a rule for a last turn with another intent, unless the rule's
    state is a conversation's start (no previous action), which it accepts without a look.
    """
    if not (last_state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME):
        return None
    intent = last_state.get(USER, {}).get(INTENT)
    return intent if intent and intent != SHOULD_NOT_BE_SET else None


@dataclass
class RuleIndex:
    """The rules as the policy needs them: which can match a last turn's intent or its text."""

    longest: int = 0
    by_text: bool = False
    by_intent: Dict[str, List[str]] = field(default_factory=dict)
    any_intent: List[str] = field(default_factory=list)

    @classmethod
    def of(cls, keys: List[str]) -> RuleIndex:
        """Indexes rule keys (a rule's states as JSON) by the intent their last state demands."""
        index = cls()
        for key in keys:
            states = json.loads(key)
            index.longest = max(index.longest, len(states))
            if not states:
                index.any_intent.append(key)
                continue
            index.by_text = index.by_text or may_match_without_intent(states[-1])
            intent = required_intent(states[-1])
            if intent is None:
                index.any_intent.append(key)
            else:
                index.by_intent.setdefault(intent, []).append(key)
        return index

    def candidates(self, last_turn: State) -> Set[str]:
        """The rules that may match a conversation whose last state is `last_turn`."""
        intent = last_turn.get(USER, {}).get(INTENT)
        return set(self.any_intent).union(self.by_intent.get(intent, ()))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, True)
class IntentRulePolicy(RulePolicy):
    """A RulePolicy that skips the lookup by text when no rule can match by text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As RulePolicy; what the rules need is read from them when first used."""
        super().__init__(*args, **kwargs)
        self._rule_index: RuleIndex | None = None

    def _index(self) -> RuleIndex:
        """The rules indexed by their last intent, made when first used."""
        if self._rule_index is None:
            self._rule_index = RuleIndex.of(list(self.lookup.get(RULES, {})))
        return self._rule_index

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """As RulePolicy; the rules may change, so they are read again when next used."""
        self._rule_index = None
        return super().train(training_trackers, domain, **kwargs)

    def _find_action_from_rules(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool,
    ) -> Tuple[str | None, str | None, bool]:
        """As RulePolicy's; a lookup by text finds nothing when no rule can match by text."""
        if use_text_for_last_user_input and not self._index().by_text:
            return None, None, False
        return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)

    def _get_possible_keys(self, lookup: Dict[str, str], states: List[State]) -> Set[str]:
        """As RulePolicy's, stopping once no key is left or the turns are older than any rule.

        RulePolicy's own loop goes through the whole conversation; past a rule's length its
        check accepts the rule, so those turns cannot take a key out. Of the rules, only
        those that may match the last turn's intent are checked against it.
        """
        index = self._index() if lookup is self.lookup.get(RULES) else None
        possible_keys = index.candidates(states[-1]) if index and states else set(lookup.keys())
        for turn_index, state in enumerate(reversed(states)):
            if not possible_keys or (index is not None and turn_index >= index.longest):
                break
            possible_keys = {
                key for key in possible_keys if self._is_rule_applicable(key, turn_index, state)
            }
        return possible_keys
