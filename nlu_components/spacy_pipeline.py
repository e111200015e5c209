"""The model-free spaCy pipeline shared by our NLU components.

No pretrained spaCy model can be installed here, so we use ``spacy.blank("en")``
and ``spacy.blank("es")`` (rule-based tokenizers) plus the lookup lemmatizers whose
tables come from the ``spacy-lookups-data`` package.
"""

import functools
from typing import cast

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from content.languages import ENGLISH, SPANISH


@functools.lru_cache(maxsize=2)
def blank_with_lemmas(language: str = ENGLISH) -> Language:
    """A blank pipeline with a lookup lemmatizer: Spanish for SPANISH, else English (built once)."""
    nlp = spacy.blank(SPANISH if language == SPANISH else ENGLISH)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def blank_english_with_lemmas() -> Language:
    """The blank English pipeline with its lookup lemmatizer."""
    return blank_with_lemmas(ENGLISH)


def lemmatize_words(words: list[str], language: str = ENGLISH) -> list[str]:
    """Lemmatizes already-split, lower-cased words, keeping one lemma per word.

    `language` SPANISH uses spaCy's Spanish lookup table, anything else its English one.
    """
    nlp = blank_with_lemmas(language)
    doc = Doc(nlp.vocab, words=words)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [token.lemma_ or token.text for token in doc]


@functools.lru_cache(maxsize=100_000)
def lookup_lemma(word: str) -> str:
    """The spaCy lookup lemma of a lower-case word (the word itself if the table lacks it)."""
    return lemmatize_words([word])[0]


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The lemmas of spaCy's lookup table and the words of its WordNet lemma index."""
    lemmatizer = cast(Lemmatizer, blank_english_with_lemmas().get_pipe("lemmatizer"))
    words = set(lemmatizer.lookups.get_table("lemma_lookup").values())
    for words_of_a_part_of_speech in (
        load_lookups("en", ["lemma_index"]).get_table("lemma_index").values()
    ):
        words.update(words_of_a_part_of_speech)
    return frozenset(words)


def is_english_word(word: str) -> bool:
    """Whether spaCy's English lemma tables know the word (as a form, a lemma or in WordNet)."""
    return lookup_lemma(word) != word or word in english_words()
