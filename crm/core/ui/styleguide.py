"""The living style guide at /styleguide/: every component with sample data (and working htmx demos)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.core.ui.components import Tab
from crm.core.ui.toasts import toast


@dataclass(frozen=True)
class SamplePerson:
    pk: int
    full_name: str
    email: str

    def __str__(self) -> str:
        return self.full_name


PEOPLE = [
    SamplePerson(1, "Lucía Fernández", "lucia@example.com"),
    SamplePerson(2, "Marco Rossi", "marco@example.com"),
    SamplePerson(3, "Aisha Khan", "aisha@example.com"),
    SamplePerson(4, "Tomás Ibáñez", "tomas@example.com"),
]

STATUS_VARIANTS = {"active": "success", "prospect": "info", "on_hold": "warning", "churned": "danger"}


class SampleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Account name"), max_length=120)
    email = forms.EmailField(label=gettext_lazy("E-mail"), help_text=gettext_lazy("Used for invoices."))
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    industry = forms.ChoiceField(
        label=gettext_lazy("Industry"),
        choices=[("", "—"), ("retail", "Retail"), ("software", "Software"), ("health", "Health care")],
        required=False,
    )
    tags = forms.MultipleChoiceField(
        label=gettext_lazy("Tags"),
        choices=[("vip", "VIP"), ("partner", "Partner"), ("newsletter", "Newsletter")],
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Preferred channels"),
        choices=[("email", "E-mail"), ("phone", "Phone"), ("visit", "Visit")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    renewal = forms.DateField(label=gettext_lazy("Renewal date"), required=False)
    meeting_at = forms.DateTimeField(label=gettext_lazy("Next meeting"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    consent = forms.BooleanField(
        label=gettext_lazy("Agrees to receive marketing e-mail"),
        required=False,
        help_text=gettext_lazy("Recorded with the date and the source."),
    )


class InlinePhoneForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("Phone"), max_length=40, min_length=6)


def _rows() -> list[dict[str, Any]]:
    now = timezone.now()
    names = [
        ("Acme Iberia S.L.", "Madrid", "active", Decimal("128400.00"), "EUR", 0, dt.timedelta(hours=2)),
        ("Nordlicht GmbH", "Hamburg", "prospect", Decimal("45250.50"), "EUR", 1, dt.timedelta(days=3)),
        ("Blue Harbor Inc.", "Boston", "on_hold", Decimal("9800"), "USD", 2, dt.timedelta(days=12)),
        ("Tienda Sol y Mar", "Valencia", "active", Decimal("1234.56"), "EUR", 3, dt.timedelta(minutes=25)),
        ("Kappa Logistics", "Milano", "churned", None, "EUR", None, dt.timedelta(days=120)),
        ("Meridian Health", "London", "prospect", Decimal("310000"), "GBP", 2, dt.timedelta(days=40)),
    ]
    labels = {
        "active": _("Active"),
        "prospect": _("Prospect"),
        "on_hold": _("On hold"),
        "churned": _("Churned"),
    }
    return [
        {
            "pk": i + 1,
            "name": n,
            "city": c,
            "status": labels[s],
            "variant": STATUS_VARIANTS[s],
            "amount": a,
            "currency": cur,
            "owner": PEOPLE[o] if o is not None else None,
            "updated_at": now - ago,
        }
        for i, (n, c, s, a, cur, o, ago) in enumerate(names)
    ]


@login_required
def styleguide(request: HttpRequest) -> HttpResponse:
    form = SampleForm(
        {
            "name": "",
            "email": "not-an-email",
            "industry": "software",
            "tags": ["vip"],
            "channels": ["email"],
            "renewal": "2026-03-01",
            "notes": "Met at the Madrid fair.",
        }
        if request.GET.get("errors", "1") == "1"
        else None
    )
    form.is_valid()
    now = timezone.now()
    today = timezone.localdate()
    tab_url = lambda name: reverse("ui:styleguide_panel", args=[name])  # noqa: E731
    context = {
        "rows": _rows(),
        "people": PEOPLE,
        "form": form,
        "now": now,
        "dates": [
            now - dt.timedelta(seconds=20),
            now - dt.timedelta(minutes=7),
            now - dt.timedelta(hours=5),
            now - dt.timedelta(days=3),
            now - dt.timedelta(days=75),
            now + dt.timedelta(hours=3),
            now + dt.timedelta(days=9),
            today,
            today - dt.timedelta(days=1),
            today + dt.timedelta(days=1),
        ],
        "phone": request.session.get("styleguide_phone", "+34 912 345 678"),
        "tabs": [
            Tab("timeline", _("Timeline"), tab_url("timeline"), count=12),
            Tab("history", _("History"), tab_url("history")),
            Tab("files", _("Files"), tab_url("empty"), count=0),
        ],
        "menu_items": [
            {"label": _("Edit"), "url": "#", "icon": "pencil-square"},
            {"label": _("Duplicate"), "url": "#", "icon": "document-duplicate"},
            {"divider": True},
            {
                "label": _("Delete"),
                "url": reverse("ui:styleguide_toast"),
                "icon": "trash",
                "method": "post",
                "danger": True,
                "confirm": _("Delete this account? It stays in the recycle bin for 30 days."),
            },
        ],
        "bulk_actions": [
            {"value": "assign", "label": _("Assign owner"), "icon": "user"},
            {"value": "export", "label": _("Export"), "icon": "arrow-down-tray"},
            {
                "value": "delete",
                "label": _("Delete"),
                "icon": "trash",
                "danger": True,
                "confirm": _("Delete the selected records?"),
            },
        ],
        "variants": ["neutral", "success", "warning", "danger", "info", "accent"],
        "record_panels": [
            {
                "title": _("Contacts"),
                "url": tab_url("contacts"),
                "count": 3,
                "action_url": "#",
                "action_label": _("Add"),
            },
            {"title": _("Open tasks"), "url": tab_url("empty"), "count": 0},
        ],
    }
    return render(request, "ui/styleguide.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def styleguide_inline(request: HttpRequest, name: str) -> HttpResponse:
    """The inline-edit demo: GET ?edit=1 → form, GET → display, POST → save (kept in the session)."""
    if name != "phone":
        raise Http404
    url = reverse("ui:styleguide_inline", args=[name])
    ctx: dict[str, Any] = {"id": "sg-inline-phone", "label": _("Phone"), "edit_url": f"{url}?edit=1"}
    if request.method == "POST":
        form = InlinePhoneForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "ui/components/inline_field_form.html",
                {**ctx, "field": form["value"], "post_url": url, "cancel_url": url},
            )
        request.session["styleguide_phone"] = form.cleaned_data["value"]
        response = render(
            request, "ui/components/inline_field.html", {**ctx, "value": form.cleaned_data["value"]}
        )
        return toast(response, _("Phone saved."))
    value = request.session.get("styleguide_phone", "+34 912 345 678")
    if request.GET.get("edit"):
        form = InlinePhoneForm(initial={"value": value})
        return render(
            request,
            "ui/components/inline_field_form.html",
            {**ctx, "field": form["value"], "post_url": url, "cancel_url": url},
        )
    return render(request, "ui/components/inline_field.html", {**ctx, "value": value})


@login_required
@require_POST
def styleguide_toast(request: HttpRequest) -> HttpResponse:
    level = request.POST.get("level", "success")
    messages = {
        "success": _("Account saved."),
        "info": _("Export started; you will be notified when it is ready."),
        "warning": _("Two contacts share this e-mail address."),
        "error": _("Could not save: the record was changed by someone else."),
    }
    return toast(HttpResponse(status=204), messages.get(level, messages["info"]), level=level)


@login_required
def styleguide_panel(request: HttpRequest, name: str) -> HttpResponse:
    if name not in {"timeline", "history", "contacts", "empty"}:
        raise Http404
    now = timezone.now()
    return render(
        request,
        "ui/styleguide_fragments.html#" + name,
        {"now": now, "people": PEOPLE, "earlier": [now - dt.timedelta(hours=h) for h in (1, 26, 75, 400)]},
    )


@login_required
def styleguide_record(request: HttpRequest) -> HttpResponse:
    """A sample record page on ``ui/record_base.html``."""
    tab_url = lambda name: reverse("ui:styleguide_panel", args=[name])  # noqa: E731
    now = timezone.now()
    return render(
        request,
        "ui/styleguide_record.html",
        {
            "people": PEOPLE,
            "created": now - dt.timedelta(days=200),
            "updated": now - dt.timedelta(hours=3),
            "phone": request.session.get("styleguide_phone", "+34 912 345 678"),
            "record_tabs": [
                Tab("timeline", _("Timeline"), tab_url("timeline"), count=12),
                Tab("history", _("History"), tab_url("history")),
                Tab("files", _("Files"), tab_url("empty"), count=0),
            ],
            "record_tab": request.GET.get("tab", "timeline"),
            "record_panels": [
                {
                    "title": _("Contacts"),
                    "url": tab_url("contacts"),
                    "count": 3,
                    "action_url": "#",
                    "action_label": _("Add"),
                    "more_url": "#",
                },
                {
                    "title": _("Open tasks"),
                    "url": tab_url("empty"),
                    "count": 0,
                    "action_url": "#",
                    "action_label": _("Add"),
                },
            ],
            "menu_items": [
                {"label": _("Edit"), "url": "#", "icon": "pencil-square"},
                {"label": _("Change owner"), "url": "#", "icon": "user"},
                {"divider": True},
                {
                    "label": _("Delete"),
                    "url": reverse("ui:styleguide_toast"),
                    "icon": "trash",
                    "method": "post",
                    "danger": True,
                    "confirm": _("Delete this account? It stays in the recycle bin for 30 days."),
                },
            ],
        },
    )
