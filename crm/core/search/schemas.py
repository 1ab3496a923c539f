from __future__ import annotations

from ninja import Schema


class SearchHitOut(Schema):
    id: int
    title: str
    subtitle: str
    url: str
    match: str  # exact | name_prefix | word_prefix | other_field | typo | infix (best first)


class SearchGroupOut(Schema):
    type: str
    label: str
    items: list[SearchHitOut]
    has_more: bool


class SearchOut(Schema):
    q: str
    groups: list[SearchGroupOut]
