"""Forms for the activity pages: types and shapes only; `crm.activities.services` owns the rules.

`changes()` turns cleaned data into the service's keyword arguments; `apply_domain_errors()` shows a service's
`InvalidInput` on the right fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.activities.enums import ActivityKind, CallDirection, CallOutcome, TaskPriority
from crm.activities.richtext import body_to_text, text_to_body
from crm.core.errors import DomainError

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
BLANK = [("", "—")]

# service error key → form field
ERROR_FIELDS = {
    "duration_seconds": "duration_minutes",
    "attendee_contact_ids": None,
    "attendee_user_ids": None,
}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _dt_field(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput()
    )


def _body_field() -> forms.CharField:
    return forms.CharField(
        label=_("Details"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What happened, what was agreed…")}),
    )


class ActivityForm(forms.Form):
    """The body is edited as plain text: shown with `body_to_text`, saved as paragraphs with `text_to_body`."""

    kind: str = ""
    original_body: str = ""  # the stored HTML when editing: kept as it is when the text is left unchanged

    def clean_body(self) -> str:
        text = (self.cleaned_data.get("body") or "").replace("\r\n", "\n")
        if self.original_body and text.strip() == body_to_text(self.original_body):
            return self.original_body  # unchanged: keep the stored formatting (links, lists, emphasis)
        return text_to_body(text)

    def changes(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        data = dict(self.cleaned_data)
        if "duration_minutes" in data:
            minutes = data.pop("duration_minutes")
            data["duration_seconds"] = None if minutes is None else round(minutes * 60)
        return data


class NoteForm(ActivityForm):
    kind = ActivityKind.NOTE
    body = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("Write a note…")}),
    )


class TaskForm(ActivityForm):
    kind = ActivityKind.TASK
    subject = forms.CharField(
        label=_("Task"),
        max_length=200,
        required=True,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Send the quote")}),
    )
    due_at = _dt_field(_("Due"))
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )
    body = _body_field()


class CallForm(ActivityForm):
    kind = ActivityKind.CALL
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=CallDirection.choices, initial=CallDirection.OUTBOUND
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=BLANK + list(CallOutcome.choices),
        required=False,
        initial=CallOutcome.CONNECTED,
    )
    duration_minutes = forms.DecimalField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_digits=7, decimal_places=1
    )
    occurred_at = _dt_field(_("When"))
    body = _body_field()


class MeetingForm(ActivityForm):
    kind = ActivityKind.MEETING
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    starts_at = _dt_field(_("Starts"), required=True)
    ends_at = _dt_field(_("Ends"), required=True)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    body = _body_field()


COMPOSER_FORMS: dict[str, type[ActivityForm]] = {
    ActivityKind.NOTE: NoteForm,
    ActivityKind.TASK: TaskForm,
    ActivityKind.CALL: CallForm,
    ActivityKind.MEETING: MeetingForm,
}


def composer_form(kind: str, data: Any = None, *, prefix: str | None = None) -> ActivityForm:
    form_class = COMPOSER_FORMS.get(kind, NoteForm)
    return form_class(data, prefix=prefix)


def edit_form(activity: Any, data: Any = None) -> ActivityForm:
    """The form to edit an existing activity, pre-filled from it."""
    form_class = COMPOSER_FORMS.get(activity.kind, NoteForm)
    initial = {name: getattr(activity, name, None) for name in form_class.base_fields}
    if "duration_minutes" in form_class.base_fields and activity.duration_seconds is not None:
        initial["duration_minutes"] = round(activity.duration_seconds / 60, 1)
    initial["body"] = body_to_text(activity.body)
    form = form_class(data, initial=initial)
    form.original_body = activity.body or ""
    return form


def apply_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: each named field inline, the rest at the top."""
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for key, messages in exc.field_errors.items():
        name = ERROR_FIELDS.get(key, key)
        if name and name in form.fields:
            form.add_error(name, list(messages))
        else:
            form.add_error(None, list(messages))


class ActivityFilterForm(forms.Form):
    """The filters above the activity list (all optional; the selector validates again)."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices]
    )
    owner = forms.ChoiceField(
        label=_("Assigned to"), required=False, choices=[("", _("Anyone")), ("me", _("Me"))]
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Open and done")),
            ("open", _("Open")),
            ("done", _("Done")),
            ("overdue", _("Overdue")),
        ],
    )
    occurred_at__gte = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_at__lte = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from crm.core.identity.selectors import user_choices

        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            *[(str(pk), name) for pk, name in user_choices()],
        ]

    def params(self) -> dict[str, str]:
        """Selector parameters from the cleaned filters."""
        data = self.cleaned_data if self.is_valid() else {}
        params: dict[str, str] = {}
        if data.get("kind"):
            params["kind"] = data["kind"]
        if data.get("owner"):
            params["owner"] = data["owner"]
        state = data.get("state")
        if state == "open":
            params["is_done"] = "false"
        elif state == "done":
            params["is_done"] = "true"
        elif state == "overdue":
            params["overdue"] = "true"
        for name in ("occurred_at__gte", "occurred_at__lte"):
            if data.get(name):
                params[name] = data[name].isoformat()
        return params
