"""A scheduled report is emailed, CSV attached, by the background job — through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from crm.analytics.pivot.models import ReportSchedule
from crm.analytics.pivot.services import (
    next_run_after,
    report_schedule_set,
    report_schedules_due_run,
    saved_report_create,
)
from crm.core.errors import InvalidInput

PIVOT = {"object": "opportunities", "rows": ["owner"], "measure": "count"}


def test_a_due_schedule_emails_the_csv_and_moves_on(
    world: Any, smtp_server: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    report = saved_report_create(actor=world.rep, name="My deals", definition=PIVOT)
    schedule = report_schedule_set(
        actor=world.rep, report=report, frequency="daily", recipients="boss@example.com"
    )
    assert schedule.next_run_at > timezone.now()
    assert report_schedules_due_run() == []  # not due yet
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert report_schedules_due_run() == [schedule.pk]
    assert len(smtp_server.received) == 1
    mail = smtp_server.received[0]
    assert mail.rcpt_tos == ["boss@example.com"]
    assert "My deals" in mail.message["Subject"]
    attachment = next(p for p in mail.message.iter_attachments())
    assert attachment.get_filename() == "my-deals.csv"
    text = attachment.get_content()
    text = text.decode("utf-8-sig") if isinstance(text, bytes) else text.lstrip("\ufeff")
    assert "Rita Reyes,3" in text and "Sam Soto" not in text  # computed with the owner's permissions
    schedule.refresh_from_db()
    assert schedule.last_sent_at is not None and schedule.next_run_at > timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert report_schedules_due_run() == []  # claimed once: no second email
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize(
    ("frequency", "recipients", "field"),
    [
        ("hourly", "a@example.com", "frequency"),
        ("daily", "", "recipients"),
        ("daily", "a@example.com, nope", "recipients"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_stored(
    world: Any, frequency: str, recipients: str, field: str
) -> None:
    report = saved_report_create(actor=world.rep, name="R", definition=PIVOT)
    with pytest.raises(InvalidInput) as caught:
        report_schedule_set(actor=world.rep, report=report, frequency=frequency, recipients=recipients)
    assert field in caught.value.field_errors
    assert not ReportSchedule.objects.exists()


def test_next_runs() -> None:
    tz = timezone.get_current_timezone()
    wednesday = dt.datetime(2026, 1, 7, 9, 0, tzinfo=tz)
    assert timezone.localtime(next_run_after(wednesday, "daily")).date() == dt.date(2026, 1, 8)
    assert timezone.localtime(next_run_after(wednesday, "weekly")).date() == dt.date(2026, 1, 12)
    assert timezone.localtime(
        next_run_after(dt.datetime(2026, 12, 9, tzinfo=tz), "monthly")
    ).date() == dt.date(2027, 1, 1)
