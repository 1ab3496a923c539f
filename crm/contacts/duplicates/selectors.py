"""Permission-scoped reads of the review queue and of merges."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from crm.contacts.enums import DuplicateStatus
from crm.contacts.models import DuplicateCandidate, Merge
from crm.contacts.services.duplicates import object_model
from crm.core.errors import InvalidInput, RecordNotFound

QUEUE_LIMIT = 50


GROUP_LIMIT = 10


@dataclass(frozen=True)
class PairRow:
    pair: DuplicateCandidate
    record_a: Any
    record_b: Any
    # the pair with the other open candidates of either record (a group of three or more duplicates)
    group: tuple[int, ...] = ()


def _cursor_decode(cursor: str | None) -> tuple[float, int] | None:
    if not cursor:
        return None
    try:
        score, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        return float(score), int(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInput(field_errors={"cursor": [_("This cursor is not valid.")]}) from None


def _cursor_encode(score: float, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([score, pk]).encode()).decode()


def duplicate_pair_page(
    *, user: Any, object_type: str, cursor: str | None = None, limit: int = QUEUE_LIMIT
) -> tuple[list[PairRow], str | None]:
    """Open pairs, best score first, where the user may see both records (keyset pages)."""
    model: Any = object_model(object_type)
    after = _cursor_decode(cursor)
    rows: list[PairRow] = []
    qs = DuplicateCandidate.objects.filter(object_type=object_type, status=DuplicateStatus.OPEN).order_by(
        "-score", "-id"
    )
    exhausted = False
    while len(rows) < limit:
        page = qs
        if after is not None:
            page = page.filter(Q(score__lt=after[0]) | Q(score=after[0], id__lt=after[1]))
        batch = list(page[: limit * 2])
        visible = model.objects.visible_to(user).in_bulk({i for p in batch for i in (p.record_a, p.record_b)})
        for pair in batch:
            after = (pair.score, pair.pk)
            a, b = visible.get(pair.record_a), visible.get(pair.record_b)
            if a is not None and b is not None:
                rows.append(PairRow(pair=pair, record_a=a, record_b=b))
                if len(rows) == limit:
                    break
        if len(batch) < limit * 2 and len(rows) < limit:
            exhausted = True
            break
    next_cursor = _cursor_encode(*after) if after is not None and rows and not exhausted else None
    return _with_groups(user, model, object_type, rows), next_cursor


def _with_groups(user: Any, model: Any, object_type: str, rows: list[PairRow]) -> list[PairRow]:
    """Each pair's group: the records an open pair links to either of its two (one query, visible ones)."""
    ids = {i for r in rows for i in (r.pair.record_a, r.pair.record_b)}
    if not ids:
        return rows
    links = DuplicateCandidate.objects.filter(
        Q(record_a__in=ids) | Q(record_b__in=ids), object_type=object_type, status=DuplicateStatus.OPEN
    ).values_list("record_a", "record_b")
    neighbours: dict[int, set[int]] = {}
    for a, b in links:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    others = {i for i in ids for i in neighbours.get(i, ())} - ids
    visible = ids | set(model.objects.visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    out = []
    for row in rows:
        a, b = row.pair.record_a, row.pair.record_b
        extra = sorted((neighbours.get(a, set()) | neighbours.get(b, set())) & visible - {a, b})
        out.append(
            PairRow(
                pair=row.pair,
                record_a=row.record_a,
                record_b=row.record_b,
                group=(a, b, *extra)[:GROUP_LIMIT],
            )
        )
    return out


def duplicate_pair_get(*, user: Any, object_type: str, pk: int) -> PairRow:
    pair = DuplicateCandidate.objects.filter(pk=pk, object_type=object_type).first()
    if pair is None:
        raise RecordNotFound()
    model: Any = object_model(object_type)
    visible = model.objects.visible_to(user).in_bulk([pair.record_a, pair.record_b])
    if len(visible) != 2:
        raise RecordNotFound()
    return PairRow(pair=pair, record_a=visible[pair.record_a], record_b=visible[pair.record_b])


def merge_records(*, user: Any, object_type: str, ids: list[int]) -> list[Any]:
    """The live records to merge, in the order given; 404 when the user may not see one of them."""
    model: Any = object_model(object_type)
    unique = list(dict.fromkeys(ids))
    if len(unique) < 2:
        raise InvalidInput(field_errors={"ids": [_("Choose at least two records.")]})
    found = model.objects.visible_to(user).prefetch_related("tags").in_bulk(unique)
    if len(found) != len(unique):
        raise RecordNotFound()
    return [found[i] for i in unique]


def merge_get(*, user: Any, pk: int) -> Merge:
    """A merge, visible to whoever may see its survivor (also after it was undone)."""
    merge = Merge.objects.filter(pk=pk).select_related("actor", "undone_by").first()
    if merge is None:
        raise RecordNotFound()
    model: Any = object_model(merge.object_type)
    if not model.all_objects.visible_to(user).filter(pk=merge.survivor_id).exists():
        raise RecordNotFound()
    return merge


def merge_survivor(*, user: Any, merge: Merge) -> Any:
    model: Any = object_model(merge.object_type)
    return model.all_objects.visible_to(user).filter(pk=merge.survivor_id).first()


def merge_merged_records(*, user: Any, merge: Merge) -> list[Any]:
    """The merged-away records (in the recycle bin, or back after an undo) the user may see."""
    model: Any = object_model(merge.object_type)
    found = model.all_objects.visible_to(user).in_bulk(merge.merged_ids)
    return [found[pk] for pk in merge.merged_ids if pk in found]
