from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from crm.core.identity.models import AccessToken, Role, RolePermission, Team, User
from crm.core.listing import ListSpec, Page, SortField

USER_LIST = ListSpec(
    object_type="identity.user",
    filters=(),
    sorts=(SortField(name="name", path="full_name"), SortField(name="email", path="email")),
    default_sort="name",
)


def user_exists(*, pk: int) -> bool:
    return User.objects.filter(pk=pk, is_active=True).exists()


def user_get(*, pk: int) -> User | None:
    return User.objects.select_related("team", "role", "manager").filter(pk=pk).first()


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def user_list(
    *, search: str = "", is_active: bool | None = None, team_id: int | None = None
) -> QuerySet[User]:
    qs = User.objects.select_related("team", "role", "manager")
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if team_id:
        qs = qs.filter(team_id=team_id)
    return qs.order_by("full_name", "id")


def user_page(
    *,
    search: str = "",
    is_active: bool | None = None,
    team_id: int | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """One keyset page of users for the administrators' list."""
    qs = user_list(search=search, is_active=is_active, team_id=team_id)
    return USER_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def user_choices() -> list[tuple[int, str]]:
    return list(User.objects.filter(is_active=True).order_by("full_name").values_list("id", "full_name"))


def team_list() -> QuerySet[Team]:
    return Team.objects.annotate(member_count=Count("members")).order_by("name")


def team_get(*, pk: int) -> Team | None:
    return Team.objects.filter(pk=pk).first()


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(user_count=Count("users")).order_by("name")


def role_get(*, pk: int) -> Role | None:
    return Role.objects.filter(pk=pk).first()


def role_get_by_key(*, key: str) -> Role | None:
    return Role.objects.filter(key=key).first()


def role_permission_matrix(*, role: Role) -> dict[tuple[str, str], str]:
    return {(p.object_type, p.action): p.scope for p in RolePermission.objects.filter(role=role)}


def token_list(*, user: Any) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def user_names(*, ids: list[int]) -> dict[int, str]:
    """{id: name} for showing people referred to by id (custom "user" fields, audit values)."""
    rows = User.objects.filter(pk__in=ids).values_list("id", "full_name", "email")
    return {pk: name or email for pk, name, email in rows}
