"""Roll-ups: key figures of an account summed over the account and its subsidiaries (the whole subtree).

A registry, so later modules add theirs from `AppConfig.ready()` without contacts knowing them:

    rollup_register(key="sales.open_pipeline", label=_("Open pipeline"), order=40,
                    compute=lambda *, user, account_ids: opportunity_open_amount(user=user, account_ids=account_ids),
                    display=money_format)

`compute(user=…, account_ids=[…])` gets the ids of the live accounts of the subtree that `user` may see
(the account itself first) and returns a number; one query per roll-up whatever the subtree's size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

Compute = Callable[..., Any]


@dataclass(frozen=True)
class Rollup:
    key: str
    label: str | Promise
    compute: Compute
    order: int = 100
    display: Callable[[Any], str] | None = None  # number → text (money, percentages); default: the number
    is_visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class RollupValue:
    key: str
    label: str | Promise
    value: Any
    text: str | None  # preformatted by the roll-up's `display`, else None (the template formats the number)


_ROLLUPS: dict[str, Rollup] = {}


def rollup_register(
    *,
    key: str,
    label: str | Promise,
    compute: Compute,
    order: int = 100,
    display: Callable[[Any], str] | None = None,
    is_visible: Callable[[Any], bool] | None = None,
) -> None:
    """Add (or replace, by `key`) a roll-up shown in the account page's key figures and the API."""
    _ROLLUPS[key] = Rollup(
        key=key, label=label, compute=compute, order=order, display=display, is_visible=is_visible
    )


def rollups() -> list[Rollup]:
    return sorted(_ROLLUPS.values(), key=lambda r: (r.order, r.key))


def rollup_values(*, user: Any, account_ids: Sequence[int]) -> list[RollupValue]:
    """Every registered roll-up the user may see, computed over `account_ids`."""
    values = []
    for rollup in rollups():
        if rollup.is_visible is not None and not rollup.is_visible(user):
            continue
        value = rollup.compute(user=user, account_ids=list(account_ids))
        text = rollup.display(value) if rollup.display is not None else None
        values.append(RollupValue(key=rollup.key, label=rollup.label, value=value, text=text))
    return values
