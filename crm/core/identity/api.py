"""API: users (read), the caller's own profile (`/me`) and their personal access tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router
from ninja.responses import Status

from crm.core.api.errors import query_errors
from crm.core.api.pagination import PageOut, list_openapi, page_args
from crm.core.errors import RecordNotFound
from crm.core.identity import selectors, services
from crm.core.identity.schemas import MePatch, TokenCreatedOut, TokenIn, TokenOut, UserOut
from crm.core.listing import FilterField, ListSpec, SortField

router = Router(tags=["users"])

USER_LIST = ListSpec(
    object_type="identity.user",
    filters=(
        FilterField("team", "team", "fk", _("Team")),
        FilterField("is_active", "is_active", "bool", _("Active")),
        FilterField("email", "email", "text", _("Email")),
        FilterField("name", "full_name", "text", _("Name")),
    ),
    sorts=(SortField("name", "full_name", _("Name")), SortField("email", "email", _("Email"))),
    default_sort="name",
    search_paths=("full_name", "email"),
)


class UserPage(PageOut[UserOut]):
    pass


@router.get("/users", response=UserPage, openapi_extra=list_openapi(USER_LIST))
def user_list(request: HttpRequest) -> Any:
    """Every user (for owner pickers and assignment); any signed-in caller may read them."""
    with query_errors():
        qs = USER_LIST.apply(selectors.user_list(), request.GET, user=request.auth)  # type: ignore[attr-defined]
        return USER_LIST.paginate(qs, **page_args(request))


@router.get("/users/{int:user_id}", response=UserOut)
def user_get(request: HttpRequest, user_id: int) -> Any:
    user = selectors.user_get(pk=user_id)
    if user is None:
        raise RecordNotFound()
    return user


@router.get("/me", response=UserOut, tags=["me"])
def me_get(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.patch("/me", response=UserOut, tags=["me"])
def me_update(request: HttpRequest, payload: MePatch) -> Any:
    me = request.auth  # type: ignore[attr-defined]
    return services.user_update(actor=me, user=me, **payload.model_dump(exclude_unset=True))


@router.get("/me/tokens", response=list[TokenOut], tags=["me"])
def token_list(request: HttpRequest) -> Any:
    """The caller's live personal access tokens (never their secrets)."""
    return list(selectors.token_list(user=request.auth))  # type: ignore[attr-defined]


@router.post("/me/tokens", response={201: TokenCreatedOut}, tags=["me"])
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    """A new token for the caller; the response carries its secret, shown only this once."""
    me = request.auth  # type: ignore[attr-defined]
    token, secret = services.token_create(actor=me, user=me, **payload.model_dump())
    out = TokenCreatedOut.model_validate({**TokenOut.from_orm(token).model_dump(), "secret": secret})
    return Status(201, out)


@router.delete("/me/tokens/{int:token_id}", response={204: None}, tags=["me"])
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    services.token_revoke(actor=request.auth, token_id=token_id)  # type: ignore[attr-defined]
    return Status(204, None)
