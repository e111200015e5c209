from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.faq_neighbours import FaqNeighbours
from nlu_components.safety_classifier import RouteGuess
from nlu_components.safety_exemplars import exemplar_bank
from nlu_components.semantic_safety_net import SEMANTIC_SAFETY_KEY, SemanticSafetyNet
from nlu_components.sentence_featurizer import TRAINING_SIMILARITIES

EXEMPLARS = """
groups:
- id: unresponsive_now
  route: emergency
  why: Took pills and cannot be woken now.
  examples:
  - my friend took a bunch of pills and i cant wake him up
  - mi hermano se tomó muchas pastillas y no despierta
- id: keeping_pills_back
  route: crisis
  why: Keeps pills back for later.
  examples:
  - i stopped taking my pills, im saving them for later
  - ya no me tomo el clonazepam, lo estoy guardando para después
- id: overdose_facts
  route: informational
  why: Questions about overdose, nothing happening now.
  examples:
  - what are the signs of an overdose
  - cuáles son los síntomas de una sobredosis
"""


@pytest.fixture
def net(tmp_path: Path) -> SemanticSafetyNet:
    path = tmp_path / "exemplars.yml"
    path.write_text(EXEMPLARS)
    config = {**SemanticSafetyNet.get_default_config(), "exemplars_file": str(path)}
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]
    return SemanticSafetyNet.create(config, storage, Resource("semantic"), context)


def classified(text: str, intent: str = "faq") -> Message:
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
    }
    return Message(data=data, output_properties=set(data))


def test_a_spanish_emergency_worded_otherwise_is_routed(net: SemanticSafetyNet) -> None:
    [message] = net.process([classified("mi mamá tomó demasiadas pastillas y no reacciona")])

    assert message.get("intent")["name"] == "report_emergency"
    assert message.get("intent_ranking")[0]["name"] == "report_emergency"
    record = message.get(SEMANTIC_SAFETY_KEY)
    assert record["fired"] is True and record["group"] == "unresponsive_now"
    assert record["intent_before"] == "faq" and record["score"] >= 0.45
    assert SEMANTIC_SAFETY_KEY in message.as_dict(only_output_properties=True)


def test_a_question_about_overdose_is_left_alone_but_scored(net: SemanticSafetyNet) -> None:
    [message] = net.process([classified("what does an overdose look like")])

    assert message.get("intent")["name"] == "faq"
    record = message.get(SEMANTIC_SAFETY_KEY)
    assert record["fired"] is False
    assert record["informational_score"] > record["score"]


def test_a_more_urgent_intent_already_set_is_kept(net: SemanticSafetyNet) -> None:
    [message] = net.process([classified("he took pills and wont wake up", "report_emergency")])
    assert message.get("intent")["name"] == "report_emergency"
    assert message.get(SEMANTIC_SAFETY_KEY)["fired"] is False


def test_button_payloads_are_not_read(net: SemanticSafetyNet) -> None:
    [message] = net.process([classified("/affirm", "affirm")])
    assert message.get("intent")["name"] == "affirm"
    assert message.get(SEMANTIC_SAFETY_KEY) is None


def test_training_examples_join_the_bank_after_training_and_loading(
    net: SemanticSafetyNet, tmp_path: Path
) -> None:
    crisis = Message(
        data={"text": "everyone would be better off without me", "intent": "express_crisis"}
    )
    question = Message(data={"text": "is klonopin addictive", "intent": "faq"})
    resource = net.train(TrainingData([crisis, question]))

    config = {**net.get_default_config(), "exemplars_file": str(tmp_path / "exemplars.yml")}
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]
    loaded = SemanticSafetyNet.load(config, net._model_storage, resource, context)
    [message] = loaded.process([classified("my family would be better off if i was gone")])

    assert message.get("intent")["name"] == "express_crisis"
    assert message.get(SEMANTIC_SAFETY_KEY)["group"] == "training:express_crisis"


def trained_and_loaded(net: SemanticSafetyNet, tmp_path: Path, data: TrainingData) -> Any:
    resource = net.train(data)
    config = {**net.get_default_config(), "exemplars_file": str(tmp_path / "exemplars.yml")}
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]
    return SemanticSafetyNet.load(config, net._model_storage, resource, context)


CRISIS_AND_QUESTION = TrainingData(
    [
        Message(
            data={"text": "everyone would be better off without me", "intent": "express_crisis"}
        ),
        Message(data={"text": "is klonopin addictive", "intent": "faq"}),
    ]
)


def test_similarities_kept_for_other_training_examples_are_not_used(
    net: SemanticSafetyNet, tmp_path: Path
) -> None:
    loaded = trained_and_loaded(net, tmp_path, CRISIS_AND_QUESTION)
    message = classified("my family would be better off if i was gone")
    # as if a component trained on two other examples had compared the message with them
    message.set(TRAINING_SIMILARITIES, ("other examples", np.array([-1.0, -1.0], np.float32)))
    [message] = loaded.process([message])
    assert message.get(SEMANTIC_SAFETY_KEY)["group"] == "training:express_crisis"
    assert message.get("intent")["name"] == "express_crisis"


def test_faq_neighbours_and_the_net_compare_a_message_with_the_training_examples_once(
    net: SemanticSafetyNet, tmp_path: Path
) -> None:
    loaded = trained_and_loaded(net, tmp_path, CRISIS_AND_QUESTION)
    neighbours = FaqNeighbours.create(
        {"neighbours": 1},
        net._model_storage,
        Resource("neighbours"),
        ExecutionContext(None, "1"),  # type: ignore[arg-type]
    )
    neighbours.train(CRISIS_AND_QUESTION)
    text = "my family would be better off if i was gone"
    [shared] = loaded.process(neighbours.process([classified(text)]))
    [alone] = loaded.process([classified(text)])

    assert shared.get(TRAINING_SIMILARITIES)[0] == loaded.training_digest == neighbours.digest
    assert shared.get(SEMANTIC_SAFETY_KEY) == alone.get(SEMANTIC_SAFETY_KEY)
    assert shared.get("intent") == alone.get("intent")


def test_a_loaded_model_reuses_the_exemplar_vectors_until_the_file_changes(
    net: SemanticSafetyNet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = net.train(TrainingData([Message(data={"text": "hello", "intent": "greet"})]))
    config = {**net.get_default_config(), "exemplars_file": str(tmp_path / "exemplars.yml")}
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]

    def no_embedding(texts: Any) -> Any:
        raise AssertionError("the unchanged exemplar file was embedded again")

    with monkeypatch.context() as patched:  # start-up: no second or two of embedding
        patched.setattr("nlu_components.safety_exemplars.encode_all", no_embedding)
        SemanticSafetyNet.load(config, net._model_storage, resource, context)

    # An edited file takes effect on restart, without retraining.
    (tmp_path / "exemplars.yml").write_text(
        EXEMPLARS + "  - he swallowed the whole bottle and is turning blue\n"
    )
    exemplar_bank.cache_clear()  # a new process
    reloaded = SemanticSafetyNet.load(config, net._model_storage, resource, context)
    assert any("turning blue" in exemplar.text for exemplar in reloaded.bank.exemplars)


def spanish(message: Message) -> Message:
    entity = {"entity": "language", "value": "es", "start": 0, "end": 0, "confidence": 0.99}
    message.set("entities", [entity], add_to_output=True)
    return message


def test_in_english_an_emergency_is_not_turned_into_a_crisis_or_back(
    net: SemanticSafetyNet,
) -> None:
    # DIET said crisis; the nearest examples say emergency: in English DIET decides.
    [message] = net.process(
        [classified("my friend took pills and i cant wake him up", "express_crisis")]
    )
    assert message.get("intent")["name"] == "express_crisis"


def test_on_spanish_the_net_corrects_diets_emergency_or_crisis(net: SemanticSafetyNet) -> None:
    # DIET learnt English only: on Spanish its choice between the two is noise.
    message = spanish(
        classified("mi hermano tomó muchas pastillas y no despierta", "express_crisis")
    )
    [message] = net.process([message])
    assert message.get("intent")["name"] == "report_emergency"
    assert message.get(SEMANTIC_SAFETY_KEY)["fired"] is True


def test_an_extra_dose_is_upgraded_to_an_emergency(net: SemanticSafetyNet) -> None:
    message = classified(
        "took an extra one and now my friend wont wake up", "report_accidental_extra_dose"
    )
    [message] = net.process([message])
    assert message.get("intent")["name"] == "report_emergency"


def test_a_dose_question_the_guard_referred_is_not_an_alarm(net: SemanticSafetyNet) -> None:
    message = classified(
        "he took a bunch of pills, how many more can he take", "ask_dose_or_prescription"
    )
    message.set("dose_question_guard", {"pattern": "how_many"}, add_to_output=True)
    [message] = net.process([message])
    assert message.get("intent")["name"] == "ask_dose_or_prescription"


def test_on_spanish_a_dose_guess_of_diet_does_not_hide_an_emergency(
    net: SemanticSafetyNet,
) -> None:
    # The dose guard's patterns are English; DIET's dose guess on Spanish is noise.
    message = spanish(
        classified("mi mamá se tomó muchas pastillas y no despierta", "ask_dose_or_prescription")
    )
    [message] = net.process([message])
    assert message.get("intent")["name"] == "report_emergency"


def test_in_english_a_dose_question_is_not_an_alarm(net: SemanticSafetyNet) -> None:
    message = classified("how many pills can he take, he wont wake up", "ask_dose_or_prescription")
    [message] = net.process([message])
    assert message.get("intent")["name"] == "ask_dose_or_prescription"
    record = message.get(SEMANTIC_SAFETY_KEY)
    assert record["route"] == "emergency" and record["by"] in {"nearest", "classifier"}
    assert record["fired"] is False


def test_an_unsure_referral_does_not_hide_an_emergency(net: SemanticSafetyNet) -> None:
    # The fallback's best guess was a dose question, and the gate gave the referral for it.
    message = classified(
        "my friend took a lot of pills and i cannot wake him", "ask_dose_or_prescription"
    )
    message.set("response_confidence_gate", {"referral": True, "rescued": True}, add_to_output=True)
    [message] = net.process([message])
    assert message.get("intent")["name"] == "report_emergency"


def test_a_dose_guard_reading_of_a_farewell_taken_for_small_talk_does_not_hide_it(
    net: SemanticSafetyNet,
) -> None:
    # DIET took the farewell for out of scope; the guard saw only "refill" in it.
    message = classified(
        "thank you to whoever reads these. you've been kind. "
        "I won't be needing the refill after this week",
        "ask_dose_or_prescription",
    )
    message.set(
        "dose_question_guard",
        {"pattern": "prescription_request", "classifier_intent": "out_of_scope"},
        add_to_output=True,
    )
    [message] = net.process([message])
    assert message.get("intent")["name"] == "express_crisis"


def test_an_extra_dose_the_pattern_net_read_is_not_made_a_crisis(net: SemanticSafetyNet) -> None:
    # Its nearest example may be about keeping pills back; the words of the accident decide.
    message = spanish(
        classified("me tomé doble la dosis de clonazepam sin querer, me siento bien", "x")
    )
    message.set("intent", {"name": "report_accidental_extra_dose", "confidence": 1.0})
    message.set("safety_net", {"intent": "report_accidental_extra_dose"}, add_to_output=True)
    [message] = net.process([message])
    assert message.get(SEMANTIC_SAFETY_KEY)["route"] == "crisis"
    assert message.get("intent")["name"] == "report_accidental_extra_dose"


def test_an_emergency_the_dose_guard_kept_still_gets_the_caution_line(
    net: SemanticSafetyNet,
) -> None:
    message = classified("how many pills can he take, he wont wake up", "ask_dose_or_prescription")
    message.set("dose_question_guard", {"pattern": "how_many"}, add_to_output=True)
    [message] = net.process([message])
    assert message.get("intent")["name"] == "ask_dose_or_prescription"
    assert message.get(SEMANTIC_SAFETY_KEY)["caution"] is True


def test_a_crisis_only_the_classifier_saw_in_a_dose_question_gets_the_caution_line(
    net: SemanticSafetyNet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "I'm saving them up for a specific reason, not gonna say what" read as a prescription
    # question: the dose guard keeps the answer, the classifier's crisis adds 911 and 988.
    monkeypatch.setattr(net.classifier, "guess", lambda vector, minimum: RouteGuess("crisis", 0.99))
    message = classified(
        "how do i get my refill early, im saving them up", "ask_dose_or_prescription"
    )
    message.set("dose_question_guard", {"pattern": "refill"}, add_to_output=True)
    [message] = net.process([message])
    assert message.get("intent")["name"] == "ask_dose_or_prescription"
    record = message.get(SEMANTIC_SAFETY_KEY)
    assert record["by"] == "classifier" and record["fired"] is False
    assert record["caution"] is True


def with_ranking(message: Message, *ranking: tuple[str, float]) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent_ranking", entries, add_to_output=True)
    return message


@pytest.mark.parametrize(
    ("second_intent", "confidence", "caution"),
    [
        ("express_crisis", 0.1, True),
        ("report_emergency", 0.25, True),
        ("express_crisis", 0.09, False),
        ("report_accidental_extra_dose", 0.6, False),
        ("goodbye", 0.6, False),
    ],
)
def test_diets_weak_emergency_or_crisis_reading_gets_the_caution_line(
    net: SemanticSafetyNet, second_intent: str, confidence: float, caution: bool
) -> None:
    message = with_ranking(
        classified("how long do these stay good in the bottle"),
        ("faq", 0.8),
        (second_intent, confidence),
    )
    [message] = net.process([message])
    assert message.get("intent")["name"] == "faq"
    assert message.get(SEMANTIC_SAFETY_KEY)["caution"] is caution


@pytest.mark.parametrize(
    "intent", ["report_emergency", "express_crisis", "report_accidental_extra_dose"]
)
def test_a_message_routed_to_a_safety_script_gets_no_caution_line(
    net: SemanticSafetyNet, intent: str
) -> None:
    message = with_ranking(
        classified("he took pills and wont wake up", intent), (intent, 0.9), ("express_crisis", 0.5)
    )
    [message] = net.process([message])
    assert message.get(SEMANTIC_SAFETY_KEY)["caution"] is False


def test_a_routed_message_gets_no_caution_line(net: SemanticSafetyNet) -> None:
    [message] = net.process([classified("mi mamá tomó demasiadas pastillas y no reacciona")])
    assert message.get("intent")["name"] == "report_emergency"
    assert message.get(SEMANTIC_SAFETY_KEY)["caution"] is False


def test_a_plain_question_gets_no_caution_line(net: SemanticSafetyNet) -> None:
    [message] = net.process([classified("what does an overdose look like")])
    assert message.get(SEMANTIC_SAFETY_KEY)["caution"] is False


LABELLED = """
crises:
  - text: i have already written the letters to my kids and sorted my papers
    lang: en
near_misses:
  - text: i sorted all my papers for the tax office today
    lang: en
"""


def test_labelled_messages_join_the_bank_and_are_stored_with_the_model(
    net: SemanticSafetyNet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labelled = tmp_path / "labelled"
    labelled.mkdir()
    (labelled / "safety_dev1.yml").write_text(LABELLED)
    config = {
        **net.get_default_config(),
        "exemplars_file": str(tmp_path / "exemplars.yml"),
        "labelled_messages": str(labelled),
    }
    context = ExecutionContext(graph_schema=None, model_id="1")  # type: ignore[arg-type]
    trained = SemanticSafetyNet.create(config, net._model_storage, Resource("labelled"), context)
    resource = trained.train(TrainingData([Message(data={"text": "hello", "intent": "greet"})]))

    def no_embedding(texts: Any) -> Any:
        raise AssertionError("unchanged labelled messages were embedded again")

    with monkeypatch.context() as patched:
        patched.setattr("nlu_components.safety_exemplars.encode_all", no_embedding)
        loaded = SemanticSafetyNet.load(config, net._model_storage, resource, context)
    [message] = loaded.process([classified("wrote letters to my children, my papers are sorted")])

    assert message.get("intent")["name"] == "express_crisis"
    assert message.get(SEMANTIC_SAFETY_KEY)["group"] == "safety_dev1:crises"

    # A changed file is embedded again at start-up, without retraining.
    (labelled / "safety_dev1.yml").write_text(
        LABELLED + "  - text: giving my guitar to my cousin since i wont need it\n    lang: en\n"
    )
    reloaded = SemanticSafetyNet.load(config, net._model_storage, resource, context)
    assert any("guitar" in exemplar.text for exemplar in reloaded.bank.exemplars)
