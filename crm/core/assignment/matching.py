"""Pure matching: does a territory or a rule's conditions hold for a record's facts?

Facts are a mapping with any of: country (ISO code), region, postal_code, industry, size, score (0-100, for
records a model scores; a rule with a minimum score never matches a record without one).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from crm.core.assignment.models import AssignmentRule, Territory


def fold(text: Any) -> str:
    """Case- and accent-insensitive form of a region name ("Cataluña" == "cataluna")."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def postal_normalise(code: Any) -> str:
    return "".join(str(code or "").split()).replace("-", "").upper()


def postal_in_range(code: str, start: str, end: str) -> bool:
    """Numeric codes compare as numbers when of the same length (28001 in 28000–28999); others as text."""
    code, start, end = postal_normalise(code), postal_normalise(start), postal_normalise(end)
    if not code:
        return False
    if code.isdigit() and start.isdigit() and end.isdigit() and len(code) == len(start) == len(end):
        return int(start) <= int(code) <= int(end)
    return start <= code <= end


def territory_matches(territory: Territory, facts: Mapping[str, Any]) -> bool:
    countries = [c.upper() for c in territory.countries or []]
    regions = [fold(r) for r in territory.regions or []]
    ranges = territory.postal_ranges or []
    if not (countries or regions or ranges):
        return False
    if countries and str(facts.get("country") or "").upper() not in countries:
        return False
    if regions and fold(facts.get("region")) not in regions:
        return False
    return not (
        ranges and not any(postal_in_range(str(facts.get("postal_code") or ""), a, b) for a, b in ranges)
    )


def territory_pick(territories: Sequence[Territory], facts: Mapping[str, Any]) -> Territory | None:
    """The territory of a record: the first of `territories` (in matching order: `territories_in_order()`)
    whose criteria hold for its address facts; None when none does or there are no facts."""
    if not facts:
        return None
    return next((t for t in territories if territory_matches(t, facts)), None)


def rule_matches(rule: AssignmentRule, facts: Mapping[str, Any]) -> bool:
    if rule.territory_id and not territory_matches(rule.territory, facts):  # type: ignore[arg-type]
        return False
    if rule.industries and str(facts.get("industry") or "") not in rule.industries:
        return False
    if rule.min_score is not None:
        score = facts.get("score")
        if score is None or int(score) < rule.min_score:
            return False
    return not (rule.sizes and str(facts.get("size") or "") not in rule.sizes)
