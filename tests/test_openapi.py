"""The committed openapi.json is the API the code serves. Regenerate after changing the API:

.venv/bin/python manage.py export_openapi --output openapi.json      (or: crm manage export_openapi -o openapi.json)
"""

from __future__ import annotations

import json
from pathlib import Path

from crm.core.api.management.commands.export_openapi import openapi_document

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "openapi.json"
REGENERATE = "python manage.py export_openapi --output openapi.json"


def test_committed_openapi_matches_the_code() -> None:
    assert COMMITTED.exists(), f"openapi.json is missing: run `{REGENERATE}`"
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    current = json.loads(openapi_document())

    old_paths, new_paths = committed.get("paths", {}), current.get("paths", {})
    changed = sorted(p for p in {*old_paths, *new_paths} if old_paths.get(p) != new_paths.get(p))
    assert committed == current, (
        f"openapi.json is out of date (paths that differ: {', '.join(changed) or 'components/info'}); "
        f"run `{REGENERATE}` and commit it"
    )


def test_every_operation_documents_problem_answers() -> None:
    current = json.loads(openapi_document())

    assert "Problem" in current["components"]["schemas"]
    for path, methods in current["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            assert "application/problem+json" in responses["401"]["content"], (method, path)
            if method == "post":
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), path


def test_every_operation_has_a_unique_id_and_tag() -> None:
    current = json.loads(openapi_document())

    ids = [op["operationId"] for methods in current["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert all(op.get("tags") for methods in current["paths"].values() for op in methods.values())
