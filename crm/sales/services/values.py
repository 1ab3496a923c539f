"""Small input clean-ups every sales service shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput
from crm.core.identity.models import User


def text_clean(value: Any, limit: int) -> str:
    """`value` as one line of text (runs of white space folded to one space), at most `limit` characters."""
    return " ".join(str(value or "").split())[:limit]


def user_or_none(actor: Any) -> User | None:
    """The acting user, or None for the system (jobs, the CLI, the demo)."""
    return actor if isinstance(actor, User) else None


def reject_unknown(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    """Refuse (422, naming each) the fields of `changes` an operation may not set: no mass assignment."""
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(field_errors={name: [_("This field cannot be set.")] for name in unknown})
