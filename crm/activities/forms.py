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

# service error key → form field (keys that are not a field of the form show at the top)
ERROR_FIELDS = {
    "duration_seconds": "duration_minutes",
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


class IdChoiceField(forms.TypedMultipleChoiceField):
    """Ids offered as a checkbox list. Any whole number passes here: the service checks that each one exists and
    may be used by the actor, and its error shows on this field."""

    def __init__(self, *, label: Any, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            coerce=int,
            required=False,
            choices=[],
            widget=forms.CheckboxSelectMultiple(),
            **kwargs,
        )

    def valid_value(self, value: Any) -> bool:
        return str(value).strip().isdigit()


class ActivityForm(forms.Form):
    """The body is edited as plain text: shown with `body_to_text`, saved as paragraphs with `text_to_body`."""

    kind: str = ""
    original_body: str = ""  # the stored HTML when editing: kept as it is when the text is left unchanged
    # fields left out of `changes()` when the user did not touch them (editing: unchanged attendees are not
    # sent again, so a deactivated colleague or a contact the editor cannot see does not block the save)
    omit_unchanged: frozenset[str] = frozenset()

    def offer_attendees(self, *, user: Any, account: Any, contact: Any, current: Any = None) -> None:
        """Fill the attendee choices (meetings only; other kinds have none)."""

    def clean_body(self) -> str:
        text = (self.cleaned_data.get("body") or "").replace("\r\n", "\n")
        if self.original_body and text.strip() == body_to_text(self.original_body):
            return self.original_body  # unchanged: keep the stored formatting (links, lists, emphasis)
        return text_to_body(text)

    def changes(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        data = dict(self.cleaned_data)
        for name in self.omit_unchanged:
            if name not in self.changed_data:
                data.pop(name, None)
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
    attendee_contact_ids = IdChoiceField(label=_("Attendees"))
    attendee_user_ids = IdChoiceField(label=_("Colleagues"))
    body = _body_field()

    def offer_attendees(self, *, user: Any, account: Any, contact: Any, current: Any = None) -> None:
        """Offer the contacts of the record's account (the record's own contact first, checked when the meeting is
        new) and the active users; an existing meeting's attendees stay offered, checked."""
        contacts = _contact_choices(user=user, account=account, contact=contact)
        users = _user_choices(user=user)
        if current is None:
            if contact is not None:
                self.initial.setdefault("attendee_contact_ids", [contact.pk])
        else:
            chosen_contacts = list(current.attendee_contacts.all())
            chosen_users = list(current.attendee_users.all())
            known = {pk for pk, _label in contacts}
            contacts += [(c.pk, str(c)) for c in chosen_contacts if c.pk not in known]
            known = {pk for pk, _label in users}
            users += [(u.pk, _inactive(u)) for u in chosen_users if u.pk not in known]
            self.initial["attendee_contact_ids"] = [c.pk for c in chosen_contacts]
            self.initial["attendee_user_ids"] = [u.pk for u in chosen_users]
        contact_field = self.fields["attendee_contact_ids"]
        user_field = self.fields["attendee_user_ids"]
        assert isinstance(contact_field, forms.ChoiceField) and isinstance(user_field, forms.ChoiceField)
        contact_field.choices = contacts
        user_field.choices = users
        if not contacts:
            contact_field.help_text = _("No contacts to invite yet: add people to the account first.")


def _contact_choices(*, user: Any, account: Any, contact: Any) -> list[tuple[int, str]]:
    """(id, label) of the record's contact and the contacts of its account the user may see."""
    from crm.contacts.selectors import account_contacts

    choices: list[tuple[int, str]] = []
    if contact is not None:
        choices.append((contact.pk, _person_label(str(contact), contact.job_title)))
    if account is not None:
        for membership in account_contacts(user=user, account=account):
            person = membership.contact
            if contact is None or person.pk != contact.pk:
                choices.append(
                    (person.pk, _person_label(str(person), membership.job_title or person.job_title))
                )
    return choices


def _user_choices(*, user: Any) -> list[tuple[int, str]]:
    from crm.core.identity.selectors import user_choices

    return [
        (pk, str(_("%(name)s (you)") % {"name": name}) if pk == user.pk else name)
        for pk, name in user_choices()
    ]


def _person_label(name: str, job_title: str) -> str:
    return f"{name} · {job_title}" if job_title else name


def _inactive(user: Any) -> str:
    name = user.full_name or user.email
    return name if user.is_active else str(_("%(name)s (inactive)") % {"name": name})


COMPOSER_FORMS: dict[str, type[ActivityForm]] = {
    ActivityKind.NOTE: NoteForm,
    ActivityKind.TASK: TaskForm,
    ActivityKind.CALL: CallForm,
    ActivityKind.MEETING: MeetingForm,
}


def composer_form(
    kind: str,
    data: Any = None,
    *,
    prefix: str | None = None,
    user: Any = None,
    object_type: str = "",
    object_id: int | None = None,
) -> ActivityForm:
    """The composer's form for `kind` on a record (an account or a contact `user` may see).

    A meeting offers as attendees the account's contacts (on a contact: that contact, checked, and the contacts of
    their primary account).
    """
    form_class = COMPOSER_FORMS.get(kind, NoteForm)
    form = form_class(data, prefix=prefix)
    if form_class is MeetingForm and user is not None and object_id is not None:
        from crm.contacts.selectors import account_get, contact_get

        if object_type == "contacts.contact":
            contact = contact_get(user=user, pk=object_id)
            account = contact.primary_account
            if account is not None and account.is_deleted:
                account = None
            form.offer_attendees(user=user, account=account, contact=contact)
        elif object_type == "contacts.account":
            form.offer_attendees(user=user, account=account_get(user=user, pk=object_id), contact=None)
    return form


def edit_form(activity: Any, data: Any = None, *, user: Any = None) -> ActivityForm:
    """The form to edit an existing activity, pre-filled from it."""
    form_class = COMPOSER_FORMS.get(activity.kind, NoteForm)
    initial = {name: getattr(activity, name, None) for name in form_class.base_fields}
    if "duration_minutes" in form_class.base_fields and activity.duration_seconds is not None:
        initial["duration_minutes"] = round(activity.duration_seconds / 60, 1)
    initial["body"] = body_to_text(activity.body)
    form = form_class(data, initial=initial)
    form.original_body = activity.body or ""
    if form_class is MeetingForm and user is not None:
        form.omit_unchanged = frozenset({"attendee_contact_ids", "attendee_user_ids"})
        form.offer_attendees(user=user, account=activity.account, contact=activity.contact, current=activity)
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
