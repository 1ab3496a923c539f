"""Set-based loading of many activities (imports): clean rows, upsert a batch by external id, revert it.

Each activity points at an account and/or a contact given by name, email or external id. The caller owns the
transaction; see crm.contacts.services.bulk_load for the conventions (blank cells never blank a stored value).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.activities.enums import ActivityKind, CallDirection, CallOutcome, Channel, TaskPriority
from crm.activities.models import Activity
from crm.contacts.selectors import account_ids_by_ref, contact_ids_by_ref
from crm.core.bulkwrite import rows_insert, rows_update
from crm.core.errors import PermissionDenied
from crm.core.identity.models import User
from crm.core.identity.permissions import owner_in_scope
from crm.core.loading import LoadField, LoadResult, from_jsonable, jsonable
from crm.core.records import record_authorize_create

OBJECT_TYPE = "activities.activity"

ACTIVITY_LOAD_FIELDS: tuple[LoadField, ...] = (
    LoadField(
        "external_id",
        gettext_lazy("External id"),
        max_length=100,
        synonyms=("id", "external id", "id externo", "código", "codigo"),
    ),
    LoadField(
        "kind",
        gettext_lazy("Kind"),
        kind="choice",
        choices=ActivityKind,
        synonyms=("kind", "type", "activity type", "tipo"),
    ),
    LoadField(
        "subject",
        gettext_lazy("Subject"),
        max_length=200,
        synonyms=("subject", "title", "asunto", "título", "titulo"),
    ),
    LoadField(
        "body",
        gettext_lazy("Details"),
        max_length=100_000,
        synonyms=("details", "body", "notes", "description", "detalles", "notas", "descripción"),
    ),
    LoadField(
        "occurred_at",
        gettext_lazy("When"),
        kind="datetime",
        synonyms=("when", "date", "occurred at", "fecha", "cuándo", "cuando"),
    ),
    LoadField(
        "due_at",
        gettext_lazy("Due"),
        kind="datetime",
        synonyms=("due", "due date", "vencimiento", "fecha límite"),
    ),
    LoadField(
        "priority",
        gettext_lazy("Priority"),
        kind="choice",
        choices=TaskPriority,
        synonyms=("priority", "prioridad"),
    ),
    LoadField(
        "is_done",
        gettext_lazy("Done"),
        kind="bool",
        synonyms=("done", "completed", "hecho", "completada", "completado"),
    ),
    LoadField(
        "direction",
        gettext_lazy("Direction"),
        kind="choice",
        choices=CallDirection,
        synonyms=("direction", "dirección", "direccion"),
    ),
    LoadField(
        "duration_seconds",
        gettext_lazy("Duration (seconds)"),
        kind="int",
        synonyms=("duration", "duration seconds", "duración", "duracion"),
    ),
    LoadField(
        "outcome",
        gettext_lazy("Outcome"),
        kind="choice",
        choices=CallOutcome,
        synonyms=("outcome", "result", "resultado"),
    ),
    LoadField(
        "location",
        gettext_lazy("Location"),
        max_length=200,
        synonyms=("location", "place", "lugar", "ubicación"),
    ),
    LoadField(
        "owner",
        gettext_lazy("Assigned to (email)"),
        kind="user",
        synonyms=("owner", "assigned to", "asignada a", "asignado a", "responsable"),
    ),
    LoadField(
        "account",
        gettext_lazy("Account (name or external id)"),
        kind="ref",
        synonyms=("account", "company", "cuenta", "empresa"),
    ),
    LoadField(
        "contact",
        gettext_lazy("Contact (email or external id)"),
        kind="ref",
        synonyms=("contact", "contact email", "contacto", "email"),
    ),
)
FIELDS_BY_NAME = {f.name: f for f in ACTIVITY_LOAD_FIELDS}
COLUMNS = (
    "external_id",
    "kind",
    "subject",
    "body",
    "channel",
    "occurred_at",
    "due_at",
    "priority",
    "is_done",
    "done_at",
    "direction",
    "duration_seconds",
    "outcome",
    "location",
    "owner",
    "account",
    "contact",
    "custom",
    "version",
)
DEFAULTS: dict[str, Any] = {
    "external_id": "",
    "kind": ActivityKind.NOTE,
    "subject": "",
    "body": "",
    "channel": Channel.IMPORT,
    "occurred_at": None,
    "due_at": None,
    "priority": "",
    "is_done": False,
    "done_at": None,
    "direction": "",
    "duration_seconds": None,
    "outcome": "",
    "location": "",
    "account": None,
    "contact": None,
    "custom": "{}",
    "version": 1,
}


def activity_load_clean(*, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One imported activity row: typed by the reader; here lengths, choices and ranges are checked."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in row.items():
        spec = FIELDS_BY_NAME[name]
        if spec.kind in {"text", "user", "ref"}:
            text = str(value).strip()
            if spec.max_length and len(text) > spec.max_length:
                errors[name] = [
                    _("Ensure this value has at most %(limit)d characters (it has %(show)d).")
                    % {"limit": spec.max_length, "show": len(text)}
                ]
                continue
            out[name] = text.lower() if spec.kind == "user" else text
        elif spec.kind == "choice":
            if value not in spec.choices.values:
                errors[name] = [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(spec.choices.values)}
                ]
                continue
            out[name] = value
        elif spec.kind == "int":
            if not isinstance(value, int) or value < 0:
                errors[name] = [_("Enter a whole number of 0 or more.")]
                continue
            out[name] = value
        else:
            out[name] = value
    return out, errors


def _db_row(values: dict[str, Any]) -> list[Any]:
    custom = values["custom"]
    return [
        json.dumps(custom) if c == "custom" and not isinstance(custom, str) else values[c] for c in COLUMNS
    ]


def _read_columns() -> list[str]:
    return ["id", *[f"{c}_id" if c in {"owner", "account", "contact"} else c for c in COLUMNS]]


def activity_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    update_by: str = "external_id",
    update_existing: bool = True,
    default_owner: Any,
) -> LoadResult:
    """Create activities, or update the live one with the same external id (`update_by="external_id"`)."""
    result = LoadResult(outcomes=["failed"] * len(rows))
    now = timezone.now()

    def row_error(i: int, field: str, message: str) -> None:
        result.row_errors.setdefault(i, {}).setdefault(field, []).append(message)

    owner_emails = [r["owner"] for r in rows if r.get("owner")]
    owners = {
        e.lower(): pk
        for e, pk in User.objects.filter(is_active=True, email__in=owner_emails).values_list("email", "id")
    }
    accounts = account_ids_by_ref(refs=(r["account"] for r in rows if r.get("account")))
    contacts = contact_ids_by_ref(refs=(r["contact"] for r in rows if r.get("contact")))
    existing: dict[str, dict[str, Any]] = {}
    ext_ids = [r["external_id"] for r in rows if r.get("external_id")]
    if ext_ids:
        for obj in Activity.objects.filter(external_id__in=ext_ids).values(*_read_columns()):
            existing[obj["external_id"]] = obj
    seen: set[str] = set()
    creates: list[list[Any]] = []
    create_pos: list[int] = []
    updates: list[list[Any]] = []
    for i, row in enumerate(rows):
        ext = row.get("external_id", "")
        match = existing.get(ext) if ext else None
        if ext and ext in seen:
            row_error(
                i,
                "external_id",
                _("Another record already has the external id “%(value)s”.") % {"value": ext},
            )
        seen.add(ext)
        if match is not None and not update_existing:
            result.outcomes[i] = "existing"
            continue
        if match is None:
            values = dict(DEFAULTS)
            values["owner"] = getattr(default_owner, "pk", None)
        else:
            values = {c: match[f"{c}_id" if c in {"owner", "account", "contact"} else c] for c in COLUMNS}
            if actor is not None and not owner_in_scope(actor, values["owner"], OBJECT_TYPE, "change"):
                row_error(i, "__all__", _("You may not change the existing record with this key."))
        before = dict(values)
        for name, value in row.items():
            if name not in {"owner", "account", "contact"}:
                values[name] = value
        if row.get("owner"):
            values["owner"] = owners.get(row["owner"])
            if values["owner"] is None:
                row_error(i, "owner", _("No active user has the email %(email)s.") % {"email": row["owner"]})
        if row.get("contact"):
            found = contacts.get(row["contact"]) or contacts.get(row["contact"].lower())
            if found is None:
                row_error(
                    i,
                    "contact",
                    _("No contact with the email or external id “%(value)s”.") % {"value": row["contact"]},
                )
            else:
                values["contact"] = found[0]
                if not row.get("account"):
                    values["account"] = found[1]
        if row.get("account"):
            values["account"] = accounts.get(row["account"])
            if values["account"] is None:
                row_error(
                    i,
                    "account",
                    _("No account named or with the external id “%(value)s”.") % {"value": row["account"]},
                )
        if values["account"] is None and values["contact"] is None and i not in result.row_errors:
            row_error(i, "account", _("Link the activity to an account or a contact."))
        if values["owner"] is None and i not in result.row_errors:
            row_error(i, "owner", _("Choose an active user."))
        if i in result.row_errors:
            continue
        if actor is not None and values["owner"] != before["owner"]:
            try:
                record_authorize_create(actor=actor, object_type=OBJECT_TYPE, owner_id=values["owner"])
            except PermissionDenied:
                row_error(i, "owner", _("You may not give records to this owner."))
                continue
        kind = values["kind"]
        if values["occurred_at"] is None:
            values["occurred_at"] = (
                values["due_at"] if kind == ActivityKind.TASK and values["due_at"] else now
            )
        if kind == ActivityKind.TASK and values["is_done"] and values["done_at"] is None:
            values["done_at"] = now
        for name in ("occurred_at", "due_at"):
            if isinstance(values[name], dt.datetime) and timezone.is_naive(values[name]):
                values[name] = timezone.make_aware(values[name])
        if match is None:
            creates.append([*_db_row(values), now, now])
            create_pos.append(i)
            continue
        changed = {c: before[c] for c in COLUMNS if values[c] != before[c]}
        if not changed:
            result.outcomes[i] = "unchanged"
            continue
        values["version"] = before["version"] + 1
        updates.append([match["id"], *_db_row(values), now])
        result.updated.append((match["id"], {k: jsonable(v) for k, v in changed.items()}))
        result.outcomes[i] = "updated"
    result.created_ids = rows_insert(
        model=Activity, fields=[*COLUMNS, "created_at", "updated_at"], rows=creates
    )
    for i in create_pos:
        result.outcomes[i] = "created"
    rows_update(model=Activity, fields=[*COLUMNS, "updated_at"], rows=updates)
    return result


def activity_bulk_unload(
    *, actor: Any, created_ids: Sequence[int], updated: Sequence[tuple[int, dict[str, Any]]]
) -> tuple[int, int]:
    """Revert an activity batch: (moved to the recycle bin, given their previous values back)."""
    now = timezone.now()
    batch = uuid.uuid4()
    binned = 0
    for start in range(0, len(created_ids), 5000):
        chunk = list(created_ids[start : start + 5000])
        binned += Activity.objects.filter(pk__in=chunk).update(
            deleted_at=now, deletion_batch=batch, updated_at=now
        )
    restored = 0
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for pk, previous in updated:
        names = tuple(sorted(previous))
        groups.setdefault(names, []).append(
            [pk, *[from_jsonable(Activity, n, previous[n]) for n in names], now]
        )
    for names, group in groups.items():
        restored += rows_update(model=Activity, fields=[*names, "updated_at"], rows=group)
    return binned, restored
