from nlu_components.safety_classifier import RouteClassifier
from nlu_components.safety_exemplars import Exemplar, ExemplarBank
from nlu_components.sentence_encoder import encode


def bank(examples: dict[str, list[str]]) -> ExemplarBank:
    return ExemplarBank(
        [Exemplar(text, route, route, "") for route, texts in examples.items() for text in texts]
    )


EXAMPLES = {
    "emergency": [
        "my friend took a bunch of pills and wont wake up",
        "he swallowed the whole bottle and his lips are blue",
        "mi hermano se tomó muchas pastillas y no despierta",
        "she mixed klonopin with vodka and is barely breathing",
    ],
    "informational": [
        "is klonopin addictive",
        "what are the withdrawal symptoms",
        "cuáles son los efectos secundarios del clonazepam",
        "how long does clonazepam stay in your system",
    ],
}


def test_an_emergency_worded_otherwise_is_routed_with_its_probability() -> None:
    guess = RouteClassifier(bank(EXAMPLES), c=16).guess(
        encode("mi papá se tomó todo el frasco y no reacciona"), min_probability=0.5
    )
    assert guess.route == "emergency"
    assert guess.probability >= 0.5


def test_a_question_is_left_alone() -> None:
    guess = RouteClassifier(bank(EXAMPLES), c=16).guess(
        encode("is clonazepam habit forming"), min_probability=0.5
    )
    assert guess.route is None and guess.probability < 0.5


def test_the_minimum_probability_decides() -> None:
    classifier = RouteClassifier(bank(EXAMPLES), c=16)
    vector = encode("my friend took too many pills and wont wake up")
    assert classifier.guess(vector, min_probability=0.5).route == "emergency"
    assert classifier.guess(vector, min_probability=1.0).route is None


def test_a_bank_of_one_route_never_routes() -> None:
    classifier = RouteClassifier(bank({"emergency": EXAMPLES["emergency"]}), c=16)
    guess = classifier.guess(encode("he wont wake up"), min_probability=0.0)
    assert guess.route is None
