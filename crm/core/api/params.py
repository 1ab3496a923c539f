"""Reading what a request says beyond its body: the If-Match precondition and references to users by id."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from crm.core.api.errors import BadRequest
from crm.core.errors import InvalidInput
from crm.core.identity.selectors import user_get


def expected_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version the client last read: `version` in the body, else `If-Match: 3` (or `"3"`, `W/"3"`)."""
    if body_version is not None:
        return body_version
    raw = (request.headers.get("If-Match") or "").strip()
    if not raw or raw == "*":
        return None
    value = raw.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise BadRequest(
            _("The If-Match header must be the record's version number."),
            field_errors={"If-Match": [_("Enter a whole number.")]},
        )
    return int(value)


def active_user(*, field: str, pk: int) -> Any:
    """The active user `pk`, or InvalidInput naming `field`."""
    user = user_get(pk=pk)
    if user is None or not user.is_active:
        raise InvalidInput(field_errors={field: [_("Choose an active user.")]})
    return user
