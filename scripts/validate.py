"""`rasa data validate`, strict: every warning fails, and it knows what our actions utter.

Rasa's validator only sees stories and rules, so it warns that a response
uttered by a custom action (``dispatcher.utter_message(response="utter_...")``)
"is not used in any story or rule". This script runs the same checks as the
command, with those responses counted as used. Unlike `--fail-on-warnings`
(which, in Rasa 3.6, lets an unused response or intent through), it fails on
every warning except two that Rasa 3.6 always raises. A form's `utter_ask_<slot>`
responses count as used too (the form utters them). The response names are
found in the action and channel modules' source; tests/unit/scripts/test_validate.py
checks that each one exists in the domain.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESPONSE_NAME = re.compile(r"""["'](utter_[A-Za-z0-9_/]+)["']""")
# Rasa's metadata key for the response a bot message came from, not a response.
NOT_A_RESPONSE = frozenset({"utter_action"})
# Raised by Rasa 3.6 for every project: about its own 3.0 migration, and about
# the retrieval intent `faq`, which it merges from the NLU data into the domain.
ALWAYS_RAISED = ("Slot auto-fill has been removed", "duplicated intents have been found")


def responses_uttered_by_actions(actions_dir: Path = PROJECT_ROOT / "actions") -> set[str]:
    """Every `utter_...` string literal in the modules of a directory (actions/, channels/)."""
    return {
        name
        for module in sorted(actions_dir.glob("*.py"))
        for name in RESPONSE_NAME.findall(module.read_text(encoding="utf-8"))
        if name not in NOT_A_RESPONSE
    }


def main(project_root: Path = PROJECT_ROOT) -> int:
    """Validates domain, NLU data, stories and rules; returns the exit status."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    uttered_by_actions = responses_uttered_by_actions(
        project_root / "actions"
    ) | responses_uttered_by_actions(project_root / "channels")
    # A response the stories or rules use too must stay an utterance action for Rasa.
    used_in_data = {
        name
        for data_file in sorted((project_root / "data").glob("*.yml"))
        for name in re.findall(r"\butter_[A-Za-z0-9_/]+", data_file.read_text(encoding="utf-8"))
    }
    uttered_by_actions -= used_in_data

    class ProjectValidator(Validator):
        def _gather_utterance_actions(self) -> set[str]:
            # A form asks for each of its slots with utter_ask_<slot>.
            asked_by_forms = {
                f"utter_ask_{slot}"
                for form in self.domain.forms.values()
                for slot in form.get("required_slots", [])
            }
            return super()._gather_utterance_actions() - uttered_by_actions - asked_by_forms

    importer = TrainingDataImporter.load_from_config(
        str(project_root / "config.yml"),
        str(project_root / "domain.yml"),
        [str(project_root / "data")],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validator = ProjectValidator.from_importer(importer)
        checks = [
            not validator.domain.is_empty(),
            validator.verify_domain_validity(),
            validator.verify_actions_in_stories_rules(),
            validator.verify_forms_in_stories_rules(),
            validator.verify_form_slots(),
            validator.verify_slot_mappings(),
            validator.verify_nlu(ignore_warnings=False),
            validator.verify_story_structure(ignore_warnings=False),
        ]
    problems = [
        str(warning.message)
        for warning in caught
        if issubclass(warning.category, UserWarning)  # Rasa's warnings, not deprecations
        and not any(harmless in str(warning.message) for harmless in ALWAYS_RAISED)
    ]
    for problem in problems:
        print(f"WARNING: {problem}", file=sys.stderr)
    if problems or not all(checks):
        print("Project validation failed.", file=sys.stderr)
        return 1
    print("Project validation passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
