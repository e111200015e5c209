"""No Spanish word is read as a misspelled medicine name (#16).

The substance lexicon corrects a word one or two letters from a medicine's name to that name
("xanex": Xanax), unless it is an English word. Spanish visitors write Spanish: "buscar" is
one letter from Buspar and "calmante" two from Dalmane, and a question with "another drug" in
it is sent to a pharmacist. substances.yml lists such words under `everyday_words`; this
check finds every Spanish lemma of spaCy's Spanish lookup table that would still be corrected.
"""

from spacy.lookups import load_lookups

from nlu_components.substance_lexicon import SubstanceLexicon


def test_no_spanish_word_is_corrected_to_a_medicine_name() -> None:
    lexicon = SubstanceLexicon.from_file()
    spanish = set(load_lookups("es", ["lemma_lookup"]).get_table("lemma_lookup").values())
    corrected = {
        word: name
        for word in sorted(spanish)
        if word.isalpha()
        and word not in lexicon.vocabulary
        and lexicon.correct(word, is_clonazepam=False) != word
        and (name := lexicon.correct(word, is_clonazepam=False))
    }
    assert corrected == {}, "add these to `everyday_words` in nlu_components/substances.yml"
