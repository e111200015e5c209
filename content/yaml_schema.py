"""Reads a YAML file of the project into a pydantic model, with one clear line per problem.

Shared by the loaders of clinic/, nlu_components/ and content/; it imports only PyYAML and
pydantic (v1, as Rasa 3.6 pins it), so every image can copy it. Each problem is a line
``<file>: <field path>: <what is wrong>``, e.g.
``/app/clinic.yml: intake_hours.close: unknown field (expected: timezone, open)`` or
``.../safety_patterns.yml: patterns[2](blue_lips).match[0][1].LOWR: not a token attribute``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, Extra, ValidationError
from pydantic.error_wrappers import ErrorWrapper
from pydantic.fields import SHAPE_SINGLETON, ModelField

# libyaml's safe loader when PyYAML has it (about ten times faster, same result).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Model = TypeVar("Model", bound=BaseModel)
Location = Sequence[str | int]
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Clearer words for pydantic's most common messages, by error type.
MESSAGES = {
    "value_error.missing": "missing (a required field)",
    "type_error.none.not_allowed": "empty: a value is required",
    "type_error.dict": "expected a mapping of fields",
    "type_error.list": "expected a list",
    "type_error.str": "expected a text",
    "value_error.strictbool": "expected true or false",
}


class InvalidYamlFile(ValueError):
    """A YAML file that cannot be used; the message has one line per problem."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


class SchemaModel(BaseModel):
    """Base of the file schemas: an unknown field is an error; loaded models never change."""

    class Config:
        """Unknown fields are errors; loaded values never change."""

        extra = Extra.forbid
        allow_mutation = False


if TYPE_CHECKING:  # a str to type checkers, as pydantic's own constrained types are
    Text = str
else:

    class Text(str):
        """A text that is not blank (a YAML number, boolean or null is not a text)."""

        @classmethod
        def __get_validators__(cls) -> Iterator[Callable[[Any], str]]:
            yield cls.validate

        @classmethod
        def validate(cls, value: Any) -> str:
            """The value itself, if it is a text with something else than spaces."""
            if not isinstance(value, str):
                raise TypeError("expected a text")
            if not value.strip():
                raise ValueError("must not be empty")
            return value


def problems_at(problems: Sequence[tuple[Location, str]]) -> ValidationError:
    """An error a validator raises to report problems deeper inside its field.

    `problems`: (location relative to the field, message) pairs.
    """
    errors = [ErrorWrapper(ValueError(message), loc=tuple(loc)) for loc, message in problems]
    return ValidationError(errors, SchemaModel)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def location(loc: Location, data: Any = None) -> str:
    """'patterns[3](overdose).match[0]': a field path ('' for the whole file).

    List items show the `id` they have in `data`.
    """
    text = ""
    node = data
    for part in loc:
        if part == "__root__":
            continue
        node = _child(node, part)
        if part == "__key__":
            text += " (a key)"
        elif isinstance(part, int):
            text += f"[{part}]"
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                text += f"({node['id']})"
        elif IDENTIFIER.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text


def _model_of(field: ModelField) -> type[BaseModel] | None:
    is_model = isinstance(field.type_, type) and issubclass(field.type_, BaseModel)
    return field.type_ if is_model and field.shape == SHAPE_SINGLETON else None


def _field_names(model: type[BaseModel], loc: Location) -> list[str] | None:
    """The fields of the model found at `loc` inside `model`, when the types say so."""
    current: type[BaseModel] | ModelField = model
    for part in loc:
        if isinstance(current, ModelField) and current.shape != SHAPE_SINGLETON:
            if not current.sub_fields:
                return None
            current = current.sub_fields[0]  # `part` is an index or a key
            continue
        found = _model_of(current) if isinstance(current, ModelField) else current
        if found is None or part not in found.__fields__:
            return None
        current = found.__fields__[str(part)]
    found = _model_of(current) if isinstance(current, ModelField) else current
    return list(found.__fields__) if found else None


def _value_at(data: Any, loc: Location) -> str:
    """', not 12' or ', not a list': what the file holds where a value has the wrong type."""
    value = data
    for part in loc:
        value = value if part == "__root__" else _child(value, part)
    if isinstance(value, list):
        return ", not a list"
    if isinstance(value, dict):
        return ", not a mapping"
    if not isinstance(value, str | int | float | bool):
        return ""
    shown = repr(value)
    return f", not {shown[:57]}..." if len(shown) > 60 else f", not {shown}"


def _message(problem: Mapping[str, Any], model: type[BaseModel], data: Any) -> str:
    loc, kind, message = problem["loc"], problem["type"], problem["msg"]
    if kind == "value_error.extra":
        allowed = _field_names(model, loc[:-1])
        return f"unknown field (expected: {', '.join(allowed)})" if allowed else "unknown field"
    if re.fullmatch(r"\w+ expected dict not \w+", message):  # a model given something else
        kind = "type_error.dict"
    message = MESSAGES.get(kind, message)
    if (
        kind.startswith(("type_error", "value_error.strict"))
        and kind != "type_error.none.not_allowed"
    ):
        message += _value_at(data, loc)
    return str(message)


def describe(
    error: ValidationError,
    model: type[BaseModel],
    data: Any = None,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """One '<field path>: <what is wrong>' line per problem of `error`.

    `data`: what was validated (to show offending values and `id`s); `labels`: other
    names for some field paths (e.g. the environment variable that set the value).
    """
    lines = []
    for problem in error.errors():
        where = location(problem["loc"], data)
        where = (labels or {}).get(where, where)
        message = _message(problem, model, data)
        lines.append(f"{where}: {message}" if where else message)
    return lines


def read_yaml(path: Path) -> Any:
    """The content of a YAML file (None when it is empty)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as error:
        raise InvalidYamlFile(str(path), [f"cannot be read: {error.strerror or error}"]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = getattr(error, "problem", None) or error
        raise InvalidYamlFile(str(path), [f"{where}not valid YAML ({what})"]) from error


def validate(
    data: Any, model: type[Model], source: str, labels: Mapping[str, str] | None = None
) -> Model:
    """`data` as a `model`; raises InvalidYamlFile naming `source` and each wrong field."""
    try:
        return model.parse_obj({} if data is None else data)
    except ValidationError as error:
        raise InvalidYamlFile(source, describe(error, model, data, labels)) from error


def load_yaml_file(path: Path, model: type[Model]) -> Model:
    """Reads and validates a YAML file; raises InvalidYamlFile naming the file and fields."""
    return validate(read_yaml(path), model, str(path))
