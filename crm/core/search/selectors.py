"""The search box: one query over every registered search type, grouped by type, permission-scoped."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput
from crm.core.identity.permissions import user_can
from crm.core.search.engine import search_session
from crm.core.search.registry import SearchHit, provider_call, search_type_get, search_types
from crm.core.search.terms import MAX_LENGTH, MIN_LENGTH, search_query_parse

logger = logging.getLogger(__name__)

MAX_LIMIT = 50


@dataclass(frozen=True)
class SearchGroup:
    key: str
    label: str | Promise
    icon: str
    hits: list[SearchHit]
    has_more: bool


def search_validate(*, q: str, types: Sequence[str] | None = None, limit: int = 5) -> None:
    """Raise InvalidInput naming the parameter (q, types, limit) when the request cannot be answered."""
    errors: dict[str, list[str]] = {}
    text = (q or "").strip()
    query = search_query_parse(text)
    if len(text) > MAX_LENGTH:
        errors["q"] = [_("Search for at most %(max)d characters.") % {"max": MAX_LENGTH}]
    elif len("".join(query.words)) < MIN_LENGTH and not query.digits:
        errors["q"] = [_("Type at least %(min)d letters or digits.") % {"min": MIN_LENGTH}]
    unknown = [t for t in types or () if search_type_get(t) is None]
    if unknown:
        known = ", ".join(t.key for t in search_types())
        errors["types"] = [
            _("Unknown type: %(types)s. Choose from: %(known)s.")
            % {"types": ", ".join(unknown), "known": known}
        ]
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = [_("Choose a limit from 1 to %(max)d.") % {"max": MAX_LIMIT}]
    if errors:
        raise InvalidInput(field_errors=errors)


def search_run(*, user: Any, q: str, types: Sequence[str] | None = None, limit: int = 5) -> list[SearchGroup]:
    """The best `limit` hits of each type `user` may view (all registered types unless `types` narrows them).
    Groups without hits are left out; a failing type is logged and left out, the others still answer."""
    search_validate(q=q, types=types, limit=limit)
    query = search_query_parse(q)
    groups: list[SearchGroup] = []
    wanted = [t for t in search_types() if (not types or t.key in types) and user_can(user, t.key, "view")]
    if not wanted:
        return groups
    with search_session():
        for search_type in wanted:
            try:
                hits = provider_call(search_type, user=user, query=query, limit=limit + 1)
            except Exception:
                logger.exception("search type %s failed", search_type.key)
                continue
            if hits:
                groups.append(
                    SearchGroup(
                        key=search_type.key,
                        label=search_type.label,
                        icon=search_type.icon,
                        hits=hits[:limit],
                        has_more=len(hits) > limit,
                    )
                )
    return groups
