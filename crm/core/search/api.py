"""API: GET /api/v1/search — the search box over every registered type, permission-scoped."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from crm.core.api.errors import query_errors
from crm.core.search.schemas import SearchOut
from crm.core.search.selectors import search_run

router = Router(tags=["search"])


@router.get("/search", response=SearchOut)
def search(
    request: HttpRequest,
    q: str = "",
    types: str = "",
    limit: int = 5,
) -> Any:
    """Records matching `q` (2 to 100 characters) by name, email, phone digits or tax id, grouped by
    type, best first; `types` narrows to some types (comma separated, e.g. `contacts.contact`), `limit`
    (1–50) caps each group."""
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    with query_errors():
        groups = search_run(user=request.auth, q=q, types=wanted, limit=limit)  # type: ignore[attr-defined]
    return {
        "q": q.strip(),
        "groups": [
            {"type": g.key, "label": str(g.label), "items": g.hits, "has_more": g.has_more} for g in groups
        ],
    }
