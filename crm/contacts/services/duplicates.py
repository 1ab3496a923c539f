"""Finding duplicates: the warning while creating or editing, the scan over the whole base, the review queue.

The scan is set-based: the database groups records by each blocking key (email, E.164 phone, folded name and
account, folded name alone, tax id), only records sharing a key are compared, and blocks larger than a cap (a
switchboard phone, a very common name) are skipped. Only the pairs found are loaded and scored in Python.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.contacts.enums import DuplicateObject, DuplicateStatus
from crm.contacts.errors import LikelyDuplicate
from crm.contacts.matching import (
    BLOCK_CAP,
    NAME_BLOCK_CAP,
    REVIEW_THRESHOLD,
    NameStatistics,
    Profile,
    account_profile,
    company_name_key,
    contact_profile,
    person_name_key,
    score_pair,
)
from crm.contacts.models import Account, Contact, DuplicateCandidate
from crm.contacts.services.validation import phone_normalize
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.records import record_authorize

CHUNK = 1000
FULL_READ_AT = 20_000  # more records than this are read in one streamed pass instead of by id
WARN_LIMIT = 5

MODELS: dict[str, type[Account] | type[Contact]] = {
    DuplicateObject.CONTACTS: Contact,
    DuplicateObject.ACCOUNTS: Account,
}
KIND: dict[str, str] = {DuplicateObject.CONTACTS: "contact", DuplicateObject.ACCOUNTS: "account"}
CONTACT_COLUMNS: tuple[str, ...] = ("id", "first_name", "last_name", "name_key", "email", "other_emails")
CONTACT_COLUMNS += ("phone", "mobile", "other_phones", "primary_account_id")
ACCOUNT_COLUMNS = (
    "id",
    "name",
    "name_key",
    "tax_id",
    "website",
    "email",
    "other_emails",
    "phone",
    "other_phones",
)


@dataclass(frozen=True)
class Match:
    """One likely duplicate of a record: the other record's id, how alike they are, and why."""

    id_a: int
    id_b: int
    score: float
    reasons: tuple[str, ...]


def object_model(object_type: str) -> type[Account] | type[Contact]:
    model = MODELS.get(object_type)
    if model is None:
        raise InvalidInput(field_errors={"object": [_("Choose contacts or accounts.")]})
    return model


# --- profiles ------------------------------------------------------------------------------------------------
def _profile(
    object_type: str,
    row: Mapping[str, Any],
    name_count: int = 1,
    statistics: NameStatistics | None = None,
) -> Profile:
    if object_type == DuplicateObject.CONTACTS:
        namesakes: float | None = None
        rare_words: frozenset[str] | None = None
        if statistics is not None:
            name_count, namesakes, rare_words = statistics.describe(row["name_key"])
        return contact_profile(
            id=row["id"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row["email"],
            other_emails=row["other_emails"] or (),
            phone=row["phone"],
            mobile=row["mobile"],
            other_phones=row["other_phones"] or (),
            account_id=row["primary_account_id"],
            name_count=name_count,
            namesakes=namesakes,
            rare_words=rare_words,
        )
    return account_profile(
        id=row["id"],
        name=row["name"],
        tax_id=row["tax_id"],
        website=row["website"],
        email=row["email"],
        other_emails=row["other_emails"] or (),
        phone=row["phone"],
        other_phones=row["other_phones"] or (),
        name_count=name_count,
    )


def _columns(object_type: str) -> tuple[str, ...]:
    return CONTACT_COLUMNS if object_type == DuplicateObject.CONTACTS else ACCOUNT_COLUMNS


def _name_counts(model: type[Account] | type[Contact], keys: Iterable[str]) -> dict[str, int]:
    """How many live records share each of these name keys (1 when not in the answer)."""
    wanted = sorted({k for k in keys if k})
    counts: dict[str, int] = {}
    if len(wanted) > FULL_READ_AT:  # the scan: one grouped pass beats thousands of lookups
        shared = model.objects.exclude(name_key="").values("name_key").annotate(n=Count("id")).filter(n__gt=1)
        return {r["name_key"]: r["n"] for r in shared.iterator(chunk_size=20000)}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = model.objects.filter(name_key__in=chunk).values("name_key").annotate(n=Count("id"))
        counts.update({r["name_key"]: r["n"] for r in rows})
    return counts


def _name_statistics(*, object_type: str) -> NameStatistics:
    """How often each name key and each of its words occurs among the live records: one grouped pass."""
    model = object_model(object_type)
    rows = model.objects.exclude(name_key="").values_list("name_key").annotate(n=Count("id")).order_by()
    return NameStatistics.from_counts(rows.iterator(chunk_size=20000))


def _stream_rows(
    model: type[Account] | type[Contact], columns: tuple[str, ...], wanted: set[int]
) -> Iterator[dict[str, Any]]:
    """Every live row's `columns` through a plain cursor (no model or dict per row of the whole table), keeping
    the rows in `wanted`. JSON lists arrive as text and are decoded only when not empty."""
    sql, params = model.objects.values_list(*columns).query.sql_with_params()
    lists = [i for i, c in enumerate(columns) if c.startswith("other_")]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(20000)
            if not batch:
                return
            for values in batch:
                if values[0] not in wanted:
                    continue
                row = dict(zip(columns, values, strict=True))
                for i in lists:
                    raw = values[i]
                    if isinstance(raw, str):
                        row[columns[i]] = json.loads(raw) if raw not in ("[]", "") else []
                    else:
                        row[columns[i]] = raw or []
                yield row


def profiles_load(
    *, object_type: str, ids: Iterable[int], statistics: NameStatistics | None = None
) -> dict[int, Profile]:
    """The matching profiles of these live records (with how common each one's name is: from `statistics` of the
    whole base when given, else from how many records share it)."""
    model = object_model(object_type)
    wanted = set(ids)
    columns = _columns(object_type)
    rows: list[dict[str, Any]] = []
    if (
        len(wanted) > FULL_READ_AT
    ):  # the scan: one streamed pass over the table, keeping the records asked for
        rows = list(_stream_rows(model, columns, wanted))
    else:
        ordered = sorted(wanted)
        for start in range(0, len(ordered), CHUNK):
            rows.extend(model.objects.filter(pk__in=ordered[start : start + CHUNK]).values(*columns))
    if statistics is not None:
        return {r["id"]: _profile(object_type, r, statistics=statistics) for r in rows}
    counts = _name_counts(model, (r["name_key"] for r in rows))
    return {r["id"]: _profile(object_type, r, counts.get(r["name_key"], 1)) for r in rows}


def _decided_pairs(object_type: str, record_id: int | None = None) -> set[tuple[int, int]]:
    """Pairs someone already marked "not a duplicate" (or merged): never proposed again. These are human
    decisions, few next to the records, so they are read in one query (or those of one record)."""
    qs = DuplicateCandidate.objects.filter(object_type=object_type).exclude(status=DuplicateStatus.OPEN)
    if record_id is not None:
        qs = qs.filter(Q(record_a=record_id) | Q(record_b=record_id))
    return set(qs.values_list("record_a", "record_b"))


# --- the warning while creating or editing ---------------------------------------------------------------------
def _lookup_values(object_type: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The form or API values as the services would store them (normalised), best effort."""

    def phone(value: Any) -> str:
        try:
            return phone_normalize(str(value or ""))
        except ValueError:
            return ""

    out: dict[str, Any] = {
        "id": 0,
        "email": str(values.get("email") or "").strip().lower(),
        "other_emails": [],
        "phone": phone(values.get("phone")),
        "other_phones": [],
    }
    if object_type == DuplicateObject.CONTACTS:
        out.update(
            first_name=str(values.get("first_name") or ""),
            last_name=str(values.get("last_name") or ""),
            mobile=phone(values.get("mobile")),
            primary_account_id=values.get("account_id"),
        )
        out["name_key"] = person_name_key(out["first_name"], out["last_name"])
    else:
        out.update(
            name=str(values.get("name") or ""),
            tax_id=str(values.get("tax_id") or ""),
            website=str(values.get("website") or ""),
        )
        out["name_key"] = company_name_key(out["name"])
    return out


def duplicate_find(
    *, user: Any, object_type: str, values: Mapping[str, Any], exclude_id: int | None = None
) -> list[tuple[Any, Match]]:
    """The records `user` may see that `values` (a record being typed or saved) likely duplicates, best first."""
    model = object_model(object_type)
    probe = _lookup_values(object_type, values)
    q = Q()
    if probe["email"]:
        q |= Q(email=probe["email"])
    phones = [p for p in (probe["phone"], probe.get("mobile", "")) if p]
    if phones:
        q |= Q(phone__in=phones)
        if object_type == DuplicateObject.CONTACTS:
            q |= Q(mobile__in=phones)
    if probe["name_key"]:
        q |= Q(name_key=probe["name_key"])
    if object_type == DuplicateObject.ACCOUNTS and probe["tax_id"].strip():
        q |= Q(tax_id__iexact=probe["tax_id"].strip())
    if not q:
        return []
    qs = model.objects.visible_to(user).filter(q)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    rows = list(qs.values(*_columns(object_type))[:50])
    if not rows:
        return []
    counts = _name_counts(model, [probe["name_key"], *(r["name_key"] for r in rows)])
    me = _profile(object_type, probe, counts.get(probe["name_key"], 0) + 1)
    found: list[Match] = []
    for row in rows:
        score, reasons = score_pair(
            me, _profile(object_type, row, counts.get(row["name_key"], 1)), kind=KIND[object_type]
        )
        if score >= REVIEW_THRESHOLD:
            found.append(Match(id_a=0, id_b=row["id"], score=score, reasons=tuple(reasons)))
    if exclude_id and found:
        decided = _decided_pairs(object_type, exclude_id)
        found = [m for m in found if tuple(sorted((exclude_id, m.id_b))) not in decided]
    found.sort(key=lambda m: (-m.score, m.id_b))
    found = found[:WARN_LIMIT]
    records = model.objects.in_bulk([m.id_b for m in found])
    return [(records[m.id_b], m) for m in found if m.id_b in records]


def duplicate_check(
    *, actor: Any, object_type: str, values: Mapping[str, Any], exclude_id: int | None = None
) -> None:
    """Refuse (409 LikelyDuplicate, listing the candidates) a create or edit that looks like a duplicate."""
    if actor is None:
        return
    found = duplicate_find(user=actor, object_type=object_type, values=values, exclude_id=exclude_id)
    if found:
        raise LikelyDuplicate(candidates=found)


# --- the scan ----------------------------------------------------------------------------------------------
# name, SQL expressions of the key (over the record's columns), cap. The contacts' "phone" block also joins
# mobiles to phones (a number typed in either field).
BlockSpec = tuple[str, tuple[str, ...], int]

CONTACT_BLOCKS: tuple[BlockSpec, ...] = (
    ("email", ("email",), BLOCK_CAP),
    ("phone", ("phone",), BLOCK_CAP),
    ("name and account", ("name_key", "primary_account_id"), BLOCK_CAP),
    ("name", ("name_key",), NAME_BLOCK_CAP),
    # a typo in the name: the first two letters of the folded name within one account
    ("account and initials", ("SUBSTR(name_key, 1, 2)", "primary_account_id"), BLOCK_CAP),
)
ACCOUNT_BLOCKS: tuple[BlockSpec, ...] = (
    ("email", ("email",), BLOCK_CAP),
    ("phone", ("phone",), BLOCK_CAP),
    ("tax id", ("tax_id",), BLOCK_CAP),
    ("name", ("name_key",), NAME_BLOCK_CAP),
)


def _block_rows(
    model: type[Account] | type[Contact], expressions: tuple[str, ...], cap: int
) -> Iterator[tuple[Any, ...]]:
    """(key…, id) of every live record whose key is shared by 2..cap records, ordered by key."""
    # Only the fixed expressions above and the model's table name (quoted) are formatted into the SQL; the one
    # value (the cap) is a parameter.
    table = connection.ops.quote_name(model._meta.db_table)
    keys = ", ".join(f"{e} AS k{i}" for i, e in enumerate(expressions))
    cols = ", ".join(f"k{i}" for i in range(len(expressions)))
    columns = [
        e.partition("(")[2].partition(",")[0] or e for e in expressions
    ]  # SUBSTR(name_key, …) → name_key
    nonempty = " AND ".join(f"{c} IS NOT NULL" if c.endswith("_id") else f"{c} <> ''" for c in columns)
    if model is Contact and expressions == ("phone",):
        source = (
            f"(SELECT phone AS k0, id FROM {table} WHERE deleted_at IS NULL AND phone <> '' "  # noqa: S608
            f"UNION ALL SELECT mobile AS k0, id FROM {table} WHERE deleted_at IS NULL AND mobile <> '' "
            "AND mobile <> phone)"
        )
    else:
        source = f"(SELECT {keys}, id FROM {table} WHERE deleted_at IS NULL AND {nonempty})"  # noqa: S608
    sql = (
        f"SELECT {cols}, id FROM {source} AS keyed WHERE ({cols}) IN "  # noqa: S608
        f"(SELECT {cols} FROM {source} AS grouped GROUP BY {cols} HAVING COUNT(*) BETWEEN 2 AND %s) "
        f"ORDER BY {cols}, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cap])
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                return
            yield from rows


def _pairs_from_blocks(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, int]]:
    current: tuple[Any, ...] | None = None
    ids: list[int] = []
    for row in rows:
        key, pk = row[:-1], row[-1]
        if key != current:
            yield from _block_pairs(ids)
            current, ids = key, []
        ids.append(pk)
    yield from _block_pairs(ids)


def _block_pairs(ids: list[int]) -> Iterator[tuple[int, int]]:
    unique = sorted(set(ids))
    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            yield a, b


def _scan_pairs(
    object_type: str, model: type[Account] | type[Contact], say: Callable[[str], None], started: float
) -> tuple[list[Match], int, int]:
    pairs: set[tuple[int, int]] = set()
    for name, columns, cap in CONTACT_BLOCKS if model is Contact else ACCOUNT_BLOCKS:
        before = len(pairs)
        pairs.update(_pairs_from_blocks(_block_rows(model, columns, cap)))
        say(
            f"blocking by {name}: {len(pairs) - before:,} new candidate pairs ({time.perf_counter() - started:.1f} s)"
        )
    pairs -= _decided_pairs(object_type)
    ordered = sorted(pairs)
    ids = {i for pair in ordered for i in pair}
    # contacts: how rare a name is from its words' frequencies over the whole base (NameStatistics)
    statistics = _name_statistics(object_type=object_type) if model is Contact else None
    profiles = profiles_load(object_type=object_type, ids=ids, statistics=statistics)
    say(f"loaded {len(profiles):,} records ({time.perf_counter() - started:.1f} s)")
    kind = KIND[object_type]
    matches: list[Match] = []
    for a, b in ordered:
        pa, pb = profiles.get(a), profiles.get(b)
        if pa is None or pb is None:
            continue
        score, reasons = score_pair(pa, pb, kind=kind)
        if score >= REVIEW_THRESHOLD:
            matches.append(Match(id_a=a, id_b=b, score=score, reasons=tuple(reasons)))
    say(
        f"scored {len(ordered):,} pairs: {len(matches):,} likely duplicates ({time.perf_counter() - started:.1f} s)"
    )
    return matches, len(ordered), len(profiles)


@dataclass
class ScanResult:
    object_type: str
    records_compared: int
    pairs_compared: int
    matches: list[Match]
    seconds: float


def duplicate_scan(
    *, object_type: str, store: bool = True, progress: Callable[[str], None] | None = None
) -> ScanResult:
    """Scan every live record of `object_type` for likely duplicates; with `store`, refresh the review queue.

    Idempotent: open pairs are replaced by this scan's findings; pairs decided before (not a duplicate, merged)
    are never proposed again."""
    say = progress or (lambda _msg: None)
    model = object_model(object_type)
    started = time.perf_counter()
    # Hundreds of thousands of small objects, none of them cyclic: the cyclic garbage collector would walk them
    # again and again while they are built (a third of the scan's time at 1M contacts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        matches, compared, loaded = _scan_pairs(object_type, model, say, started)
    finally:
        if collecting:
            gc.enable()
    if store:
        _queue_replace(object_type, matches)
        say(f"review queue updated ({time.perf_counter() - started:.1f} s)")
    return ScanResult(
        object_type=object_type,
        records_compared=loaded,
        pairs_compared=compared,
        matches=matches,
        seconds=time.perf_counter() - started,
    )


@transaction.atomic
def _queue_replace(object_type: str, matches: list[Match]) -> None:
    """Make the open pairs of the queue this scan's findings, writing only what changed since the last scan."""
    found = {(m.id_a, m.id_b): m for m in matches}
    existing = {
        (a, b): (pk, score, reasons)
        for pk, a, b, score, reasons in DuplicateCandidate.objects.filter(
            object_type=object_type, status=DuplicateStatus.OPEN
        ).values_list("pk", "record_a", "record_b", "score", "reasons")
    }
    gone = [pk for pair, (pk, _s, _r) in existing.items() if pair not in found]
    for start in range(0, len(gone), CHUNK):
        DuplicateCandidate.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
    changed = [
        DuplicateCandidate(pk=pk, score=found[pair].score, reasons=list(found[pair].reasons))
        for pair, (pk, score, reasons) in existing.items()
        if pair in found and (score != found[pair].score or reasons != list(found[pair].reasons))
    ]
    DuplicateCandidate.objects.bulk_update(changed, ["score", "reasons"], batch_size=1000)
    DuplicateCandidate.objects.bulk_create(
        (
            DuplicateCandidate(
                object_type=object_type,
                record_a=m.id_a,
                record_b=m.id_b,
                score=m.score,
                reasons=list(m.reasons),
            )
            for pair, m in found.items()
            if pair not in existing
        ),
        batch_size=2000,
        ignore_conflicts=True,  # a pair decided meanwhile (not a duplicate) stays decided
    )


# --- the review queue ------------------------------------------------------------------------------------------
@transaction.atomic
def duplicate_dismiss(*, actor: Any, object_type: str, ids: Iterable[int]) -> int:
    """Mark records as "not duplicates" of each other: no scan or warning proposes these pairs again."""
    model = object_model(object_type)
    unique = sorted({int(i) for i in ids})
    if len(unique) < 2:
        raise InvalidInput(field_errors={"ids": [_("Choose at least two records.")]})
    records = list(model.objects.filter(pk__in=unique))
    if len(records) != len(unique):
        raise RecordNotFound()
    for record in records:
        record_authorize(actor=actor, record=record, action="change")
    now = timezone.now()
    decided = 0
    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            DuplicateCandidate.objects.update_or_create(
                object_type=object_type,
                record_a=a,
                record_b=b,
                defaults={
                    "status": DuplicateStatus.DISMISSED,
                    "decided_at": now,
                    "decided_by": actor,
                },
                create_defaults={
                    "status": DuplicateStatus.DISMISSED,
                    "decided_at": now,
                    "decided_by": actor,
                    "score": 0.0,
                },
            )
            decided += 1
    return decided
