"""API: territories and assignment rules (administrators only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from crm.core.assignment import selectors, services
from crm.core.assignment.schemas import (
    RuleIn,
    RuleMoveIn,
    RuleOut,
    RulePatch,
    TerritoryIn,
    TerritoryOut,
    TerritoryPatch,
)
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_is_admin
from crm.core.identity.selectors import team_get, user_get

router = Router(tags=["assignment"])


def _admin(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not user_is_admin(user):
        raise PermissionDenied()
    return user


def _references(data: dict[str, Any]) -> dict[str, Any]:
    """`*_id` fields of the payload → records; an unknown id is a 422 naming the field."""
    errors: dict[str, list[str]] = {}
    if "territory_id" in data:
        key = data.pop("territory_id")
        try:
            data["territory"] = selectors.territory_get(pk=key) if key is not None else None
        except RecordNotFound:
            errors["territory_id"] = [_("Choose a territory.")]
    if "user_id" in data:
        key = data.pop("user_id")
        data["user"] = user_get(pk=key) if key is not None else None
        if key is not None and data["user"] is None:
            errors["user_id"] = [_("Choose an active user.")]
    if "team_id" in data:
        key = data.pop("team_id")
        data["team"] = team_get(pk=key) if key is not None else None
        if key is not None and data["team"] is None:
            errors["team_id"] = [_("Choose a team.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    return data


def _renamed(exc: InvalidInput) -> InvalidInput:
    names = {"territory": "territory_id", "user": "user_id", "team": "team_id"}
    return InvalidInput(exc.message, field_errors={names.get(k, k): v for k, v in exc.field_errors.items()})


@router.get("/territories", response=list[TerritoryOut])
def territory_list(request: HttpRequest) -> Any:
    _admin(request)
    return list(selectors.territory_list())


@router.post("/territories", response={201: TerritoryOut})
def territory_create(request: HttpRequest, payload: TerritoryIn) -> Any:
    return Status(201, services.territory_create(actor=_admin(request), **payload.model_dump()))


@router.get("/territories/{int:territory_id}", response=TerritoryOut)
def territory_get(request: HttpRequest, territory_id: int) -> Any:
    _admin(request)
    return selectors.territory_get(pk=territory_id)


@router.patch("/territories/{int:territory_id}", response=TerritoryOut)
def territory_update(request: HttpRequest, territory_id: int, payload: TerritoryPatch) -> Any:
    actor = _admin(request)
    territory = selectors.territory_get(pk=territory_id)
    return services.territory_update(
        actor=actor, territory=territory, **payload.model_dump(exclude_unset=True)
    )


@router.delete("/territories/{int:territory_id}", response={204: None})
def territory_delete(request: HttpRequest, territory_id: int) -> Any:
    actor = _admin(request)
    services.territory_delete(actor=actor, territory=selectors.territory_get(pk=territory_id))
    return Status(204, None)


@router.get("/assignment-rules", response=list[RuleOut])
def rule_list(request: HttpRequest, object_type: str = "") -> Any:
    """The rules in the order they are tried (per record type)."""
    _admin(request)
    return list(selectors.rule_list(object_type=object_type or None))


@router.post("/assignment-rules", response={201: RuleOut})
def rule_create(request: HttpRequest, payload: RuleIn) -> Any:
    actor = _admin(request)
    try:
        return Status(201, services.rule_create(actor=actor, **_references(payload.model_dump())))
    except InvalidInput as exc:
        raise _renamed(exc) from None


@router.get("/assignment-rules/{int:rule_id}", response=RuleOut)
def rule_get(request: HttpRequest, rule_id: int) -> Any:
    _admin(request)
    return selectors.rule_get(pk=rule_id)


@router.patch("/assignment-rules/{int:rule_id}", response=RuleOut)
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    actor = _admin(request)
    rule = selectors.rule_get(pk=rule_id)
    try:
        changes = _references(payload.model_dump(exclude_unset=True))
        return services.rule_update(actor=actor, rule=rule, **changes)
    except InvalidInput as exc:
        raise _renamed(exc) from None


@router.post("/assignment-rules/{int:rule_id}/move", response=list[RuleOut])
def rule_move(request: HttpRequest, rule_id: int, payload: RuleMoveIn) -> Any:
    actor = _admin(request)
    return services.rule_move(actor=actor, rule=selectors.rule_get(pk=rule_id), offset=payload.offset)


@router.delete("/assignment-rules/{int:rule_id}", response={204: None})
def rule_delete(request: HttpRequest, rule_id: int) -> Any:
    actor = _admin(request)
    services.rule_delete(actor=actor, rule=selectors.rule_get(pk=rule_id))
    return Status(204, None)
