"""The schema of content/responses.yml (read by content/sheet.py; its header explains it)."""

from __future__ import annotations

from typing import List

from pydantic import StrictStr, validator

from content.yaml_schema import SchemaModel, Text


class GroupFields(SchemaModel):
    """One group of responses of the review sheet."""

    title: Text
    article_section: Text | None = None  # null: the group rests on no section of the article
    beyond_article: StrictStr = ""
    responses: List[Text]

    @validator("responses", each_item=True)
    def response_name(cls, name: str) -> str:
        """The name of a response of domain.yml."""
        if not name.startswith("utter_"):
            raise ValueError(f"{name!r} is not the name of a response (utter_...)")
        return name


class ResponsesFile(SchemaModel):
    """content/responses.yml."""

    groups: List[GroupFields]
