"""The model-free spaCy pipeline shared by our NLU components.

No pretrained English spaCy model can be installed here, so we use
``spacy.blank("en")`` (rule-based tokenizer) plus the lookup lemmatizer whose
tables come from the ``spacy-lookups-data`` package.
"""

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc


@functools.lru_cache(maxsize=1)
def blank_english_with_lemmas() -> Language:
    """Returns a blank English pipeline with a lookup lemmatizer (built once)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def lemmatize_words(words: list[str]) -> list[str]:
    """Lemmatizes already-split, lower-cased words, keeping one lemma per word."""
    nlp = blank_english_with_lemmas()
    doc = Doc(nlp.vocab, words=words)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [token.lemma_ or token.text for token in doc]
