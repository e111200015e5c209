"""The substance extractor: names of other substances in a message become `substance` entities.

Runs after DIETClassifier in the NLU pipeline. Every substance of substances.yml that a
message names (brands, generics, slang, plurals, misspellings; never clonazepam itself)
becomes a `substance` entity whose value is the entry's display name ("xanex bars" ->
"Xanax"), so the action can look up its interaction category with
`substance_lexicon().lookup(value)`. A `substance` entity found by another extractor (DIET)
over the same words is replaced; one this lexicon does not know ("zoloft") is kept, and
the action says it is not among the interactions the article lists. A drug of the
lexicon's `other_drug_names` ("ibuprofen") that nothing else found becomes a `substance`
entity valued as written, so the action can say that too, whether DIET learnt the name or not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.drug_words import unlisted_drug_words
from nlu_components.stateless_component import StatelessComponent
from nlu_components.substance_lexicon import (
    DEFAULT_SUBSTANCES_FILE,
    SUBSTANCE_ENTITY,
    FoundSubstance,
    SubstanceLexicon,
    substance_lexicon,
    word_spans,
)
from nlu_components.typed_text import typed_text


def overlaps_span(entity: Dict[str, Any], start: int, end: int) -> bool:
    """Whether an entity's character span shares at least one character with start..end."""
    entity_start, entity_end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    if entity_start is None or entity_end is None:
        return False
    return entity_start < end and start < entity_end


def overlaps(entity: Dict[str, Any], found: FoundSubstance) -> bool:
    """Whether an entity's character span shares at least one character with `found`'s."""
    return overlaps_span(entity, found.start, found.end)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class SubstanceExtractor(StatelessComponent, EntityExtractorMixin):
    """Adds a `substance` entity for every substance of substances.yml a message names."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        # YAML file of interaction categories and substance names (None: the project's).
        return {"substances_file": None}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Loads the lexicon (once per file, shared with other instances)."""
        super().__init__(config)
        path = Path(self.config["substances_file"] or DEFAULT_SUBSTANCES_FILE)
        self.lexicon: SubstanceLexicon = substance_lexicon(path)
        self.unlisted_words = unlisted_drug_words(path)

    @staticmethod
    def required_packages() -> List[str] | None:
        """Packages needed at run time."""
        return ["spacy", "spacy_lookups_data"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data as annotated: DIET learns from the annotations."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the substances each message names, replacing DIET's over the same words."""
        for message in messages:
            text = typed_text(message)
            if text is None:
                continue  # button payloads carry their entities already
            found = self.lexicon.find(text)
            entities = message.get(ENTITIES, [])
            kept = [entity for entity in entities if not self._is_replaced(entity, found)]
            # Listed substances valued by their display names ("xanex bars" -> "Xanax").
            added = self.entities([(item.start, item.end, item.substance.name) for item in found])
            added += self.entities(self.unlisted_spans(text, kept + added))
            added.sort(key=lambda entity: entity[ENTITY_ATTRIBUTE_START])
            if added or len(kept) < len(entities):
                message.set(ENTITIES, kept + added, add_to_output=True)
        return messages

    def unlisted_spans(self, text: str, known: List[Dict[str, Any]]) -> List[Tuple[int, int, str]]:
        """The unlisted drug names of `text` that no entity in `known` covers, as written."""
        return [
            (start, end, text[start:end])
            for word, start, end in word_spans(text)
            if word in self.unlisted_words
            and not any(overlaps_span(entity, start, end) for entity in known)
        ]

    def entities(self, spans: List[Tuple[int, int, str]]) -> List[Dict[str, Any]]:
        """The `substance` entity dicts of (start, end, value) spans."""
        entities = [
            {
                ENTITY_ATTRIBUTE_TYPE: SUBSTANCE_ENTITY,
                ENTITY_ATTRIBUTE_START: start,
                ENTITY_ATTRIBUTE_END: end,
                ENTITY_ATTRIBUTE_VALUE: value,
                ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
            }
            for start, end, value in spans
        ]
        return self.add_extractor_name(entities)

    def _is_replaced(self, entity: Dict[str, Any], found: List[FoundSubstance]) -> bool:
        """DIET's substance over words the lexicon found, or naming clonazepam itself."""
        if (
            entity.get(ENTITY_ATTRIBUTE_TYPE) != SUBSTANCE_ENTITY
            or entity.get(EXTRACTOR) == self.name
        ):
            return False
        return any(overlaps(entity, item) for item in found) or self.lexicon.names_only_clonazepam(
            str(entity.get(ENTITY_ATTRIBUTE_VALUE, ""))
        )
