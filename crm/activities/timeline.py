"""One timeline per record: everything that happened to an account or contact, newest first.

Entries come from *sources*. Each source answers "the entries of (object_type, object_id) older than this
point, newest first, at most N" using an index; `timeline_page` asks every source for `limit + 1` entries and
merges them under one keyset cursor (time, source key, id), so a page costs one query per source however long
the history is. Higher layers (orders, cases, emails) add their own sources::

    from crm.activities.timeline import timeline_source_register
    timeline_source_register("sales.order", order_timeline_entries)

where ``order_timeline_entries(*, user, object_type, object_id, before, limit)`` returns a list of
``TimelineEntry`` for which ``(at, id) < before`` (when ``before`` is not None), newest first, at most ``limit``.

Which records have a timeline, and who may see it, is answered by subject checks: `timeline_subject_register`
(accounts and contacts are built in).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from crm.activities.enums import ActivityKind, CallOutcome, Channel
from crm.activities.models import Activity
from crm.activities.richtext import body_render
from crm.activities.selectors import activity_can, activity_for_record_query
from crm.contacts.selectors import account_exists_visible, contact_exists_visible
from crm.core.audit.enums import AuditAction, Source
from crm.core.audit.registry import audited_models
from crm.core.audit.selectors import audit_entry_list
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.permissions import user_can

DEFAULT_LIMIT = 25
# Records an activity can be logged on, and the activity field that links to them.
# Higher layers add theirs with `activity_subject_register` (linked through the activity's generic subject).
COMPOSER_OBJECT_TYPES = {"contacts.account": "account_id", "contacts.contact": "contact_id"}
SUBJECT_LINK = "subject"
MAX_LIMIT = 100
_MAX_ID = 2**63 - 1

KIND_ICONS: dict[str, str] = {
    ActivityKind.NOTE: "pencil-square",
    ActivityKind.TASK: "clipboard-document-check",
    ActivityKind.CALL: "phone",
    ActivityKind.MEETING: "calendar-days",
}
AUDIT_ICONS: dict[str, str] = {
    AuditAction.CREATE: "sparkles",
    AuditAction.UPDATE: "pencil",
    AuditAction.DELETE: "trash",
    AuditAction.RESTORE: "arrow-uturn-left",
    AuditAction.PURGE: "trash",
}
AUDIT_TONES: dict[str, str] = {
    AuditAction.DELETE: "danger",
    AuditAction.PURGE: "danger",
    AuditAction.RESTORE: "success",
}
CHANNEL_ICONS: dict[str, str] = {
    Channel.UI: "computer-desktop",
    Channel.EMAIL: "envelope",
    Channel.PHONE: "phone",
    Channel.WEB_FORM: "globe-alt",
    Channel.POINT_OF_SALE: "shopping-bag",
    Channel.API: "code-bracket",
    Channel.PORTAL: "user-circle",
    Channel.IMPORT: "arrow-down-tray",
}
AUDIT_SOURCE_CHANNELS: dict[str, str] = {
    Source.UI: Channel.UI,
    Source.API: Channel.API,
    Source.IMPORT: Channel.IMPORT,
    Source.JOB: Channel.UI,
    Source.SYSTEM: Channel.UI,
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line on a timeline. `body` is sanitised HTML; `obj` is the underlying row for templates."""

    source: str
    id: int
    at: dt.datetime
    kind: str
    channel: str
    icon: str
    title: str
    body: SafeString | str = ""
    actor: Any = None
    actor_name: str = ""
    link: str = ""
    meta: str = ""
    obj: Any = None
    can_change: bool = False
    tone: str = ""  # the icon's colour: "", accent, success, warning, danger

    @property
    def sort_key(self) -> tuple[dt.datetime, str, int]:
        return (self.at, self.source, self.id)

    @property
    def channel_icon(self) -> str:
        return CHANNEL_ICONS.get(self.channel, "computer-desktop")

    @property
    def channel_label(self) -> str:
        try:
            return str(Channel(self.channel).label)
        except ValueError:
            return self.channel

    @property
    def is_task(self) -> bool:
        return self.kind == ActivityKind.TASK


@dataclass(frozen=True)
class TimelineDay:
    day: dt.date
    entries: list[TimelineEntry]

    @property
    def label(self) -> str:
        """Today / Yesterday / Tomorrow, else the weekday within a week, else empty (the date alone shows)."""
        delta = (self.day - timezone.localdate()).days
        if delta == 0:
            return _("Today")
        if delta == -1:
            return _("Yesterday")
        if delta == 1:
            return _("Tomorrow")
        if -7 < delta < 7:
            return str(formats.date_format(self.day, "l"))
        return ""


def timeline_days(entries: list[TimelineEntry]) -> list[TimelineDay]:
    """Entries grouped by local calendar day, keeping their order."""
    days: list[TimelineDay] = []
    for entry in entries:
        day = timezone.localdate(entry.at)
        if not days or days[-1].day != day:
            days.append(TimelineDay(day=day, entries=[]))
        days[-1].entries.append(entry)
    return days


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


Before = tuple[dt.datetime, int] | None
TimelineSource = Callable[..., list[TimelineEntry]]
SubjectCheck = Callable[[Any, int], bool]


@dataclass(frozen=True)
class _Registry:
    sources: dict[str, TimelineSource] = field(default_factory=dict)
    subjects: dict[str, SubjectCheck] = field(default_factory=dict)


_REGISTRY = _Registry()


def timeline_source_register(key: str, fn: TimelineSource) -> None:
    """Add (or replace) a source. `key` is part of the cursor: keep it stable (e.g. "activities", "audit")."""
    _REGISTRY.sources[key] = fn


def timeline_source_keys() -> list[str]:
    """The registered sources (each one query per timeline page)."""
    return list(_REGISTRY.sources)


def timeline_source_unregister(key: str) -> None:
    _REGISTRY.sources.pop(key, None)


def activity_subject_register(object_type: str) -> None:
    """Let activities be logged on records of `object_type` (a higher layer's, e.g. "leads.lead"): the composer
    shows on its page and its timeline lists them. The type must also have `timeline_subject_register`."""
    COMPOSER_OBJECT_TYPES[object_type] = SUBJECT_LINK


def activity_subject_types() -> frozenset[str]:
    """Object types activities may be about through their generic subject (not accounts and contacts)."""
    return frozenset(k for k, v in COMPOSER_OBJECT_TYPES.items() if v == SUBJECT_LINK)


def timeline_subject_register(object_type: str, is_visible: SubjectCheck) -> None:
    """Declare that records of `object_type` have a timeline; `is_visible(user, pk)` guards it."""
    _REGISTRY.subjects[object_type] = is_visible


def timeline_subject_check(*, user: Any, object_type: str, object_id: int | str) -> int:
    """The record's id when `user` may see its timeline; RecordNotFound otherwise (unknown types too)."""
    check = _REGISTRY.subjects.get(object_type)
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    if check is None or not check(user, pk):
        raise RecordNotFound()
    return pk


# --- cursor --------------------------------------------------------------------------------------------------
def _cursor_encode(entry: TimelineEntry) -> str:
    raw = json.dumps({"t": entry.at.isoformat(), "s": entry.source, "i": entry.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[dt.datetime, str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        at = dt.datetime.fromisoformat(str(data["t"]))
        return at, str(data["s"]), int(data["i"])
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InvalidInput(field_errors={"cursor": [_("This cursor is not valid.")]}) from None


def _before_for(source: str, cursor: tuple[dt.datetime, str, int] | None) -> Before:
    """Translate the merged cursor (time, source, id) into one source's own (time, id) bound."""
    if cursor is None:
        return None
    at, cursor_source, cursor_id = cursor
    if source == cursor_source:
        return (at, cursor_id)
    if source < cursor_source:
        return (at, _MAX_ID)  # same instant still counts as older for sources sorting after the cursor's
    return (at, 0)


def timeline_page(
    *,
    user: Any,
    object_type: str,
    object_id: int | str,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> TimelinePage:
    """One page of the record's timeline, newest first. RecordNotFound when `user` may not see the record."""
    pk = timeline_subject_check(user=user, object_type=object_type, object_id=object_id)
    size = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
    position = _cursor_decode(cursor) if cursor else None
    merged: list[TimelineEntry] = []
    for key, fn in sorted(_REGISTRY.sources.items()):
        rows = fn(
            user=user,
            object_type=object_type,
            object_id=pk,
            before=_before_for(key, position),
            limit=size + 1,
        )
        merged.extend(rows[: size + 1])
    merged.sort(key=lambda e: e.sort_key, reverse=True)
    page = merged[:size]
    next_cursor = _cursor_encode(page[-1]) if len(merged) > size else None
    return TimelinePage(entries=page, next_cursor=next_cursor)


# --- built-in source: activities -----------------------------------------------------------------------------
def duration_text(seconds: int | None) -> str:
    if not seconds:
        return ""
    minutes, secs = divmod(seconds, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s min") % {"m": minutes}
    return _("%(s)s s") % {"s": secs}


def activity_title(activity: Activity) -> str:
    if activity.subject:
        return activity.subject
    if activity.kind == ActivityKind.CALL:
        return _("Inbound call") if activity.direction == "inbound" else _("Outbound call")
    return str(ActivityKind(activity.kind).label)


def activity_meta(activity: Activity) -> str:
    """A short line of kind-specific facts: call outcome and length, meeting place, task priority."""
    parts: list[str] = []
    if activity.kind == ActivityKind.CALL:
        if activity.subject:
            parts.append(_("Inbound call") if activity.direction == "inbound" else _("Outbound call"))
        if activity.outcome:
            parts.append(str(CallOutcome(activity.outcome).label))
        if activity.duration_seconds:
            parts.append(duration_text(activity.duration_seconds))
    elif activity.kind == ActivityKind.MEETING:
        if activity.location:
            parts.append(activity.location)
    elif activity.kind == ActivityKind.TASK and activity.priority == "high":
        parts.append(_("High priority"))
    return " · ".join(parts)


def activity_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if not user_can(user, "activities.activity", "view"):
        return []  # the role denies activities: the record's timeline shows only its audit highlights
    qs = activity_for_record_query(object_type=object_type, object_id=object_id)
    if before is not None:
        at, last_id = before
        # `occurred_at <= at` is redundant but gives the index (account|contact, -occurred_at, -id) a range to
        # start from: without it the OR is only a filter and "load older" deep in a long history reads every
        # newer row first.
        qs = qs.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, id__lt=last_id), occurred_at__lte=at)
    rows = list(qs.select_related("owner", "contact").order_by("-occurred_at", "-id")[:limit])
    # meetings show their attendees: two queries per page when the page has meetings, none otherwise
    meetings = [a for a in rows if a.kind == ActivityKind.MEETING]
    if meetings:
        prefetch_related_objects(meetings, "attendee_contacts", "attendee_users")
    # one reverse() per page, not per entry (URL resolution was ~13% of building a page)
    pk_slot = "987654321"
    pattern = reverse("activities:activity_detail", args=[pk_slot])
    return [
        activity_timeline_entry(
            user=user, activity=a, object_type=object_type, link=pattern.replace(pk_slot, str(a.pk))
        )
        for a in rows
    ]


def activity_timeline_entry(
    *, user: Any, activity: Activity, object_type: str, link: str | None = None
) -> TimelineEntry:
    """How one activity shows on the timeline of a record of `object_type` (`link`: its URL, when known)."""
    meta = activity_meta(activity)
    if object_type == "contacts.account" and activity.contact_id is not None and activity.contact is not None:
        with_contact = _("with %(name)s") % {"name": activity.contact}
        meta = f"{meta} · {with_contact}" if meta else with_contact
    return TimelineEntry(
        source="activities",
        id=activity.pk,
        at=activity.occurred_at,
        kind=activity.kind,
        channel=activity.channel,
        icon=KIND_ICONS.get(activity.kind, "pencil-square"),
        title=activity_title(activity),
        body=body_render(activity.body),
        actor=activity.owner,
        actor_name=activity.owner.full_name if activity.owner_id else "",
        link=link or activity.get_absolute_url(),
        meta=meta,
        obj=activity,
        can_change=activity_can(user=user, activity=activity, action="change"),
        tone=_activity_tone(activity),
    )


def _activity_tone(activity: Activity) -> str:
    if activity.kind == ActivityKind.TASK:
        if activity.is_done:
            return "success"
        return "danger" if activity.is_overdue else "warning"
    return "accent"


# --- built-in source: audit highlights -----------------------------------------------------------------------
def _model_info(object_type: str) -> tuple[Any, frozenset[str]]:
    for spec in audited_models():
        if spec.model._meta.label_lower == object_type:
            return spec.model, spec.highlight
    return None, frozenset()


def _display(model: Any, change: dict[str, Any], which: str) -> str:
    name = str(change.get("field", ""))
    if f"{which}_repr" in change:
        value: Any = change.get(f"{which}_repr")
    else:
        value = change.get(which)
        if model is not None and not name.startswith("custom."):
            try:
                model_field = model._meta.get_field(name)
            except Exception:
                model_field = None
            choices = dict(getattr(model_field, "flatchoices", None) or [])
            if choices and not isinstance(value, list | dict) and value in choices:
                value = choices[value]
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _field_label(model: Any, name: str) -> str:
    if name.startswith("custom."):
        return name.removeprefix("custom.").replace("_", " ")
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: S110 - a field removed since the entry was written
            pass
    return name.replace("_", " ")


def _audit_title(entry: Any, model: Any, highlight: frozenset[str]) -> tuple[str, SafeString | str]:
    actor = entry.actor.full_name if entry.actor is not None else _("The system")
    noun = str(model._meta.verbose_name) if model is not None else _("record")
    if entry.action == AuditAction.CREATE:
        return _("%(actor)s created this %(object)s") % {"actor": actor, "object": noun}, ""
    if entry.action == AuditAction.DELETE:
        return _("%(actor)s moved this %(object)s to the recycle bin") % {"actor": actor, "object": noun}, ""
    if entry.action == AuditAction.RESTORE:
        return _("%(actor)s restored this %(object)s") % {"actor": actor, "object": noun}, ""
    if entry.action == AuditAction.PURGE:
        return _("%(actor)s deleted this %(object)s for good") % {"actor": actor, "object": noun}, ""
    changes = sorted(
        (c for c in (entry.changes or []) if isinstance(c, dict)),
        key=lambda c: (c.get("field") not in highlight, str(c.get("field"))),
    )
    if len(changes) == 1:
        c = changes[0]
        title = _("%(actor)s changed %(field)s: %(old)s → %(new)s") % {
            "actor": actor,
            "field": _field_label(model, str(c.get("field"))),
            "old": _display(model, c, "old"),
            "new": _display(model, c, "new"),
        }
        return title, ""
    labels = [_field_label(model, str(c.get("field"))) for c in changes]
    shown = ", ".join(labels[:3])
    if len(labels) > 3:
        title = _("%(actor)s changed %(fields)s and %(n)s more") % {
            "actor": actor,
            "fields": shown,
            "n": len(labels) - 3,
        }
    else:
        title = _("%(actor)s changed %(fields)s") % {"actor": actor, "fields": shown}
    body = format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li>{}: {} → {}</li>",
            (
                (
                    _field_label(model, str(c.get("field"))),
                    _display(model, c, "old"),
                    _display(model, c, "new"),
                )
                for c in changes
            ),
        ),
    )
    return title, body


def audit_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    model, highlight = _model_info(object_type)
    rows = audit_entry_list(object_type=object_type, object_id=object_id, before=before, limit=limit)
    entries: list[TimelineEntry] = []
    for row in rows:
        title, body = _audit_title(row, model, highlight)
        entries.append(
            TimelineEntry(
                source="audit",
                id=row.pk,
                at=row.at,
                kind=f"audit.{row.action}",
                channel=AUDIT_SOURCE_CHANNELS.get(row.source, Channel.UI),
                icon=AUDIT_ICONS.get(row.action, "pencil"),
                title=title,
                body=body,
                actor=row.actor,
                actor_name=row.actor.full_name if row.actor is not None else "",
                meta=row.reason,
                obj=row,
                tone=AUDIT_TONES.get(row.action, ""),
            )
        )
    return entries


def register_builtin_sources() -> None:
    """Called from `ActivitiesConfig.ready()`."""
    timeline_subject_register("contacts.account", lambda user, pk: account_exists_visible(user=user, pk=pk))
    timeline_subject_register("contacts.contact", lambda user, pk: contact_exists_visible(user=user, pk=pk))
    timeline_source_register("activities", activity_source)
    timeline_source_register("audit", audit_source)
