"""A tokenizer that adds spaCy lookup lemmas and canonical drug names.

Tokens are split exactly like Rasa's ``WhitespaceTokenizer``; each token then
gets a lemma from spaCy's lookup lemmatizer ("stopped" -> "stop"), and any
drug-name variant gets its canonical name as lemma ("k pins", "klonipin",
"Rivotril" -> "clonazepam"). Lemmas are written without accents: Spanish visitors type
"adicción" and "adiccion" alike (#16). Rasa's featurizers use lemmas by default, so the
classifiers see one word for all the ways visitors write a drug's name or a Spanish word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from content.languages import without_accents
from nlu_components.drug_names import DEFAULT_DRUG_NAMES_FILE, DrugNameNormaliser


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class LemmaTokenizer(WhitespaceTokenizer):
    """Whitespace tokenizer with spaCy lookup lemmas and drug-name normalisation."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {
            **WhitespaceTokenizer.get_default_config(),
            # YAML file of canonical drug names and their variants.
            "drug_names_file": None,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        """Loads the drug-name lexicon named in the config."""
        super().__init__(config)
        path = config.get("drug_names_file")
        self.normaliser = DrugNameNormaliser.from_file(
            Path(path) if path else DEFAULT_DRUG_NAMES_FILE
        )

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LemmaTokenizer:
        """Creates the component (see parent class for full docstring)."""
        return cls(config)

    @staticmethod
    def required_packages() -> List[str] | None:
        """Packages needed at run time."""
        return ["spacy", "spacy_lookups_data"]

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        """Splits like WhitespaceTokenizer, then sets each token's lemma."""
        tokens = super().tokenize(message, attribute)
        words = [token.text.lower() for token in tokens]
        for token, lemma in zip(tokens, self.normaliser.lemmas(words), strict=True):
            token.lemma = without_accents(lemma)
        return tokens
