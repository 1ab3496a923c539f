"""The permission engine: what a user may do with each object type, and how far it reaches.

Every selector scopes with `Model.objects.visible_to(user, action)` (see `crm.core.records`), which asks
`scope_q()` here. Results are cached on the user object for the length of a request.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Q
from django.utils.functional import Promise

from crm.core.identity.enums import SCOPE_RANK, Action, RoleKey, Scope

if TYPE_CHECKING:
    from crm.core.identity.models import User


@dataclass(frozen=True)
class ObjectType:
    key: str  # "contacts.account"
    label: str | Promise
    owner_field: str = "owner"
    has_custom_fields: bool = (
        True  # administrators may define custom fields for it (its forms and API show them)
    )


_OBJECT_TYPES: dict[str, ObjectType] = {}


def object_type_register(
    *, key: str, label: str | Promise, owner_field: str = "owner", has_custom_fields: bool = True
) -> None:
    _OBJECT_TYPES[key] = ObjectType(
        key=key, label=label, owner_field=owner_field, has_custom_fields=has_custom_fields
    )


def object_types() -> list[ObjectType]:
    return list(_OBJECT_TYPES.values())


ALL_ACTIONS = [a.value for a in Action]
ALL_OBJECTS = "*"  # the object type of the role rows that apply to every object type without a row of its own

# The built-in roles: object type "*" stands for every registered object type.
DEFAULT_ROLE_MATRIX: dict[str, dict[str, str]] = {
    RoleKey.ADMINISTRATOR: {a: Scope.ALL for a in ALL_ACTIONS},
    RoleKey.SALES_MANAGER: {
        Action.VIEW: Scope.ALL,
        Action.CREATE: Scope.ALL,
        Action.CHANGE: Scope.HIERARCHY,
        Action.DELETE: Scope.HIERARCHY,
        Action.EXPORT: Scope.HIERARCHY,
    },
    RoleKey.SALES_REP: {
        Action.VIEW: Scope.TEAM,
        Action.CREATE: Scope.OWN,
        Action.CHANGE: Scope.OWN,
        Action.DELETE: Scope.OWN,
        Action.EXPORT: Scope.OWN,
    },
    RoleKey.SERVICE_AGENT: {
        Action.VIEW: Scope.ALL,
        Action.CREATE: Scope.OWN,
        Action.CHANGE: Scope.TEAM,
        Action.EXPORT: Scope.OWN,
    },
    RoleKey.MARKETING: {
        Action.VIEW: Scope.ALL,
        Action.CREATE: Scope.OWN,
        Action.CHANGE: Scope.OWN,
        Action.EXPORT: Scope.ALL,
    },
    RoleKey.READ_ONLY: {Action.VIEW: Scope.ALL},
}


def _cache(user: Any) -> dict[str, Any]:
    cache = getattr(user, "_crm_perm_cache", None)
    if cache is None:
        cache = {}
        user._crm_perm_cache = cache
    return cache


def permission_cache_clear(user: Any) -> None:
    if hasattr(user, "_crm_perm_cache"):
        del user._crm_perm_cache


@functools.cache
def _grants_sql() -> tuple[str, str]:
    """The database alias and SQL text of a role's grants, compiled once: every request of a user with a role
    reads them (compiling the ORM query cost more than running it)."""
    from crm.core.identity.models import RolePermission

    rows = RolePermission.objects.filter(role_id=0).values_list("object_type", "action", "scope")
    sql, params = rows.query.sql_with_params()
    assert list(params) == [0], params  # the role id is the statement's one parameter
    return rows.db, sql


def _grants(user: User) -> dict[tuple[str, str], str]:
    cache = _cache(user)
    if "grants" not in cache:
        grants: dict[tuple[str, str], str] = {}
        if user.role_id:
            using, sql = _grants_sql()
            with connections[using].cursor() as cursor:
                cursor.execute(sql, [user.role_id])
                for object_type, action, scope in cursor.fetchall():
                    grants[(object_type, action)] = scope
        cache["grants"] = grants
    grants_map: dict[tuple[str, str], str] = cache["grants"]
    return grants_map


def user_scope(user: Any, object_type: str, action: str) -> str | None:
    """The scope `user` has for `action` on `object_type`, or None when denied.

    The role's row for `object_type` decides when there is one ("none" = denied); otherwise the "*" row does.
    Superusers reach everything.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Scope.ALL
    grants = _grants(user)
    # a row for the object type wins over the "*" row, and an explicit "none" there denies what "*" grants
    scope = grants.get((object_type, action)) or grants.get((ALL_OBJECTS, action))
    return None if scope is None or scope == Scope.NONE else scope


def user_can(user: Any, object_type: str, action: str) -> bool:
    return user_scope(user, object_type, action) is not None


def user_is_admin(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = _cache(user)
    if "is_admin" not in cache:
        cache["is_admin"] = bool(user.role_id and user.role.is_admin)
    return bool(cache["is_admin"])


def user_hierarchy_ids(user: Any) -> list[int]:
    """The user and everyone who reports to them, directly or not."""
    cache = _cache(user)
    if "hierarchy" not in cache:
        from crm.core.identity.models import User

        ids: set[int] = {user.pk}
        frontier = [user.pk]
        while frontier:
            below = list(User.objects.filter(manager_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in below if pk not in ids]
            ids.update(frontier)
        cache["hierarchy"] = sorted(ids)
    hierarchy: list[int] = cache["hierarchy"]
    return hierarchy


def user_team_member_ids(user: Any) -> list[int]:
    cache = _cache(user)
    if "team" not in cache:
        from crm.core.identity.models import User

        if user.team_id:
            cache["team"] = list(User.objects.filter(team_id=user.team_id).values_list("pk", flat=True))
        else:
            cache["team"] = [user.pk]
    team: list[int] = cache["team"]
    return team


def scope_q(user: Any, object_type: str, action: str, owner_field: str | None = "owner") -> Q | None:
    """A filter for the records `user` may `action`; None when the user may not act at all.

    `owner_field=None` is a shared table without owners (the catalog): see `shared_in_scope`."""
    scope = user_scope(user, object_type, action)
    if scope is None:
        return None
    if not owner_field:
        return Q() if shared_in_scope(user, object_type, action) else None
    if scope == Scope.ALL:
        return Q()
    if scope == Scope.OWN:
        return Q(**{f"{owner_field}_id": user.pk})
    if scope == Scope.TEAM:
        return Q(**{f"{owner_field}_id__in": user_team_member_ids(user)})
    return Q(**{f"{owner_field}_id__in": user_hierarchy_ids(user)})


def scope_key(
    user: Any, object_type: str, action: str, owner_field: str | None = "owner"
) -> tuple[Any, ...] | None:
    """What `scope_q` depends on, as a hashable value (None when it would be None): users with equal keys get
    the same filter, so SQL compiled from a `visible_to` queryset may be cached under it (the search box does).
    Keep in step with `scope_q`."""
    scope = user_scope(user, object_type, action)
    if scope is None:
        return None
    if not owner_field:
        return ("shared",) if shared_in_scope(user, object_type, action) else None
    if scope == Scope.ALL:
        return (owner_field, scope)
    if scope == Scope.OWN:
        return (owner_field, scope, user.pk)
    if scope == Scope.TEAM:
        return (owner_field, scope, tuple(user_team_member_ids(user)))
    return (owner_field, scope, tuple(user_hierarchy_ids(user)))


def shared_in_scope(user: Any, object_type: str, action: str) -> bool:
    """Whether `user` may `action` the records of a shared type (no owner: products, price books).

    Any granted scope lets a user *view* every row (the whole sales team reads the catalog). Every other action
    needs a scope that reaches beyond the user's own and their team's records — `hierarchy` or `all` (by default
    sales managers and administrators; a role row for the object type narrows or widens it)."""
    scope = user_scope(user, object_type, action)
    if scope is None:
        return False
    return action == "view" or SCOPE_RANK[Scope(scope)] >= SCOPE_RANK[Scope.HIERARCHY]


def owner_in_scope(user: Any, owner_id: int | None, object_type: str, action: str) -> bool:
    """Whether `user` may `action` a record owned by `owner_id` (no query when the answer is cached)."""
    scope = user_scope(user, object_type, action)
    if scope is None:
        return False
    if scope == Scope.ALL:
        return True
    if owner_id is None:
        return False
    if scope == Scope.OWN:
        return bool(owner_id == user.pk)
    if scope == Scope.TEAM:
        return owner_id in user_team_member_ids(user)
    return owner_id in user_hierarchy_ids(user)


def widest(scopes: list[str]) -> str | None:
    """The widest of `scopes`; None when there are none or they all deny ("none")."""
    best = max(scopes, key=lambda s: SCOPE_RANK[Scope(s)]) if scopes else None
    return None if best is None or best == Scope.NONE else best
