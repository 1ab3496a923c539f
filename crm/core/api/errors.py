"""Every API error is an RFC 9457 problem (`application/problem+json`), with per-field details in `errors`.

    {"type": "urn:crm:problem:invalid", "title": "Some fields are not valid.", "status": 422,
     "detail": "...", "code": "invalid", "errors": [{"field": "email", "message": "Enter a valid email address."}]}

Domain errors keep their own status (404, 403, 409, 422); ninja's validation errors, malformed JSON,
authentication and unknown URLs are answered in the same shape, in the request's language.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from crm.core.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class BadRequest(DomainError):
    """A query parameter (filter, sort, cursor, limit) is not understood: 400, naming the parameter."""

    code = "bad_request"
    status = 400


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class ScopeMissing(DomainError):
    code = "insufficient_scope"
    status = 403


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


class IdempotencyInProgress(DomainError):
    code = "idempotency_in_progress"
    status = 409


def problem(
    *,
    status: int,
    title: str,
    detail: str = "",
    code: str = "",
    errors: Iterable[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:crm:problem:{code}" if code else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if code:
        body["code"] = code
    body["errors"] = [dict(e) for e in errors]
    body.update(extensions or {})
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors_list(field_errors: Mapping[str, Iterable[str]]) -> list[dict[str, str]]:
    return [
        {"field": field, "message": str(message)}
        for field, messages in field_errors.items()
        for message in messages
    ]


@contextlib.contextmanager
def query_errors() -> Iterator[None]:
    """Bad list parameters (unknown filter or sort, bad cursor or limit) are a 400, not a 422."""
    try:
        yield
    except InvalidInput as exc:
        fields = ", ".join(exc.field_errors)
        raise BadRequest(
            _("These query parameters are not valid: %(names)s.") % {"names": fields} if fields else None,
            field_errors=exc.field_errors,
        ) from exc


@contextlib.contextmanager
def renamed_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's field names (`owner` → `owner_id`)."""
    try:
        yield
    except DomainError as exc:
        if exc.field_errors:
            exc.field_errors = {names.get(k, k): v for k, v in exc.field_errors.items()}
        raise


# --- pydantic's messages are English only: say the common ones in the user's language ---------------------
def _validation_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field cannot be set.")
    if kind in {"string_type", "string_unicode"}:
        return _("Enter text.")
    if kind == "string_too_long":
        return _("Use at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Use at least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Use true or false.")
    if kind.startswith("date_") or kind == "date_type":
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("datetime_"):
        return _("Enter a date and time in ISO 8601, e.g. 2025-01-31T09:30:00Z.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Enter a list.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Enter an object.")
    if kind in {"enum", "literal_error"}:
        expected = ctx.get("expected", "")
        return _("Choose one of: %(choices)s.") % {"choices": expected}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Use a number of at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Use a number of at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", ""))
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return str(error.get("msg", _("This value is not valid.")))


_LOCATION_ROOTS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: Iterable[Any], payload_names: frozenset[str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATION_ROOTS:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in payload_names:
        parts = parts[1:]
    return ".".join(parts) or "body"


# --- exception handlers ----------------------------------------------------------------------------------
def domain_problem(exc: DomainError) -> HttpResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if exc.status == 401 else None
    return problem(
        status=exc.status,
        title=exc.message,
        code=exc.code,
        errors=field_errors_list(exc.field_errors),
        headers=headers,
        extensions=getattr(exc, "extensions", None),  # e.g. the candidates of a likely duplicate
    )


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return domain_problem(exc)


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    only_query = True
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if not loc or loc[0] not in {"query", "path"}:
            only_query = False
        errors.append(
            {"field": _field_name(loc, frozenset({"payload"})), "message": _validation_message(error)}
        )
    if only_query and errors:
        return problem(
            status=400,
            title=_("These query parameters are not valid: %(names)s.")
            % {"names": ", ".join(dict.fromkeys(e["field"] for e in errors))},
            code=BadRequest.code,
            errors=errors,
        )
    return problem(status=422, title=str(InvalidInput.default_message), code=InvalidInput.code, errors=errors)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError) or status == 401:
        return problem(
            status=401,
            title=_("Authentication required."),
            detail=_("Send a personal access token as “Authorization: Bearer crm_…”, or sign in."),
            code=Unauthenticated.code,
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, AuthorizationError) or status == 403:
        detail = _("The CSRF check failed.") if "CSRF" in str(exc) else ""
        return problem(
            status=403, title=_("You do not have permission to do this."), detail=detail, code="forbidden"
        )
    if isinstance(exc, Throttled):
        return problem(status=429, title=_("Too many requests. Try again later."), code="throttled")
    if status == 400:
        return problem(
            status=400,
            title=_("The request body is not valid JSON."),
            code="malformed",
            errors=[{"field": "body", "message": _("The request body is not valid JSON.")}],
        )
    return problem(status=status, title=str(exc))


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(status=404, title=_("Not found."), code="not_found")


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    # Let the usual reporting (error mails, the test client) see the exception, then answer in problem+json.
    got_request_exception.send(sender=None, request=request)
    return problem(
        status=500, title=_("Something went wrong on our side. Try again later."), code="server_error"
    )


def not_found_view(request: HttpRequest, path: str = "") -> HttpResponse:
    """Unknown URLs under /api/v1/ answer problem+json too."""
    return _not_found(request, Http404())


def exception_handlers_install(api: NinjaAPI) -> None:
    # ninja types a handler's exception as `E | type[E]`; it always passes the instance.
    api.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, _validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, _http_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, _not_found)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, _unexpected)  # type: ignore[arg-type]
