"""A test client for the API that authenticates with a real personal access token."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.test import Client

from crm.core.identity.services import token_create


class ApiClient:
    def __init__(self, user: Any, scopes: Iterable[str] = ("read", "write"), **headers: str) -> None:
        _token, self.secret = token_create(actor=None, user=user, name="tests", scopes=list(scopes))
        self.user = user
        self.headers = {"Authorization": f"Bearer {self.secret}", **headers}
        self.client = Client()

    def _send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        all_headers = {**self.headers, **(headers or {})}
        kwargs: dict[str, Any] = {"headers": all_headers}
        if body is not None:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method)(path, **kwargs)
        return response

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        response = self.client.get(path, params or {}, headers={**self.headers, **headers})
        return response

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("post", path, body if body is not None else {}, headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self._send("put", path, body, headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self._send("patch", path, body, headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self._send("delete", path, None, headers)


def problem_fields(response: Any) -> dict[str, list[str]]:
    """{field: [messages]} of a problem+json answer (asserting it is one)."""
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    out: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        out.setdefault(error["field"], []).append(error["message"])
    return out
