"""Writes of the pivot builder: saved reports (validated definitions), their email schedules, and the scheduled
run that emails each due report as CSV."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.analytics.pivot.definition import definition_parse
from crm.analytics.pivot.enums import Frequency
from crm.analytics.pivot.models import ReportSchedule, SavedReport
from crm.core.errors import InvalidInput, PermissionDenied

logger = logging.getLogger(__name__)
MAX_RECIPIENTS = 20


def _clean(*, actor: Any, name: Any, definition: Any, team_id: Any) -> tuple[str, dict[str, Any], int | None]:
    errors: dict[str, list[str]] = {}
    text = str(name or "").strip()
    if not text:
        errors["name"] = [_("Give the report a name.")]
    elif len(text) > 120:
        errors["name"] = [_("Use at most 120 characters.")]
    team: int | None = None
    if team_id not in (None, "", 0):
        try:
            team = int(team_id)
        except (TypeError, ValueError):
            team = -1
        if team != actor.team_id and not actor.is_superuser:
            errors["team"] = [_("Share with your own team only.")]
    try:
        parsed = definition_parse(definition).as_json()
    except InvalidInput as exc:
        errors.update({f"definition.{k}": v for k, v in exc.field_errors.items()})
        parsed = {}
    if errors:
        raise InvalidInput(field_errors=errors)
    return text, parsed, team


@transaction.atomic
def saved_report_create(*, actor: Any, name: Any, definition: Any, team_id: Any = None) -> SavedReport:
    text, parsed, team = _clean(actor=actor, name=name, definition=definition, team_id=team_id)
    return SavedReport.objects.create(name=text, owner=actor, team_id=team, definition=parsed)


@transaction.atomic
def saved_report_update(
    *, actor: Any, report: SavedReport, name: Any = None, definition: Any = None, team_id: Any = ...
) -> SavedReport:
    if report.owner_id != actor.pk:
        raise PermissionDenied()
    text, parsed, team = _clean(
        actor=actor,
        name=report.name if name is None else name,
        definition=report.definition if definition is None else definition,
        team_id=report.team_id if team_id is ... else team_id,
    )
    report.name, report.definition, report.team_id = text, parsed, team
    report.save(update_fields=["name", "definition", "team", "updated_at"])
    return report


@transaction.atomic
def saved_report_delete(*, actor: Any, report: SavedReport) -> None:
    if report.owner_id != actor.pk:
        raise PermissionDenied()
    report.delete()


# --- schedules ------------------------------------------------------------------------------------------------
def next_run_after(moment: dt.datetime, frequency: str) -> dt.datetime:
    """The next run: 06:00 local time the next day, next Monday or the first of the next month."""
    local = timezone.localtime(moment)
    day = local.date()
    if frequency == Frequency.DAILY:
        day = day + dt.timedelta(days=1)
    elif frequency == Frequency.WEEKLY:
        day = day + dt.timedelta(days=7 - day.weekday())
    else:
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(6, 0)))


def _recipients(raw: Any) -> list[str]:
    items = raw.replace(";", ",").replace("\n", ",").split(",") if isinstance(raw, str) else list(raw or [])
    emails = [str(e).strip() for e in items if str(e).strip()]
    if not emails:
        raise InvalidInput(field_errors={"recipients": [_("Give at least one email address.")]})
    if len(emails) > MAX_RECIPIENTS:
        raise InvalidInput(
            field_errors={"recipients": [_("Use at most %(n)s addresses.") % {"n": MAX_RECIPIENTS}]}
        )
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                field_errors={"recipients": [_("“%(email)s” is not an email address.") % {"email": email}]}
            ) from None
    return list(dict.fromkeys(emails))


@transaction.atomic
def report_schedule_set(
    *, actor: Any, report: SavedReport, frequency: Any, recipients: Any
) -> ReportSchedule:
    """Email `report` as CSV to `recipients` every day, week or month (replaces any schedule it had)."""
    if report.owner_id != actor.pk:
        raise PermissionDenied()
    if frequency not in Frequency.values:
        raise InvalidInput(field_errors={"frequency": [_("Choose daily, weekly or monthly.")]})
    emails = _recipients(recipients)
    schedule, _created = ReportSchedule.objects.update_or_create(
        report=report,
        defaults={
            "frequency": frequency,
            "recipients": emails,
            "next_run_at": next_run_after(timezone.now(), frequency),
        },
    )
    return schedule


@transaction.atomic
def report_schedule_delete(*, actor: Any, report: SavedReport) -> None:
    if report.owner_id != actor.pk:
        raise PermissionDenied()
    ReportSchedule.objects.filter(report=report).delete()


def report_schedules_due_run(*, now: dt.datetime | None = None) -> list[int]:
    """Claim the schedules due (each on one worker only: rows locked, skipped when locked elsewhere), move each to
    its next run, and queue one email per schedule after commit."""
    from crm.analytics.pivot.tasks import report_email_send_task

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ReportSchedule.objects.select_for_update(skip_locked=True)
            .filter(next_run_at__lte=now)
            .order_by("next_run_at")[:200]
        )
        for schedule in due:
            schedule.next_run_at = next_run_after(now, schedule.frequency)
            schedule.save(update_fields=["next_run_at"])
        ids = [s.pk for s in due]
        for pk in ids:
            transaction.on_commit(partial(report_email_send_task.enqueue, schedule_id=pk))
    return ids


def report_email_send(*, schedule_id: int) -> bool:
    """Email one scheduled report, computed with its owner's permissions, the CSV attached."""
    from crm.analytics.pivot.export import csv_text
    from crm.analytics.pivot.selectors import pivot_compute

    schedule = ReportSchedule.objects.filter(pk=schedule_id).select_related("report", "report__owner").first()
    if schedule is None or not schedule.report.owner.is_active:
        return False
    report = schedule.report
    with translation_for(report.owner):
        result = pivot_compute(user=report.owner, data=report.definition)
        body = _("The report “%(name)s” is attached as CSV (%(when)s).") % {
            "name": report.name,
            "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
        subject = _("Report: %(name)s") % {"name": report.name}
        content = csv_text(result)
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=schedule.recipients
    )
    filename = f"{_slug(report.name)}.csv"
    message.attach(filename, content.encode("utf-8-sig"), "text/csv")
    message.send()
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_sent_at=timezone.now())
    return True


def translation_for(user: Any) -> Any:
    from django.utils import translation

    return translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE)


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name) or "report"
