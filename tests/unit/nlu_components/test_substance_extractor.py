"""SubstanceExtractor: the substances visitors name, as they write them, and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.substance_extractor import SubstanceExtractor


@pytest.fixture(scope="module")
def extractor() -> SubstanceExtractor:
    return SubstanceExtractor(SubstanceExtractor.get_default_config())


def processed(extractor: SubstanceExtractor, text: str, **data: Any) -> Message:
    [message] = extractor.process([Message(data={"text": text, **data})])
    return message


def substances(extractor: SubstanceExtractor, text: str) -> list[str]:
    entities = processed(extractor, text).get("entities", [])
    return [entity["value"] for entity in entities if entity["entity"] == "substance"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Brands and generics.
        ("can i take klonopin with xanax", ["Xanax"]),
        ("is it safe to take alprazolam and clonazepam together", ["Xanax"]),
        ("my doctor gave me lorazepam, can i still take my klonopin", ["Ativan"]),
        ("klonopin and valium same day?", ["Valium"]),
        ("can i take my Norco with clonazepam", ["Norco"]),
        ("does hydrocodone interact with klonopin", ["hydrocodone"]),
        ("klonopin with percocet?", ["Percocet"]),
        ("my dad is on suboxone and klonopin", ["Suboxone"]),
        ("can i take benadryl to sleep while on klonopin", ["Benadryl"]),
        ("is zyrtec ok with clonazepam", ["Zyrtec"]),
        ("klonopin and ambien together?", ["Ambien"]),
        ("can i take buspar and klonopin", ["buspirone"]),
        ("is trazodone ok with clonazepam", ["trazodone"]),
        ("can you take amitriptyline and clonazepam", ["amitriptyline"]),
        ("klonopin and xyrem", ["Xyrem"]),
        ("is it ok to take thorazine and klonopin", ["chlorpromazine"]),
        ("klonopin and compazine for nausea", ["prochlorperazine"]),
        ("can i use nizoral while taking klonopin", ["ketoconazole"]),
        ("my mom takes phenobarbital and clonazepam", ["phenobarbital"]),
        ("can i take klonopin before getting propofol for surgery", ["propofol"]),
        ("does lidocaine at the dentist interact with klonopin", ["lidocaine"]),
        ("can i take flexeril with clonazepam", ["Flexeril"]),
        ("is soma ok to take with klonopin", ["Soma"]),
        # Slang and everyday words.
        ("what about klonopin and bars", ["Xanax"]),
        ("k pins and lean together bad?", ["codeine cough syrup"]),
        ("my brother drank lean and took k pins", ["codeine cough syrup"]),
        ("he mixed kpins with percs", ["Percocet"]),
        ("she took kpins and oxys", ["oxycodone"]),
        ("can i take it with a cough syrup with codeine", ["codeine cough syrup"]),
        ("is promethazine with codeine ok with klonopin", ["codeine cough syrup"]),
        ("klonopin and tylenol pm", ["Tylenol PM"]),
        ("can i take NyQuil with klonopin", ["NyQuil"]),
        ("klonopin with allergy medicine", ["antihistamines"]),
        ("can i take a sleep aid with clonazepam", ["sleeping pills"]),
        ("is it ok with my other anxiety meds", ["other anxiety medicines"]),
        ("can i take tylenol #3 and klonopin", ["codeine"]),
        ("are muscle relaxers dangerous with klonopin", ["muscle relaxants"]),
        ("i'm getting general anesthesia next week and take klonopin", ["general anesthesia"]),
        ("will the numbing shot at the dentist be ok with my klonopin", ["local anesthetic"]),
        ("can i take klonopin with other benzos", ["benzodiazepines"]),
        ("is it bad to mix klonopin and pain pills", ["opioids"]),
        ("klonopin and opiates", ["opioids"]),
        ("is gabapentin or ghb worse with klonopin", ["gabapentin", "GHB"]),
        # The article's class words.
        ("does klonopin interact with antidepressants", ["antidepressants"]),
        ("klonopin and seizure meds", ["seizure medicines"]),
        ("can i take an antifungal with clonazepam", ["antifungals"]),
        ("is it ok to be on an antipsychotic and klonopin", ["antipsychotics"]),
        # Alcohol, however it is said.
        ("can i drink on klonopin", ["alcohol"]),
        ("is it ok to have a couple drinks on klonopin", ["alcohol"]),
        ("i was drinking last night and took my clonazepam", ["alcohol"]),
        ("is a glass of wine ok with klonopin", ["alcohol"]),
        ("klonopin and beers", ["alcohol"]),
        ("can i have some vodka with my kpins", ["alcohol"]),
        ("we were doing shots and i took a klonopin", ["alcohol"]),
        ("is booze ok on klonopin", ["alcohol"]),
        ("does whiskey mix with clonazepam", ["alcohol"]),
        # Case, plurals, misspellings.
        ("XANAX AND KLONOPIN", ["Xanax"]),
        ("how many xanaxes with klonopin is too many", ["Xanax"]),
        ("klonopin with xanex", ["Xanax"]),
        ("can i take zanax and klonopin", ["Xanax"]),
        ("klonopin and alprazalam", ["Xanax"]),
        ("i take adivan and klonopin", ["Ativan"]),
        ("is valume stronger than klonopin", ["Valium"]),
        ("is trazadone and klonopin a bad mix", ["trazodone"]),
        ("can i take trazidone with clonazepam", ["trazodone"]),
        ("benadril and klonopin", ["Benadryl"]),
        ("klonopin and oxicontin", ["OxyContin"]),
        ("i take percoset and klonopin", ["Percocet"]),
        ("klonopin and ambian", ["Ambien"]),
        ("is flexaril ok with clonazepam", ["Flexeril"]),
        ("can i have alchohol with klonopin", ["alcohol"]),
        ("klonopin and alcahol", ["alcohol"]),
        ("klonipin and achohol", ["alcohol"]),
        ("klonopin with hydroxizine", ["hydroxyzine"]),
        ("is ketoconazol ok with klonopin", ["ketoconazole"]),
        ("klonopin with cyclobenzaprene", ["Flexeril"]),
        ("klonopin and lorazapam", ["Ativan"]),
        ("is fentenal in pills dangerous with klonopin", ["fentanyl"]),
        ("my dad takes buprenorfine and clonazepam", ["buprenorphine"]),
        ("is pentobarbital like phenobarbital", ["pentobarbital", "phenobarbital"]),
        ("klonopin with ghb or liquid ecstasy", ["GHB"]),
        ("soma and klonopin", ["Soma"]),
        ("can i take fioricet with my kpins", ["butalbital"]),
        ("klonopin and claritin", ["Claritin"]),
        # Two or three substances in one message.
        ("klonopin with xanax and a beer", ["Xanax", "alcohol"]),
        ("is it bad to take xanax and ambien with klonopin", ["Xanax", "Ambien"]),
        ("klonopin with oxycontin and beer", ["OxyContin", "alcohol"]),
        ("my husband mixes his klonopin with percs and booze", ["Percocet", "alcohol"]),
        ("rivotril, trazodone, benadryl and wine", ["trazodone", "Benadryl", "alcohol"]),
        ("can you drink a beer on klonopin", ["alcohol"]),
        # In Spanish (#16), with and without accents.
        ("se puede tomar clonazepam con cerveza", ["alcohol"]),
        ("unas chelas con las clonas que pasa", ["alcohol"]),
        ("mi mama toma rivotril y tramadol", ["tramadol"]),
        ("clonazepam con pastillas para dormir", ["sleeping pills"]),
        ("puedo tomar un antihistamínico con klonopin", ["antihistamines"]),
        ("y con oxicodona?", ["oxycodone"]),
    ],
)
def test_substances_visitors_name_are_found(
    extractor: SubstanceExtractor, text: str, expected: list[str]
) -> None:
    assert substances(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # No other substance.
        "is klonopin addictive",
        "i was thinking about stopping",
        "can i take klonopin with food",
        "what are the side effects of klonopin",
        "can i drink water with my klonopin",
        "i drank a glass of water and took it",
        "can i get a flu shot while taking klonopin",
        "i got my allergy shots today",
        "is the wind making my anxiety worse",
        "i went to the bars with friends",
        "can i eat protein bars on klonopin",
        "i lean on my family a lot",
        "i've been leaning on klonopin",
        "i lean towards stopping klonopin",
        "is klonopin an anxiety medication",
        "i'd rather not drink energy drinks",
        "do you have non alcoholic beer",
        # Clonazepam's own names and misspellings.
        "clonazepam",
        "klonopin",
        "klonipin",
        "clonazapam",
        "k pins",
        "kpins",
        "rivotril",
        "is klonopin a benzo",
        "is klonopin a seizure medicine",
        "is clonazepam an anticonvulsant",
        "is clonazepam a benzodiazepine",
        "is klonopin an opioid",
        "is it a narcotic",
        "is klonopin a sleeping pill",
        # Substances neither the article nor the lexicon's other drug names list.
        "klonopin and dayquil",
        "is voriconazole dangerous",
        "nortriptyline and klonopin",
        "fluconazole and klonopin",
        # Words near drug names.
        "the ambient noise keeps me up",
        "is that a valid prescription",
        "i feel so sonambulant",
        "she is well versed in this",
        "klonopin is ruining my marraige",
        "i listen to kelly clarkson to calm down",
        "is klonopin a machine for sleep",
        # Spanish words near drug names (substances.yml `everyday_words`), and Spanish
        # names of clonazepam itself.
        "q tengo q buscar si creo q mi hijo es adicto a las clonas",
        "el clonazepam es un calmante?",
        "ya vino mi hermano y se tomo el clonazepam",
        "me trago la pastilla de clonazepam con agua",
        "el clonazepam es una benzo?",
        "la luz del ventanal no me deja dormir",
    ],
)
def test_nothing_is_found_where_no_listed_substance_is_named(
    extractor: SubstanceExtractor, text: str
) -> None:
    assert substances(extractor, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("can i take ibuprofen with klonopin", ["ibuprofen"]),
        ("what about Zoloft", ["Zoloft"]),
        ("is weed ok with klonopin", ["weed"]),
        ("klonopin with cocaine and xanax", ["cocaine", "Xanax"]),
        ("is it ok to drink coffee on clonazepam", ["coffee"]),
        ("klonopin and melatonin", ["melatonin"]),
    ],
)
def test_a_drug_the_article_does_not_list_is_found_as_written(
    extractor: SubstanceExtractor, text: str, expected: list[str]
) -> None:
    """The action then says it is not among the article's interactions: a pharmacist's call."""
    assert substances(extractor, text) == expected


def test_an_unlisted_drug_diet_found_is_not_found_twice(extractor: SubstanceExtractor) -> None:
    message = processed(extractor, "klonopin and zoloft", entities=[diet_entity("zoloft", 13)])
    assert [(e["value"], e["extractor"]) for e in message.get("entities")] == [
        ("zoloft", "DIETClassifier")
    ]


def test_an_entity_has_its_span_display_name_and_extractor(extractor: SubstanceExtractor) -> None:
    message = processed(extractor, "Klonopin with XANEX bars?")
    assert message.get("entities") == [
        {
            "entity": "substance",
            "start": 14,
            "end": 24,
            "value": "Xanax",
            "confidence_entity": 1.0,
            "extractor": "SubstanceExtractor",
        }
    ]
    assert "entities" in message.as_dict(only_output_properties=True)


def diet_entity(value: str, start: int, entity: str = "substance") -> dict[str, Any]:
    return {
        "entity": entity,
        "start": start,
        "end": start + len(value),
        "value": value,
        "confidence_entity": 0.87,
        "extractor": "DIETClassifier",
    }


def test_diets_overlapping_substance_is_replaced_and_an_unknown_one_is_kept(
    extractor: SubstanceExtractor,
) -> None:
    text = "klonopin with xanax bars and zoloft"
    diet = [diet_entity("xanax", 14), diet_entity("zoloft", 29)]
    message = processed(extractor, text, entities=diet)
    assert [(e["value"], e["extractor"]) for e in message.get("entities")] == [
        ("zoloft", "DIETClassifier"),
        ("Xanax", "SubstanceExtractor"),
    ]


def test_other_entities_of_diet_are_kept(extractor: SubstanceExtractor) -> None:
    diet = [diet_entity("xanax", 14, entity="dose")]
    message = processed(extractor, "klonopin with xanax", entities=diet)
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == [
        ("dose", "xanax"),
        ("substance", "Xanax"),
    ]


def test_a_message_without_substances_is_left_alone(extractor: SubstanceExtractor) -> None:
    diet = [diet_entity("kratom", 14)]
    message = processed(extractor, "klonopin with kratom", entities=diet)
    assert message.get("entities") == diet


@pytest.mark.parametrize("name", ["klonopin", "K Pins", "clonazapam"])
def test_diets_substance_naming_clonazepam_itself_is_dropped(
    extractor: SubstanceExtractor, name: str
) -> None:
    text = f"{name} with kratom"
    diet = [diet_entity(name, 0), diet_entity("kratom", len(name) + 6)]
    message = processed(extractor, text, entities=diet)
    assert [e["value"] for e in message.get("entities")] == ["kratom"]


def test_button_payloads_are_not_reinterpreted(extractor: SubstanceExtractor) -> None:
    message = processed(extractor, '/ask_interaction{"substance": "xanax"}')
    assert message.get("entities") is None


def test_training_data_is_returned_unchanged(extractor: SubstanceExtractor) -> None:
    data = TrainingData([Message(data={"text": "klonopin and xanax", "intent": "ask"})])
    assert extractor.process_training_data(data) is data
    assert data.training_examples[0].get("entities") is None


def test_a_custom_substances_file_is_used(tmp_path: Path) -> None:
    path = tmp_path / "substances.yml"
    path.write_text(
        "categories:\n  alcohol:\n    article_item: alcohol\n    label: alcohol\n"
        "    label_es: alcohol\n    reply: life_threatening\n"
        "substances:\n  mead:\n    category: alcohol\n    fuzzy: false\n    variants: []\n",
        encoding="utf-8",
    )
    extractor = SubstanceExtractor({"substances_file": str(path)})
    assert substances(extractor, "klonopin with mead and xanax") == ["mead"]
