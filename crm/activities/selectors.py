"""Permission-scoped reads of activities.

Who sees an activity: whoever's permission on activities reaches its owner (assignee) — and, one record at a
time, whoever may see the account or contact it is linked to (the record's timeline shows everything logged on
it, and `activity_get` opens those too). Lists (`activity_list`) are scoped by owner only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.activities.enums import ActivityKind
from crm.activities.listing import ACTIVITY_LIST, EXTRA_PARAMS
from crm.activities.models import Activity
from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import owner_in_scope, user_can
from crm.core.listing import Page, capped_count

OBJECT_TYPE = "activities.activity"


def _flag(params: Mapping[str, Any], name: str) -> bool | None:
    raw = str(params.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise InvalidInput(field_errors={name: [_("Use true or false.")]})


def activity_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Activity]:
    qs: QuerySet[Activity] = Activity.objects.visible_to(user, action)
    if not params:
        return qs
    overdue = _flag(params, "overdue")
    rest: Any = params
    if any(k in params for k in EXTRA_PARAMS):
        if hasattr(params, "copy") and hasattr(params, "setlist"):
            rest = params.copy()  # a QueryDict keeps its lists
            for key in EXTRA_PARAMS:
                rest.pop(key, None)
        else:
            rest = {k: v for k, v in params.items() if k not in EXTRA_PARAMS}
    qs = ACTIVITY_LIST.apply(qs, rest, user=user)
    overdue_q = Q(kind=ActivityKind.TASK, is_done=False, due_at__lt=timezone.now())
    if overdue is True:
        qs = qs.filter(overdue_q)
    elif overdue is False:
        qs = qs.exclude(overdue_q)
    return qs


def _related_deferred() -> list[str]:
    """`defer()` arguments keeping only what a list shows of the joined account and contact (their name, and
    the contact's e-mail its name falls back to): whole records per row were most of the selector's time."""
    keep = {"account": {"id", "name"}, "contact": {"id", "full_name", "email"}}
    return [
        f"{relation}__{f.name}"
        for relation, names in keep.items()
        for f in Activity._meta.get_field(relation).related_model._meta.concrete_fields  # type: ignore[union-attr]
        if f.name not in names
    ]


def activity_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the activities `user` may see, filtered by `params` (see activities.listing).

    Extra parameter: `overdue=true|false`. Sorting by due date lists only activities that have one.
    """
    # the owner with a second query, not a join: see crm.contacts.selectors.LIST_PREFETCH (SQLite join order)
    qs = (
        activity_query(user=user, params=params)
        .select_related("account", "contact")
        .defer(*_related_deferred())
        .prefetch_related("owner")
    )
    spec, _descending = ACTIVITY_LIST.resolve_sort(sort)
    if spec.name == "due_at":
        qs = qs.filter(due_at__isnull=False)
    return ACTIVITY_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)


def activity_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    """(count, capped): at most 10,000 counted."""
    return capped_count(activity_query(user=user, params=params))


def activity_can(*, user: Any, activity: Activity, action: str) -> bool:
    """Whether `user` may `action` (change, delete) this activity. No query once permissions are cached."""
    return owner_in_scope(user, activity.owner_id, OBJECT_TYPE, action)


def activity_get(*, user: Any, pk: int | str, action: str = "view") -> Activity:
    """One activity; RecordNotFound when it does not exist or `user` may not see it, PermissionDenied when they
    may see it but not `action` it."""
    if not user_can(user, OBJECT_TYPE, "view"):
        raise RecordNotFound()
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    activity = (
        Activity.objects.select_related("owner", "account", "contact")
        .prefetch_related("attendee_contacts", "attendee_users")
        .filter(pk=key)
        .first()
    )
    if activity is None:
        raise RecordNotFound()
    visible = (
        owner_in_scope(user, activity.owner_id, OBJECT_TYPE, "view")
        or (activity.account_id is not None and account_exists_visible(user=user, pk=activity.account_id))
        or (activity.contact_id is not None and contact_exists_visible(user=user, pk=activity.contact_id))
    )
    if not visible:
        raise RecordNotFound()
    if action != "view" and not activity_can(user=user, activity=activity, action=action):
        raise PermissionDenied()
    return activity


def activity_for_record_query(*, object_type: str, object_id: int) -> QuerySet[Activity]:
    """Every live activity linked to one account or contact, or about one record of a higher layer (its generic
    subject, e.g. a lead); the caller checked the record is visible."""
    field = {"contacts.account": "account_id", "contacts.contact": "contact_id"}.get(object_type)
    if field is None:
        return Activity.objects.filter(subject_type=object_type, subject_id=object_id)
    return Activity.objects.filter(**{field: object_id})


def task_open_list(*, user: Any, limit: int = 10) -> list[Activity]:
    """The user's open tasks: overdue first (earliest due first), then those without a due date.

    Two index range scans on `activity_open_task_idx` (dated tasks by due date, then undated ones by id) rather
    than one `ORDER BY due_at NULLS LAST`, which SQLite can only answer by sorting every open task of the user.
    """
    base = Activity.objects.filter(owner=user, kind=ActivityKind.TASK, is_done=False).select_related(
        "account", "contact"
    )
    tasks = list(base.filter(due_at__isnull=False).order_by("due_at", "id")[:limit])
    if len(tasks) < limit:
        tasks += list(base.filter(due_at__isnull=True).order_by("id")[: limit - len(tasks)])
    return tasks


def task_open_count(*, user: Any) -> tuple[int, bool]:
    return capped_count(Activity.objects.filter(owner=user, kind=ActivityKind.TASK, is_done=False), cap=999)


def activity_open_count_for_accounts(*, user: Any, account_ids: Sequence[int]) -> int:
    """Open activities (tasks not done) the user may see on any of `account_ids` (the account page's roll-up)."""
    if not account_ids:
        return 0
    return (
        Activity.objects.visible_to(user)
        .filter(account_id__in=list(account_ids), kind=ActivityKind.TASK, is_done=False)
        .count()
    )


def activity_channel_counts(*, start: Any, end: Any) -> list[tuple[int, str, int]]:
    """Company-wide `(account_id, channel, count)` of the interactions logged on accounts in [start, end) (the
    churn model's activity features). Not scoped by a user: analytics computes over the whole base and scopes
    what it shows."""
    from django.db.models import Count

    rows = (
        Activity.objects.filter(account_id__isnull=False, occurred_at__gte=start, occurred_at__lt=end)
        .values("account_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(r["account_id"], r["channel"], r["n"]) for r in rows]


def activity_subject_counts(*, subject_type: str, subject_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Company-wide count of activities logged on records of `subject_type` (e.g. "leads.lead"), by record id:
    the lead-scoring model's activity feature."""
    from django.db.models import Count

    qs = Activity.objects.filter(subject_type=subject_type, subject_id__isnull=False)
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    rows = qs.values("subject_id").annotate(n=Count("id")).order_by()
    return {int(r["subject_id"]): int(r["n"]) for r in rows}
