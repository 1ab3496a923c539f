"""Merging duplicate accounts or contacts into one survivor, and undoing a merge exactly.

A merge runs in one transaction: every record is locked, the versions the user saw are compared (a concurrent
edit refuses the whole merge), the survivor takes the chosen field values, every related record moves to it
(contacts' own moves and the handlers other apps register, crm.contacts.merging), and the merged-away records go
to the recycle bin with the reason "merged into #…". The Merge row keeps what is needed to undo it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.contacts.enums import DuplicateObject, DuplicateStatus
from crm.contacts.matching import AUTO_MERGE_THRESHOLD
from crm.contacts.merging import merge_handlers
from crm.contacts.models import DuplicateCandidate, Merge
from crm.contacts.services.accounts import account_update
from crm.contacts.services.contacts import contact_update
from crm.contacts.services.duplicates import object_model
from crm.core.audit.context import audit_context
from crm.core.audit.services import record_soft_delete
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.identity.models import User
from crm.core.records import record_authorize

MAX_RECORDS = 10
# The fields the user chooses a value for, per object (the rest follow rules: lists are united, custom fields
# are filled where the survivor has none).
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    DuplicateObject.CONTACTS: (
        "first_name",
        "last_name",
        "job_title",
        "department",
        "email",
        "phone",
        "mobile",
        "language",
        "birthday",
        "description",
        "owner",
        "email_consent",
        "consent_source",
        "do_not_call",
    ),
    DuplicateObject.ACCOUNTS: (
        "name",
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
    ),
}
LIST_FIELDS = {"email": "other_emails", "phone": "other_phones", "mobile": "other_phones"}


class MergeConflict(ConcurrentEdit):
    default_message = gettext_lazy(
        "One of these records was changed after you opened the merge. Nothing was merged: reload and try again."
    )


def _empty(value: Any) -> bool:
    return value in (None, "", [], {}) or value is False


def _wire(value: Any) -> Any:
    if isinstance(value, User):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field_value(record: Any, name: str) -> Any:
    return getattr(record, name)


def _choose(
    object_type: str, survivor: Any, records: Mapping[int, Any], sources: Mapping[str, int]
) -> dict[str, Any]:
    """The survivor's changes: the chosen value of each field (default: the survivor's, or the first merged
    record's when the survivor has none), other emails/phones united, custom values filled where empty."""
    fields = MERGE_FIELDS[object_type]
    unknown = sorted(set(sources) - set(fields))
    errors = {name: [_("This field cannot be chosen in a merge.")] for name in unknown}
    errors.update(
        {
            name: [_("Choose the value of one of the records being merged.")]
            for name, pk in sources.items()
            if name in fields and pk not in records
        }
    )
    if errors:
        raise InvalidInput(field_errors=errors)
    others = [r for pk, r in records.items() if pk != survivor.pk]
    changes: dict[str, Any] = {}
    for name in fields:
        if name in sources:
            value = _field_value(records[sources[name]], name)
        else:
            value = _field_value(survivor, name)
            if _empty(value):
                value = next(
                    (_field_value(r, name) for r in others if not _empty(_field_value(r, name))), value
                )
        if _wire(value) != _wire(_field_value(survivor, name)):
            changes[name] = value
    # every email and phone of every record is kept: the ones not chosen become "other" emails / phones
    for list_name in sorted(set(LIST_FIELDS.values())):
        if not hasattr(survivor, list_name):
            continue
        kept = [v for v in _field_value(survivor, list_name) or []]
        for record in records.values():
            for single, target in LIST_FIELDS.items():
                if target == list_name and hasattr(record, single):
                    kept.append(_field_value(record, single))
            kept.extend(_field_value(record, list_name) or [])
        primary = {
            changes.get(s, _field_value(survivor, s))
            for s, t in LIST_FIELDS.items()
            if t == list_name and hasattr(survivor, s)
        }
        united = list(dict.fromkeys(v for v in kept if v and v not in primary))[:20]
        if united != list(_field_value(survivor, list_name) or []):
            changes[list_name] = united
    custom = dict(survivor.custom or {})
    for record in others:
        for key, value in (record.custom or {}).items():
            if _empty(custom.get(key)) and not _empty(value):
                custom[key] = value
    if custom != (survivor.custom or {}):
        changes["custom"] = custom
    return changes


def _before(object_type: str, survivor: Any) -> dict[str, Any]:
    names = [*MERGE_FIELDS[object_type], "custom"]
    names += [n for n in sorted(set(LIST_FIELDS.values())) if hasattr(survivor, n)]
    return {name: _wire(_field_value(survivor, name)) for name in names}


def _update(object_type: str, **kwargs: Any) -> Any:
    if object_type == DuplicateObject.CONTACTS:
        return contact_update(**kwargs)
    kwargs["account"] = kwargs.pop("contact")
    return account_update(**kwargs)


@transaction.atomic
def records_merge(
    *,
    actor: Any,
    object_type: str,
    survivor_id: int,
    merged_ids: Sequence[int],
    field_sources: Mapping[str, int] | None = None,
    expected_versions: Mapping[int, int] | None = None,
    is_automatic: bool = False,
) -> Merge:
    """Merge `merged_ids` into `survivor_id`. `field_sources` names, per field, the record whose value wins;
    `expected_versions` ({id: version} as the user saw them) refuses the merge after a concurrent edit.

    Needs permission to change the survivor and to delete each merged-away record."""
    model: Any = object_model(object_type)
    merged = list(dict.fromkeys(int(i) for i in merged_ids if int(i) != int(survivor_id)))
    if not merged:
        raise InvalidInput(field_errors={"merged_ids": [_("Choose at least one other record to merge.")]})
    if len(merged) + 1 > MAX_RECORDS:
        raise InvalidInput(
            field_errors={"merged_ids": [_("Merge at most %(n)s records at once.") % {"n": MAX_RECORDS}]}
        )
    ids = [int(survivor_id), *merged]
    records = {r.pk: r for r in model.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(records) != len(ids):
        raise RecordNotFound()
    survivor = records[int(survivor_id)]
    record_authorize(actor=actor, record=survivor, action="change")
    for pk in merged:
        record_authorize(actor=actor, record=records[pk], action="delete")
    if expected_versions is not None:
        for pk in ids:
            seen = expected_versions.get(pk, expected_versions.get(str(pk)))  # type: ignore[call-overload]
            if seen is None or int(seen) != records[pk].version:
                raise MergeConflict()
    changes = _choose(object_type, survivor, records, field_sources or {})
    before = _before(object_type, survivor)
    names = ", ".join(f"#{pk}" for pk in merged)
    reason = _("Merged %(merged)s into this record") % {"merged": names}
    survivor = _update(
        object_type,
        actor=actor,
        contact=survivor,
        expected_version=survivor.version,
        reason=reason,
        **changes,
    )
    moved: dict[str, Any] = {}
    with audit_context(actor=actor, reason=reason):
        for handler in merge_handlers(object_type):
            moved[handler.key] = handler.move(
                object_type=object_type, survivor_id=survivor.pk, merged_ids=merged, actor=actor
            )
    gone = [records[pk] for pk in merged]
    with audit_context(actor=actor, reason=_("Merged into #%(id)s") % {"id": survivor.pk}):
        batch = record_soft_delete(instance=gone[0], dependents=gone[1:], actor=actor)
    survivor_version = model.all_objects.filter(pk=survivor.pk).values_list("version", flat=True).get()
    merge = Merge.objects.create(
        object_type=object_type,
        survivor_id=survivor.pk,
        merged_ids=merged,
        actor=actor if isinstance(actor, User) else None,
        is_automatic=is_automatic,
        survivor_before=before,
        survivor_version=survivor_version,
        moved=moved,
        deletion_batch=batch,
    )
    pair_q = Q(record_a__in=ids, record_b__in=ids)
    DuplicateCandidate.objects.filter(pair_q, object_type=object_type).update(
        status=DuplicateStatus.MERGED, decided_at=timezone.now(), decided_by=merge.actor
    )
    return merge


@transaction.atomic
def merge_undo(*, actor: Any, merge_id: int) -> Merge:
    """Undo a merge: the merged-away records come back from the recycle bin, everything that moved moves back,
    and the survivor gets its fields back. Refused when the survivor was edited after the merge."""
    merge = Merge.objects.select_for_update().filter(pk=merge_id).first()
    if merge is None:
        raise RecordNotFound()
    model: Any = object_model(merge.object_type)
    survivor = model.objects.select_for_update().filter(pk=merge.survivor_id).first()
    if survivor is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=survivor, action="change")
    if merge.is_undone:
        raise InvalidInput(field_errors={"merge": [_("This merge has already been undone.")]})
    if survivor.version != merge.survivor_version:
        raise ConcurrentEdit(
            _("%(name)s was changed after the merge, so it cannot be undone exactly.") % {"name": survivor}
        )
    gone = list(
        model.all_objects.select_for_update().filter(
            pk__in=merge.merged_ids, deletion_batch=merge.deletion_batch
        )
    )
    if len(gone) != len(merge.merged_ids):
        raise InvalidInput(
            field_errors={
                "merge": [_("A merged record is no longer in the recycle bin; the merge cannot be undone.")]
            }
        )
    for record in gone:
        record_authorize(actor=actor, record=record, action="delete")
    reason = _("Merge undone")
    with audit_context(actor=actor, reason=reason):
        for record in gone:
            record.deleted_at = None
            record.deletion_batch = None
            record.save(update_fields=["deleted_at", "deletion_batch", "updated_at"])
        for handler in reversed(merge_handlers(merge.object_type)):
            if handler.key in merge.moved:
                handler.undo(
                    object_type=merge.object_type,
                    survivor_id=survivor.pk,
                    data=merge.moved[handler.key],
                    actor=actor,
                )
    survivor.refresh_from_db()
    restore = {}
    for name, value in merge.survivor_before.items():
        if name == "owner":
            value = User.objects.get(pk=value)
        elif name == "birthday" and value:
            value = dt.date.fromisoformat(value)
        if _wire(getattr(survivor, name)) != _wire(value):
            restore[name] = value
    _update(merge.object_type, actor=actor, contact=survivor, reason=reason, **restore)
    merge.undone_at = timezone.now()
    merge.undone_by = actor if isinstance(actor, User) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    ids = [merge.survivor_id, *merge.merged_ids]
    DuplicateCandidate.objects.filter(
        object_type=merge.object_type, record_a__in=ids, record_b__in=ids, status=DuplicateStatus.MERGED
    ).update(status=DuplicateStatus.OPEN, decided_at=None, decided_by=None)
    return merge


def duplicates_auto_merge(*, object_type: str, pairs: Sequence[tuple[int, int, float]]) -> list[Merge]:
    """Merge, as the system, the pairs scoring at or above AUTO_MERGE_THRESHOLD (precision ≥ 99.5% on labelled
    data): the older record survives and keeps its values, empty fields are filled from the other. A pair whose
    record is already gone (merged by an earlier pair) is skipped; each merge is its own transaction."""
    done: list[Merge] = []
    model: Any = object_model(object_type)
    for a, b, score in sorted(pairs, key=lambda p: -p[2]):
        if score < AUTO_MERGE_THRESHOLD:
            continue
        if model.objects.filter(pk__in=(a, b)).count() != 2:
            continue
        with audit_context(source="job"):
            done.append(
                records_merge(
                    actor=None,
                    object_type=object_type,
                    survivor_id=min(a, b),
                    merged_ids=[max(a, b)],
                    is_automatic=True,
                )
            )
    return done
