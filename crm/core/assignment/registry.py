"""Which record types the assignment rules serve. Domain apps register theirs in `AppConfig.ready()`:

    assignment_target_register(key="contacts.account", label=_("Accounts"),
                               industries=Industry.choices, sizes=CompanySize.choices,
                               owned_counts=account_owned_counts)

`owned_counts(user_ids)` answers {user_id: number of live records they own} for "least loaded".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

OwnedCounts = Callable[[Sequence[int]], dict[int, int]]


@dataclass(frozen=True)
class AssignmentTarget:
    key: str
    label: str | Promise
    industries: tuple[tuple[str, Any], ...]
    sizes: tuple[tuple[str, Any], ...]
    owned_counts: OwnedCounts
    scored: bool = False  # its records carry a 0-100 score, so rules may ask for a minimum


_TARGETS: dict[str, AssignmentTarget] = {}


def assignment_target_register(
    *,
    key: str,
    label: str | Promise,
    owned_counts: OwnedCounts,
    industries: Sequence[tuple[str, Any]] = (),
    sizes: Sequence[tuple[str, Any]] = (),
    scored: bool = False,
) -> None:
    _TARGETS[key] = AssignmentTarget(
        key=key,
        label=label,
        industries=tuple(industries),
        sizes=tuple(sizes),
        owned_counts=owned_counts,
        scored=scored,
    )


def assignment_target(key: str) -> AssignmentTarget | None:
    return _TARGETS.get(key)


def assignment_targets() -> list[AssignmentTarget]:
    return list(_TARGETS.values())
