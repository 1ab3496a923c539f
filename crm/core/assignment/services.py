"""Territories, assignment rules, and the rule engine that picks the owner of new records.

The engine takes an object type, so accounts and contacts today, and leads and cases later, share it:

    owner = assignment_owner_pick(object_type="contacts.account", facts={"country": "ES", "industry": "retail"})
    owners = assignment_owners_pick(object_type="contacts.contact", facts_list=[…])   # importer, in bulk

Rules are ordered (`position`); the first active rule whose conditions hold wins; a rule without conditions
matches everything, so one placed last is the default. No match: None (the caller keeps its own default).
Round-robin and least-loaded lock the rule's row (`select_for_update`) so concurrent creates never hand out
the same turn twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from crm.core.assignment.enums import AssignmentStrategy
from crm.core.assignment.events import TerritoriesChanged
from crm.core.assignment.matching import postal_normalise, rule_matches
from crm.core.assignment.models import AssignmentRule, Territory
from crm.core.assignment.registry import assignment_target
from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.events import publish_on_commit
from crm.core.identity.models import Team, User
from crm.core.identity.permissions import user_is_admin

COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
TERRITORY_FIELDS = ("name", "description", "countries", "regions", "postal_ranges")
RULE_FIELDS = (
    "name",
    "object_type",
    "is_active",
    "territory",
    "industries",
    "sizes",
    "min_score",
    "strategy",
    "user",
    "team",
)


def _require_admin(actor: Any) -> None:
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied()


# --- territories ------------------------------------------------------------------------------------------
def _clean_territory(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "name" in data:
        data["name"] = " ".join(str(data["name"] or "").split())
        if not data["name"]:
            errors["name"] = [_("This field is required.")]
    if "countries" in data:
        countries = [str(c).strip().upper() for c in data["countries"] or [] if str(c).strip()]
        bad = [c for c in countries if not COUNTRY_RE.match(c)]
        if bad:
            errors["countries"] = [
                _("“%(value)s” is not a two-letter country code (e.g. ES).") % {"value": bad[0]}
            ]
        data["countries"] = list(dict.fromkeys(countries))
    if "regions" in data:
        data["regions"] = list(dict.fromkeys(str(r).strip() for r in data["regions"] or [] if str(r).strip()))
    if "postal_ranges" in data:
        ranges: list[list[str]] = []
        for item in data["postal_ranges"] or []:
            pair = list(item) if isinstance(item, list | tuple) else [item, item]
            if len(pair) == 1:
                pair = pair * 2
            start, end = (postal_normalise(p) for p in pair[:2]) if len(pair) == 2 else ("", "")
            if not start or not end:
                errors["postal_ranges"] = [_("Give each range as “from-to”, e.g. 28000-28999.")]
                break
            numeric = start.isdigit() and end.isdigit() and len(start) == len(end)
            if (int(start) > int(end)) if numeric else (start > end):
                errors["postal_ranges"] = [
                    _("The range %(start)s-%(end)s ends before it starts.") % {"start": start, "end": end}
                ]
                break
            ranges.append([start, end])
        data["postal_ranges"] = ranges


def _territory_save(territory: Territory, data: dict[str, Any]) -> Territory:
    unknown = set(data) - set(TERRITORY_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={k: [_("This field cannot be set.")] for k in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    _clean_territory(data, errors)
    for key, value in data.items():
        setattr(territory, key, value)
    if not errors and not (territory.countries or territory.regions or territory.postal_ranges):
        errors["countries"] = [_("Give at least one country, region or postal code range.")]
    if not errors and Territory.objects.filter(name__iexact=territory.name).exclude(pk=territory.pk).exists():
        errors["name"] = [_("A territory with this name already exists.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    territory.save()
    return territory


def _changed(territory_id: int, action: str, actor: Any) -> None:
    """Records that store their territory are matched again after commit (TerritoriesChanged)."""
    publish_on_commit(
        TerritoriesChanged(territory_id=territory_id, action=action, actor_id=getattr(actor, "pk", None))
    )


_MATCHING = ("name", "countries", "regions", "postal_ranges")  # what a record's territory depends on


@transaction.atomic
def territory_create(*, actor: Any, **fields: Any) -> Territory:
    _require_admin(actor)
    with audit_context(actor=actor):
        territory = _territory_save(Territory(), dict(fields))
    _changed(territory.pk, "created", actor)
    return territory


@transaction.atomic
def territory_update(*, actor: Any, territory: Territory, **changes: Any) -> Territory:
    _require_admin(actor)
    locked = Territory.objects.select_for_update().get(pk=territory.pk)
    before = [getattr(locked, f) for f in _MATCHING]
    with audit_context(actor=actor):
        saved = _territory_save(locked, dict(changes))
    if [getattr(saved, f) for f in _MATCHING] != before:
        _changed(saved.pk, "updated", actor)
    return saved


@transaction.atomic
def territory_delete(*, actor: Any, territory: Territory) -> None:
    _require_admin(actor)
    territory_id = territory.pk
    try:
        with audit_context(actor=actor):
            territory.delete()  # records that stored it keep none (SET_NULL) until the re-match
    except ProtectedError:
        raise InvalidInput(
            _("Rules still use this territory; change or delete them first."),
            field_errors={"territory": [_("Rules still use this territory; change or delete them first.")]},
        ) from None
    _changed(territory_id, "deleted", actor)


# --- rules ------------------------------------------------------------------------------------------------
def _clean_rule(rule: AssignmentRule, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "name" in data:
        data["name"] = " ".join(str(data["name"] or "").split())
        if not data["name"]:
            errors["name"] = [_("This field is required.")]
    object_type = data.get("object_type", rule.object_type)
    target = assignment_target(object_type)
    if target is None:
        errors["object_type"] = [_("Choose a record type.")]
    for key, allowed in (
        ("industries", {str(c[0]) for c in target.industries} if target else set()),
        ("sizes", {str(c[0]) for c in target.sizes} if target else set()),
    ):
        if key in data:
            values = list(dict.fromkeys(str(v) for v in data[key] or []))
            bad = [v for v in values if v not in allowed]
            if bad:
                errors[key] = [_("“%(value)s” is not one of the choices.") % {"value": bad[0]}]
            data[key] = values
    if data.get("min_score") is not None:
        if target is not None and not target.scored:
            errors["min_score"] = [_("These records have no score.")]
        elif not isinstance(data["min_score"], int) or not 0 <= data["min_score"] <= 100:
            errors["min_score"] = [_("Use a whole number between 0 and 100.")]
    if "strategy" in data and data["strategy"] not in AssignmentStrategy.values:
        errors["strategy"] = [_("Choose how to assign.")]
    if "territory" in data and data["territory"] is not None and not isinstance(data["territory"], Territory):
        errors["territory"] = [_("Choose a territory.")]
    if "team" in data and data["team"] is not None and not isinstance(data["team"], Team):
        errors["team"] = [_("Choose a team.")]
    user_given = data.get("user")
    if user_given is not None and (not isinstance(user_given, User) or not user_given.is_active):
        errors["user"] = [_("Choose an active user.")]
    strategy = data.get("strategy", rule.strategy)
    user = data.get("user", rule.user if rule.user_id else None)
    team = data.get("team", rule.team if rule.team_id else None)
    if strategy == AssignmentStrategy.USER:
        if user is None and "user" not in errors:
            errors["user"] = [_("Choose the person who gets the records.")]
        data["team"] = None
    elif strategy in AssignmentStrategy.values:
        if team is None and "team" not in errors:
            errors["team"] = [_("Choose the team whose members share the records.")]
        data["user"] = None


def _rule_save(rule: AssignmentRule, data: dict[str, Any]) -> AssignmentRule:
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={k: [_("This field cannot be set.")] for k in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    _clean_rule(rule, data, errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    if "object_type" in data and data["object_type"] != rule.object_type:
        top = AssignmentRule.objects.filter(object_type=data["object_type"]).aggregate(m=Max("position"))["m"]
        rule.position = (top or 0) + 1
    for key, value in data.items():
        setattr(rule, key, value)
    rule.save()
    return rule


@transaction.atomic
def rule_create(*, actor: Any, **fields: Any) -> AssignmentRule:
    """A new rule, placed last for its record type."""
    _require_admin(actor)
    with audit_context(actor=actor):
        return _rule_save(AssignmentRule(), dict(fields))


@transaction.atomic
def rule_update(*, actor: Any, rule: AssignmentRule, **changes: Any) -> AssignmentRule:
    _require_admin(actor)
    locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
    with audit_context(actor=actor):
        return _rule_save(locked, dict(changes))


@transaction.atomic
def rule_delete(*, actor: Any, rule: AssignmentRule) -> None:
    _require_admin(actor)
    with audit_context(actor=actor):
        AssignmentRule.objects.filter(pk=rule.pk).delete()


@transaction.atomic
def rule_move(*, actor: Any, rule: AssignmentRule, offset: int) -> list[AssignmentRule]:
    """Move a rule up (offset < 0) or down among the rules of its record type; positions are renumbered."""
    _require_admin(actor)
    rules = list(
        AssignmentRule.objects.select_for_update()
        .filter(object_type=rule.object_type)
        .order_by("position", "id")
    )
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    target = max(0, min(len(rules) - 1, index + offset))
    rules.insert(target, rules.pop(index))
    with audit_context(actor=actor):
        for position, item in enumerate(rules, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position", "updated_at"])
    return rules


# --- the engine -------------------------------------------------------------------------------------------
def _members(team_id: int) -> list[int]:
    return list(
        User.objects.filter(team_id=team_id, is_active=True).order_by("pk").values_list("pk", flat=True)
    )


def _pick(
    *, rule: AssignmentRule, count: int, object_type: str, loads: dict[int, dict[int, int]]
) -> list[int | None]:
    """`count` owner ids from one matched rule (None when the rule cannot serve: empty team, inactive user)."""
    if rule.strategy == AssignmentStrategy.USER:
        user_ok = rule.user_id is not None and rule.user is not None and rule.user.is_active
        return [rule.user_id if user_ok else None] * count
    assert rule.team_id is not None
    members = _members(rule.team_id)
    if not members:
        return [None] * count
    locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)  # the cursor row
    picked: list[int | None] = []
    if rule.strategy == AssignmentStrategy.ROUND_ROBIN:
        last = locked.last_user_id
        for _i in range(count):
            following = [m for m in members if last is None or m > last]
            last = following[0] if following else members[0]
            picked.append(last)
        locked.last_user_id = last
        locked.save(update_fields=["last_user", "updated_at"])
        return picked
    # least loaded: live records owned now, plus what this call hands out; ties go to the lowest id
    target = assignment_target(object_type)
    if rule.pk not in loads:
        counts = target.owned_counts(members) if target else {}
        loads[rule.pk] = {m: counts.get(m, 0) for m in members}
    load = loads[rule.pk]
    for _i in range(count):
        chosen = min(members, key=lambda m: (load.get(m, 0), m))
        load[chosen] = load.get(chosen, 0) + 1
        picked.append(chosen)
    locked.last_user_id = picked[-1]
    locked.save(update_fields=["last_user", "updated_at"])
    return picked


@transaction.atomic
def assignment_owners_pick(
    *, object_type: str, facts_list: Sequence[Mapping[str, Any]], score_rules_only: bool = False
) -> list[User | None]:
    """The owner for each record described by `facts_list` (same order), by the first matching rule; None
    where no rule matches or the matched rule cannot serve. One pass over the rules, one lock per used rule.
    `score_rules_only`: only the rules with a minimum score (a record scored after it was created)."""
    qs = AssignmentRule.objects.select_related("territory", "user").filter(
        object_type=object_type, is_active=True
    )
    if score_rules_only:
        qs = qs.filter(min_score__isnull=False)
    rules = list(qs.order_by("position", "id"))
    if not rules or not facts_list:
        return [None] * len(facts_list)
    groups: dict[int, list[int]] = {}
    for index, facts in enumerate(facts_list):
        rule = next((r for r in rules if rule_matches(r, facts)), None)
        if rule is not None:
            groups.setdefault(rule.pk, []).append(index)
    result: list[int | None] = [None] * len(facts_list)
    by_pk = {r.pk: r for r in rules}
    loads: dict[int, dict[int, int]] = {}
    for rule_pk in sorted(groups, key=lambda pk: (by_pk[pk].position, pk)):
        indexes = groups[rule_pk]
        for index, owner_id in zip(
            indexes,
            _pick(rule=by_pk[rule_pk], count=len(indexes), object_type=object_type, loads=loads),
            strict=True,
        ):
            result[index] = owner_id
    users = User.objects.in_bulk({i for i in result if i is not None})
    return [users.get(i) if i is not None else None for i in result]


def assignment_owner_pick(
    *, object_type: str, facts: Mapping[str, Any], score_rules_only: bool = False
) -> User | None:
    """The owner of one new record (see `assignment_owners_pick`)."""
    return assignment_owners_pick(
        object_type=object_type, facts_list=[facts], score_rules_only=score_rules_only
    )[0]
