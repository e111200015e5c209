from rasa.shared.nlu.training_data.message import Message

from nlu_components.safety_net import SAFETY_NET_KEY, SafetyNet


def classified(text: str, intent: str = "faq") -> Message:
    data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.97},
        "intent_ranking": [
            {"name": intent, "confidence": 0.97},
            {"name": "report_emergency", "confidence": 0.02},
        ],
    }
    return Message(data=data, output_properties=set(data))


def test_emergency_overrides_a_wrong_classification() -> None:
    [message] = SafetyNet({}).process([classified("my son took a whole bottle of klonopin")])

    assert message.get("intent") == {"name": "report_emergency", "confidence": 1.0}
    ranking = [entry["name"] for entry in message.get("intent_ranking")]
    assert ranking == ["report_emergency", "faq"]
    assert message.get(SAFETY_NET_KEY) == {
        "intent": "report_emergency",
        "pattern": "took_too_many",
        "why": "someone took too many pills or overdosed",
        "classifier_intent": "faq",
    }
    assert SAFETY_NET_KEY in message.as_dict(only_output_properties=True)


def test_crisis_overrides_the_fallback() -> None:
    [message] = SafetyNet({}).process([classified("i want to die", intent="nlu_fallback")])
    assert message.get("intent")["name"] == "express_crisis"
    assert message.get(SAFETY_NET_KEY)["classifier_intent"] == "nlu_fallback"


def test_informational_question_is_left_to_the_classifier() -> None:
    [message] = SafetyNet({}).process([classified("what are the signs of a klonopin overdose")])
    assert message.get("intent")["name"] == "faq"
    assert message.get(SAFETY_NET_KEY) is None


def test_button_payloads_are_not_reinterpreted() -> None:
    [message] = SafetyNet({}).process([classified("/deny", intent="deny")])
    assert message.get("intent")["name"] == "deny"


def test_an_accidental_double_dose_gets_poison_control_unless_there_is_danger() -> None:
    [double] = SafetyNet({}).process([classified("oops took my klonopin twice by mistake")])
    [danger] = SafetyNet({}).process(
        [classified("she took her klonopin twice by mistake and now wont wake up")]
    )

    assert double.get("intent")["name"] == "report_accidental_extra_dose"
    assert double.get(SAFETY_NET_KEY)["pattern"] == "accidental_extra_dose"
    assert danger.get("intent")["name"] == "report_emergency"  # 911 before Poison Control


def test_an_extra_dose_the_classifier_read_as_an_emergency_keeps_the_911_script() -> None:
    text = "grandpa took his evening klonopin twice by mistake and keeps mumbling nonsense"
    [emergency] = SafetyNet({}).process([classified(text, intent="report_emergency")])
    [unsure] = SafetyNet({}).process([classified(text, intent="nlu_fallback")])

    assert emergency.get("intent") == {"name": "report_emergency", "confidence": 0.97}
    assert emergency.get(SAFETY_NET_KEY) is None
    assert unsure.get("intent")["name"] == "report_accidental_extra_dose"


def test_spanish_emergencies_and_crises_are_routed_by_the_spanish_patterns() -> None:
    [emergency] = SafetyNet({}).process([classified("mi mamá se tomó todo el frasco")])
    [crisis] = SafetyNet({}).process([classified("ya no quiero vivir", intent="nlu_fallback")])

    assert emergency.get(SAFETY_NET_KEY)["pattern"] == "es_took_too_many"
    assert crisis.get(SAFETY_NET_KEY)["pattern"] == "es_wants_to_die"
