import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.lemma_tokenizer import LemmaTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> LemmaTokenizer:
    return LemmaTokenizer(LemmaTokenizer.get_default_config())


def lemmas(tokenizer: LemmaTokenizer, text: str) -> list[str]:
    return [token.lemma for token in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_splits_like_the_whitespace_tokenizer(tokenizer: LemmaTokenizer) -> None:
    tokens = tokenizer.tokenize(Message(data={TEXT: "Is Klonopin addictive?"}), TEXT)
    assert [token.text for token in tokens] == ["Is", "Klonopin", "addictive"]
    assert [(token.start, token.end) for token in tokens] == [(0, 2), (3, 11), (12, 21)]


def test_uses_spacy_lookup_lemmas(tokenizer: LemmaTokenizer) -> None:
    assert lemmas(tokenizer, "my son stopped taking pills") == ["my", "son", "stop", "take", "pill"]


@pytest.mark.parametrize(
    "text",
    [
        "is klonipin addictive",
        "is Rivotril addictive",
        "is clonazapam addictive",
        "are k-pins addictive",
    ],
)
def test_every_way_of_writing_the_drug_gets_one_lemma(tokenizer: LemmaTokenizer, text: str) -> None:
    assert "clonazepam" in lemmas(tokenizer, text)


def test_spanish_with_and_without_accents_gets_the_same_lemmas(tokenizer: LemmaTokenizer) -> None:
    """Visitors type "adicción" and "adiccion" alike (#16)."""
    accented = lemmas(tokenizer, "¿Cómo se trata la adicción al clonazepam?")
    assert accented == lemmas(tokenizer, "como se trata la adiccion al clonazepam")
    assert "adiccion" in accented


def test_multi_word_slang(tokenizer: LemmaTokenizer) -> None:
    assert lemmas(tokenizer, "k pins withdrawal") == ["clonazepam", "clonazepam", "withdrawal"]


def test_processes_messages_in_the_pipeline(tokenizer: LemmaTokenizer) -> None:
    message = Message(data={TEXT: "benzos"})
    tokenizer.process([message])
    assert [token.lemma for token in message.get("text_tokens")] == ["benzodiazepine"]
