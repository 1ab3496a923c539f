"""The one NinjaAPI, mounted at /api/v1/ (crm/core/api/urls.py).

Core modules' routers are added here; domain apps add theirs from `AppConfig.ready()` through
`api_router_register(prefix=..., router=...)`, so core never imports a domain app.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import import_string
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger

from crm.core.api.auth import API_AUTH, api_caller
from crm.core.api.errors import PROBLEM_CONTENT_TYPE, exception_handlers_install
from crm.core.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from crm.core.api.idempotency import idempotent
from crm.core.api.schemas import ProblemOut

DESCRIPTION = """\
The CRM's REST API. Authenticate with a personal access token (`Authorization: Bearer crm_…`; create one with
`crm token create --user EMAIL`). Tokens have scopes: `read` for GET, `write` for everything else.

* Lists answer `{"items": [...], "next_cursor": "...", "limit": 50}`: pass `next_cursor` back as `?cursor=`.
  Filter with query parameters (`?status=active&owner=me&created_at__gte=2025-01-01`, custom fields as
  `?custom.<key>=…`), sort with `?sort=name` or `?sort=-updated_at`. Unknown filters or sort keys answer 400.
* Errors are RFC 9457 problem documents (`application/problem+json`) with per-field `errors`.
* Send `Idempotency-Key: <unique string>` with a POST to make retries safe; a replay answers with the stored
  response and `Idempotent-Replayed: true`.
* PATCH takes `If-Match: <version>` (or `version` in the body): a stale version answers 409 and changes nothing.
* Deleted records go to the recycle bin; `POST /recycle-bin/{object_type}/{id}/restore` brings them back.
"""

_STANDARD_PROBLEMS = {
    400: "A query parameter is not valid (unknown filter or sort key, bad cursor or limit).",
    401: "No valid token or session.",
    403: "The token lacks the scope, or the user the permission.",
    404: "Not found, or not visible to the caller.",
    409: "The record changed in the meantime (If-Match / version), or the idempotent request is still running.",
    413: "The request body is too large.",
    422: "The request body is not valid; `errors` names each field.",
}


class CrmNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Problem"] = ProblemOut.model_json_schema()
        problem_ref = {
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        }
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                codes = [401, 403]
                if "{" in path:
                    codes.append(404)
                if method == "get":
                    codes.append(400)
                else:
                    codes += [413, 422]
                if method == "patch":
                    codes.append(409)
                if method == "post":
                    codes.append(409)
                    operation.setdefault("parameters", []).append(
                        {
                            "in": "header",
                            "name": IDEMPOTENCY_HEADER,
                            "required": False,
                            "description": "Makes a retried POST safe: the same key answers the first response.",
                            "schema": {"type": "string", "maxLength": 255},
                        }
                    )
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    responses.setdefault(code, {"description": _STANDARD_PROBLEMS[code], **problem_ref})
        return schema


api = CrmNinjaAPI(
    title="CRM API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=API_AUTH,
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
exception_handlers_install(api)
api.add_decorator(idempotent(api_caller), mode="view")


def api_router_register(*, prefix: str, router: Router | str) -> None:
    """Mount a domain app's router (an instance or its dotted path), from the app's `AppConfig.ready()`:

        api_router_register(prefix="", router="crm.contacts.api.router")

    Registering the same router twice is harmless.
    """
    if isinstance(router, str):
        router = import_string(router)
        assert isinstance(router, Router)
    if any(registered is router for _prefix, registered in api._routers):
        return
    api.add_router(prefix, router)


def _core_routers() -> None:
    from crm.core.audit.api import router as audit_router
    from crm.core.customfields.api import router as customfields_router
    from crm.core.identity.api import router as identity_router

    api_router_register(prefix="", router=identity_router)
    api_router_register(prefix="", router=customfields_router)
    api_router_register(prefix="", router=audit_router)


_core_routers()


def request_user(request: HttpRequest) -> Any:
    """The authenticated caller (token or session user) inside an operation."""
    return request.auth  # type: ignore[attr-defined]
