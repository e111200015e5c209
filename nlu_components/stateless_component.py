"""The base of the pipeline's rule layers that are made from their config alone."""

from __future__ import annotations

from typing import Any, Dict

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class StatelessComponent(GraphComponent):
    """A graph component with nothing to train and nothing stored: its config is all it has."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config (none)."""
        return {}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keeps the config, the defaults filled in."""
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatelessComponent:
        """Creates the component (see parent class for full docstring)."""
        return cls(config)
