"""Set-based loading of many accounts or contacts (imports): clean each row, then upsert a batch at once.

Rows come from `contact_load_clean` / `account_load_clean` (one dict per row holding only the cells that had a
value). `…_bulk_upsert` matches each row with a live record by `update_by` (email or external id), creates the
rest, and answers per row: created, updated, unchanged or failed (with the errors). Blank cells never blank a
stored value. The caller owns the transaction; a failed row writes nothing. Per-row audit entries are not
written (a million rows would double the work): the importer records the batch and what it changed, which is
also what `…_bulk_unload` uses to revert it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.contacts.enums import AccountStatus, AccountType, Consent
from crm.contacts.matching import company_name_key, person_name_key
from crm.contacts.models import Account, Contact, ContactAccount
from crm.contacts.selectors import account_ids_by_ref
from crm.core.bulkwrite import AnyOf, rows_insert, rows_update
from crm.core.errors import PermissionDenied
from crm.core.identity.models import User
from crm.core.identity.permissions import owner_in_scope
from crm.core.loading import LoadResult, from_jsonable, jsonable
from crm.core.records import record_authorize_create


@dataclass(frozen=True)
class _Table:
    model: type[Any]
    object_type: str
    columns: tuple[str, ...]  # every data column written, besides timestamps
    defaults: dict[str, Any]
    ref_field: str  # the "ref" load field (account / parent) and the column it sets
    ref_column: str
    required: Callable[[dict[str, Any]], bool]  # does a new record have what it needs?
    required_error: Callable[[], tuple[str, str]]
    compose: Callable[[dict[str, Any]], None]


def _contact_compose(values: dict[str, Any]) -> None:
    values["full_name"] = " ".join(
        p for p in (values["first_name"].strip(), values["last_name"].strip()) if p
    )
    values["name_key"] = person_name_key(values["first_name"], values["last_name"])  # duplicate blocking


def _account_compose(values: dict[str, Any]) -> None:
    values["name_key"] = company_name_key(values["name"])  # duplicate blocking


CONTACT_TABLE = _Table(
    model=Contact,
    object_type="contacts.contact",
    columns=(
        "external_id",
        "first_name",
        "last_name",
        "full_name",
        "name_key",
        "job_title",
        "department",
        "email",
        "phone",
        "mobile",
        "language",
        "birthday",
        "description",
        "email_consent",
        "consent_changed_at",
        "consent_source",
        "do_not_call",
        "owner",
        "primary_account",
        "other_emails",
        "other_phones",
        "custom",
        "version",
    ),
    defaults={
        "external_id": "",
        "first_name": "",
        "last_name": "",
        "full_name": "",
        "name_key": "",
        "job_title": "",
        "department": "",
        "email": "",
        "phone": "",
        "mobile": "",
        "language": "",
        "birthday": None,
        "description": "",
        "email_consent": Consent.UNKNOWN,
        "consent_changed_at": None,
        "consent_source": "",
        "do_not_call": False,
        "primary_account": None,
        "other_emails": "[]",
        "other_phones": "[]",
        "custom": "{}",
        "version": 1,
    },
    ref_field="account",
    ref_column="primary_account",
    required=lambda v: bool(v.get("first_name") or v.get("last_name") or v.get("email")),
    required_error=lambda: ("last_name", _("Give at least a name or an email address.")),
    compose=_contact_compose,
)

ACCOUNT_TABLE = _Table(
    model=Account,
    object_type="contacts.account",
    columns=(
        "external_id",
        "name",
        "name_key",
        "legal_name",
        "tax_id",
        "account_type",
        "status",
        "industry",
        "size",
        "website",
        "email",
        "phone",
        "description",
        "owner",
        "parent",
        "other_emails",
        "other_phones",
        "custom",
        "version",
    ),
    defaults={
        "external_id": "",
        "name": "",
        "name_key": "",
        "legal_name": "",
        "tax_id": "",
        "account_type": AccountType.PROSPECT,
        "status": AccountStatus.ACTIVE,
        "industry": "",
        "size": "",
        "website": "",
        "email": "",
        "phone": "",
        "description": "",
        "parent": None,
        "other_emails": "[]",
        "other_phones": "[]",
        "custom": "{}",
        "version": 1,
    },
    ref_field="parent",
    ref_column="parent",
    required=lambda v: bool(v.get("name")),
    required_error=lambda: ("name", _("This field cannot be blank.")),
    compose=_account_compose,
)


def _owners(emails: set[str]) -> dict[str, int]:
    if not emails:
        return {}
    rows = User.objects.filter(is_active=True, email__in=list(emails)).values_list("email", "id")
    return {email.lower(): pk for email, pk in rows}


_JSON_COLUMNS = ("other_emails", "other_phones", "custom")


def _db_values(table: _Table, values: dict[str, Any]) -> list[Any]:
    out = [values[name] for name in table.columns]
    for name in _JSON_COLUMNS:  # new rows carry the JSON text already; stored ones come back as lists/dicts
        value = values[name]
        if not isinstance(value, str):
            out[table.columns.index(name)] = json.dumps(value)
    return out


def _ids_by_external_id(model: type[Any], ext_ids: list[str]) -> dict[str, int]:
    """Live records by external id, through the partial unique index on it (alive rows, non-empty ids).

    `external_id <> ''` is spelled out: PostgreSQL proves a partial index's condition from an `= ANY` list of at
    most 100 values, so a 10,000-id batch would scan the table. SQLite without planner statistics (a table that
    just grew) prefers the index on `deleted_at` (every live row): the index is named there."""
    if not ext_ids:
        return {}
    query = model.objects.filter(AnyOf(F("external_id"), ext_ids)).exclude(external_id="")
    if connection.vendor != "sqlite":
        return dict(query.values_list("external_id", "id"))
    index = next(
        c.name
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and tuple(c.fields) == ("external_id",)
    )
    table = connection.ops.quote_name(model._meta.db_table)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ext_ids), 10_000):
            chunk = ext_ids[start : start + 10_000]
            cursor.execute(
                f"SELECT external_id, id FROM {table} INDEXED BY {connection.ops.quote_name(index)} "  # noqa: S608
                f"WHERE deleted_at IS NULL AND NOT (external_id = '') AND external_id IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update(cursor.fetchall())
    return found


def _bulk_upsert(
    table: _Table,
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    update_by: str,
    update_existing: bool,
    default_owner: Any,
) -> LoadResult:
    model = table.model
    result = LoadResult(outcomes=["failed"] * len(rows))
    errors = result.row_errors
    now = timezone.now()
    key_field = update_by if update_by in {"email", "external_id"} else ""

    owners = _owners({r["owner"] for r in rows if r.get("owner")})
    refs = account_ids_by_ref(refs={r[table.ref_field] for r in rows if r.get(table.ref_field)})
    keys = [r.get(key_field) or "" for r in rows] if key_field else ["" for _r in rows]
    read = ["id", *[f"{c}_id" if c in {"owner", table.ref_column} else c for c in table.columns]]
    existing: dict[str, dict[str, Any]] = {}
    ext_owner = _ids_by_external_id(model, [r["external_id"] for r in rows if r.get("external_id")])
    if key_field:
        wanted = [k for k in keys if k]
        if key_field == "external_id":
            found = model.all_objects.filter(AnyOf(F("pk"), [ext_owner[k] for k in wanted if k in ext_owner]))
        else:
            # by the email index alone: with `deleted_at IS NULL` or `ORDER BY id` in the query, a planner
            # without statistics (a table that just grew) walks every row instead; binned ones are dropped here
            found = model.all_objects.filter(AnyOf(F(key_field), wanted))
        matches = sorted(
            found.order_by().values(*read, "deleted_at"), key=lambda obj: obj["id"], reverse=True
        )
        for obj in matches:
            if obj.pop("deleted_at") is None:
                existing[obj[key_field]] = obj  # the oldest record with the key wins
    ext_in_batch: dict[str, int] = {}

    creates: list[list[Any]] = []
    create_pos: list[int] = []
    updates: list[list[Any]] = []
    may_create: dict[Any, bool] = {}

    def row_error(i: int, field: str, message: str) -> None:
        errors.setdefault(i, {}).setdefault(field, []).append(message)

    default_owner_id = getattr(default_owner, "pk", None)
    unknown_consent = str(Consent.UNKNOWN)
    skip = ("owner", table.ref_field)
    for i, row in enumerate(rows):
        match = existing.get(keys[i]) if keys[i] else None
        if match is not None and not update_existing:
            result.outcomes[i] = "existing"
            continue
        values: dict[str, Any] = (
            dict(table.defaults)
            if match is None
            else {c: match[f"{c}_id" if c in {"owner", table.ref_column} else c] for c in table.columns}
        )
        # the stored values, before this row touches them (the account link below included)
        before = dict(values) if match is not None else table.defaults
        owner_id = values.get("owner") if match is not None else default_owner_id
        if row.get("owner"):
            owner_id = owners.get(row["owner"])
            if owner_id is None:
                row_error(i, "owner", _("No active user has the email %(email)s.") % {"email": row["owner"]})
        if row.get(table.ref_field):
            ref = refs.get(row[table.ref_field])
            if ref is None:
                row_error(
                    i,
                    table.ref_field,
                    _("No account named or with the external id “%(value)s”.")
                    % {"value": row[table.ref_field]},
                )
            values[table.ref_column] = ref
        ext = row.get("external_id")
        if ext:
            holder = ext_owner.get(ext)
            if (holder is not None and (match is None or holder != match["id"])) or ext in ext_in_batch:
                row_error(
                    i,
                    "external_id",
                    _("Another record already has the external id “%(value)s”.") % {"value": ext},
                )
            ext_in_batch[ext] = i
        if (
            match is not None
            and actor is not None
            and not owner_in_scope(actor, match["owner_id"], table.object_type, "change")
        ):
            row_error(i, "__all__", _("You may not change the existing record with this key."))
        if owner_id is None and "owner" not in errors.get(i, {}):
            row_error(i, "owner", _("Choose an active user."))
        if i in errors:
            continue
        if actor is not None and (match is None or owner_id != values.get("owner")):
            if owner_id not in may_create:
                try:
                    record_authorize_create(actor=actor, object_type=table.object_type, owner_id=owner_id)
                    may_create[owner_id] = True
                except PermissionDenied:
                    may_create[owner_id] = False
            if not may_create[owner_id]:
                row_error(i, "owner", _("You may not give records to this owner."))
                continue
        for name, value in row.items():
            if name not in skip:
                values[name] = value
        values["owner"] = owner_id
        if (
            "email_consent" in row
            and match is not None
            and row["email_consent"] != before.get("email_consent")
        ) or ("email_consent" in row and match is None and row["email_consent"] != unknown_consent):
            values["consent_changed_at"] = now
        table.compose(values)
        if match is None:
            if not table.required(values):
                field, message = table.required_error()
                row_error(i, field, message)
                continue
            creates.append([*_db_values(table, values), now, now])
            create_pos.append(i)
            continue
        changed = {c: before[c] for c in table.columns if values[c] != before[c]}
        if not changed:
            result.outcomes[i] = "unchanged"
            continue
        values["version"] = before["version"] + 1
        updates.append([match["id"], *_db_values(table, values), now])
        result.updated.append((match["id"], {k: jsonable(v) for k, v in changed.items()}))
        result.outcomes[i] = "updated"

    columns = [*table.columns, "created_at", "updated_at"]
    result.created_ids = rows_insert(model=model, fields=columns, rows=creates)
    for i in create_pos:
        result.outcomes[i] = "created"
    rows_update(model=model, fields=[*table.columns, "updated_at"], rows=updates)
    if model is Contact:
        _memberships(result.created_ids + [pk for pk, prev in result.updated if "primary_account" in prev])
    return result


def _memberships(contact_ids: list[int]) -> None:
    """Every contact with a primary account is a member of it (as contact_create does): one statement."""
    if not contact_ids:
        return
    table = connection.ops.quote_name(ContactAccount._meta.db_table)
    contacts = connection.ops.quote_name(Contact._meta.db_table)
    now = timezone.now()
    insert = (
        f"INSERT INTO {table} (contact_id, account_id, role, job_title, is_primary, created_at) "  # noqa: S608
        f"SELECT id, primary_account_id, '', '', %s, %s FROM {contacts} "
        "WHERE {where} AND primary_account_id IS NOT NULL "
        "ON CONFLICT (contact_id, account_id) DO NOTHING"
    )
    params = [True, connection.ops.adapt_datetimefield_value(now)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter, not thousands of placeholders
            cursor.execute(insert.format(where="id = ANY(%s)"), [*params, contact_ids])
            return
        for start in range(0, len(contact_ids), 5000):
            chunk = contact_ids[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(insert.format(where=f"id IN ({marks})"), [*params, *chunk])


def contact_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    update_by: str = "",
    update_existing: bool = True,
    default_owner: Any,
) -> LoadResult:
    """Create or update contacts from clean rows (see module docstring); `update_by`: "email" | "external_id" | ""."""
    return _bulk_upsert(
        CONTACT_TABLE,
        actor=actor,
        rows=rows,
        update_by=update_by,
        update_existing=update_existing,
        default_owner=default_owner,
    )


def account_bulk_upsert(
    *,
    actor: Any,
    rows: Sequence[dict[str, Any]],
    update_by: str = "",
    update_existing: bool = True,
    default_owner: Any,
) -> LoadResult:
    return _bulk_upsert(
        ACCOUNT_TABLE,
        actor=actor,
        rows=rows,
        update_by=update_by,
        update_existing=update_existing,
        default_owner=default_owner,
    )


# --- revert -------------------------------------------------------------------------------------------------


def _unload(
    table: _Table, *, created_ids: Sequence[int], updated: Sequence[tuple[int, dict[str, Any]]]
) -> tuple[int, int]:
    """Created records go to the recycle bin (as one batch); updated ones get their previous values back."""
    model: type[models.Model] = table.model
    now = timezone.now()
    binned = 0
    batch = uuid.uuid4()
    for start in range(0, len(created_ids), 5000):
        chunk = list(created_ids[start : start + 5000])
        binned += model.objects.filter(pk__in=chunk).update(  # type: ignore[attr-defined]
            deleted_at=now, deletion_batch=batch, updated_at=now
        )
    restored = 0
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for pk, previous in updated:
        names = tuple(sorted(previous))
        column_names = tuple(n for n in names)
        groups.setdefault(column_names, []).append(
            [pk, *[from_jsonable(model, n, previous[n]) for n in names], now]
        )
    for names, rows in groups.items():
        restored += rows_update(model=model, fields=[*names, "updated_at"], rows=rows)
    return binned, restored


def contact_bulk_unload(
    *, actor: Any, created_ids: Sequence[int], updated: Sequence[tuple[int, dict[str, Any]]]
) -> tuple[int, int]:
    """Revert a contact batch: (moved to the recycle bin, given their previous values back)."""
    return _unload(CONTACT_TABLE, created_ids=created_ids, updated=updated)


def account_bulk_unload(
    *, actor: Any, created_ids: Sequence[int], updated: Sequence[tuple[int, dict[str, Any]]]
) -> tuple[int, int]:
    return _unload(ACCOUNT_TABLE, created_ids=created_ids, updated=updated)
