"""HTML views of leads (thin: parse, call one service or selector, render), the funnel, and the public
web-to-lead form. The list, inline fields and bulk actions reuse the contacts app's list and record engines."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.contacts.forms import OwnerChangeForm, apply_domain_errors
from crm.contacts.views.bulk import bulk_page
from crm.contacts.views.common import active_users, domain_view, language, safe_next, url_or_none
from crm.contacts.views.lists import ListConfig, list_page
from crm.contacts.views.records import (
    RecordConfig,
    can,
    field_rows,
    form_kwargs,
    record_field,
    record_tab_active,
    record_tabs,
    resolve_references,
    save_form,
    split_empty,
)
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import ConcurrentEdit, DomainError, InvalidInput
from crm.core.identity.permissions import user_can, user_is_admin
from crm.leads import selectors, services
from crm.leads.columns import STATUS_VARIANTS, lead_columns
from crm.leads.errors import WebFormRateLimited
from crm.leads.forms import (
    ConvertForm,
    DisqualifyForm,
    FunnelForm,
    LeadForm,
    WebLeadForm,
    funnel_period_default,
)
from crm.leads.listing import LEAD_LIST
from crm.leads.scoring import score_factors_display
from crm.leads.services.webform import webform_limit
from crm.sales.selectors import pipeline_list

OBJECT_TYPE = "leads.lead"

LEADS = ListConfig(
    object_type=OBJECT_TYPE,
    spec=LEAD_LIST,
    columns=lead_columns,
    default_columns=("company", "status", "source", "score", "owner", "created_at"),
    primary_filters=("status", "source", "owner"),
    more_filters=("authority", "timeline", "company", "country", "created_at", "converted_at"),
    list_fn=selectors.lead_list,
    count_fn=selectors.lead_count,
    export_fn=selectors.lead_export_batches,
    url_name="leads:lead_list",
    create_url_name="leads:lead_create",
    bulk_url_name="leads:lead_bulk",
    title=gettext_lazy("Leads"),
    noun_plural=gettext_lazy("leads"),
    noun_singular=gettext_lazy("lead"),
    new_label=gettext_lazy("New lead"),
    search_placeholder=gettext_lazy("Search leads…"),
    empty_title=gettext_lazy("No leads yet"),
    empty_text=gettext_lazy(
        "Leads are people who may become customers. Add one, or put the web form on your site."
    ),
    csv_name="leads",
    has_tags=False,
    export_menu=False,
    header_links=(("leads:lead_funnel", "chart-bar", gettext_lazy("Funnel")),),
    empty_icon="funnel",
)

DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "job_title",
    "email",
    "phone",
    "website",
    "city",
    "region",
    "postal_code",
    "country",
    "source",
    "source_detail",
    "description",
)
BANT_FIELDS = ("budget_amount", "budget_currency", "authority", "need", "timeline")
CONSENT_FIELDS = ("email_consent", "consent_source")

RECORD = RecordConfig(
    object_type=OBJECT_TYPE,
    kwarg="lead",
    get_fn=selectors.lead_get,
    update_fn=services.lead_update,
    form_class=LeadForm,
    columns=lead_columns,
    field_keys=DETAIL_FIELDS,
    extra_field_keys=BANT_FIELDS + CONSENT_FIELDS,
    field_url_name="leads:lead_field",
    refresh_keys=("first_name", "last_name", "company", "job_title"),
)


@login_required
@require_GET
@domain_view
def lead_list(request: HttpRequest) -> HttpResponseBase:
    return list_page(request, LEADS)


@login_required
@require_POST
@domain_view
def lead_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(
        request,
        config=LEADS,
        assign=services.lead_bulk_assign_owner,
        tag=services.lead_bulk_tag,
        delete=services.lead_bulk_delete,
    )


@login_required
@domain_view
def lead_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = LeadForm(
        request.POST if request.method == "POST" else None,
        initial={"owner": user.pk},
        **form_kwargs(RECORD, user),
    )
    response = save_form(
        request,
        form,
        lambda changes: services.lead_create(actor=user, **changes),
        _("Lead “%(name)s” created."),
    )
    if response is not None:
        return response
    return render(
        request,
        "contacts/record_form.html",
        {
            "form": form,
            "title": _("New lead"),
            "cancel_url": reverse("leads:lead_list"),
            "submit_label": _("Create lead"),
        },
        status=422 if form.errors else 200,
    )


@login_required
@domain_view
def lead_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk, action="change")
    form = LeadForm(request.POST if request.method == "POST" else None, **form_kwargs(RECORD, user, lead))
    version = request.POST.get("version") or str(lead.version)
    response = save_form(
        request,
        form,
        lambda changes: services.lead_update(
            actor=user, lead=lead, expected_version=int(version) if version.isdigit() else -1, **changes
        ),
        _("Lead “%(name)s” saved."),
    )
    if response is not None:
        return response
    return render(
        request,
        "contacts/record_form.html",
        {
            "form": form,
            "record": lead,
            "version": version,
            "title": _("Edit %(name)s") % {"name": lead},
            "cancel_url": lead.get_absolute_url(),
            "submit_label": _("Save changes"),
        },
        status=422 if form.errors else 200,
    )


def _detail_context(request: HttpRequest, lead: Any) -> dict[str, Any]:
    user = request.user
    columns = lead_columns(custom_field_list(object_type=OBJECT_TYPE), language=language())
    can_change = can(user, lead, OBJECT_TYPE, "change")
    tabs = record_tabs(OBJECT_TYPE, lead.pk)

    def rows(keys: tuple[str, ...]) -> Any:
        return field_rows(RECORD, lead, columns, keys, can_edit=can_change, with_custom=False)

    return {
        "lead": lead,
        "record": lead,
        "object_type": OBJECT_TYPE,
        "status_variant": STATUS_VARIANTS.get(lead.status, "neutral"),
        "is_open": lead.is_open,
        "can_change": can_change,
        "can_delete": can(user, lead, OBJECT_TYPE, "delete"),
        **split_empty(
            field_rows(RECORD, lead, columns, DETAIL_FIELDS, can_edit=can_change, with_custom=True)
        ),
        "bant_rows": rows(BANT_FIELDS),
        "consent_rows": rows(CONSENT_FIELDS),
        "owner_form": OwnerChangeForm(users=active_users(), initial={"owner": lead.owner_id}),
        "disqualify_form": DisqualifyForm(initial={"version": lead.version}),
        "record_tabs": tabs,
        "record_tab": record_tab_active(request, tabs),
        "composer_url": url_or_none("activities:composer", OBJECT_TYPE, lead.pk),
        "list_url": reverse("leads:lead_list"),
        "stages": _stages(lead),
        "score_factors": score_factors_display(lead.score_factors or []),
    }


def _stages(lead: Any) -> list[dict[str, Any]]:
    """The path new → contacted → qualified → converted, with when each was reached."""
    return [
        {"label": _("New"), "at": lead.created_at, "done": True},
        {"label": _("Contacted"), "at": lead.contacted_at, "done": lead.contacted_at is not None},
        {"label": _("Qualified"), "at": lead.qualified_at, "done": lead.qualified_at is not None},
        {"label": _("Converted"), "at": lead.converted_at, "done": lead.converted_at is not None},
    ]


@login_required
@require_GET
@domain_view
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, pk=pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead))


@login_required
@domain_view
def lead_field(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return record_field(request, RECORD, pk, key)


@login_required
@require_POST
@domain_view
def lead_owner(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    form = OwnerChangeForm(request.POST, users=active_users())
    if not form.is_valid():
        messages.error(request, _("Choose the new owner."))
        return redirect(lead.get_absolute_url())
    try:
        owner = resolve_references(user, {"owner": form.cleaned_data["owner"]})["owner"]
        services.lead_assign_owner(actor=user, lead=lead, owner=owner, reason=form.cleaned_data["reason"])
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("%(name)s now owns this lead.") % {"name": owner})
    return redirect(lead.get_absolute_url())


@login_required
@require_POST
@domain_view
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    services.lead_delete(actor=user, lead=lead)
    messages.success(request, _("“%(name)s” moved to the recycle bin.") % {"name": lead})
    return redirect(safe_next(request, reverse("leads:lead_list")))


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version") or ""
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
@domain_view
def lead_move(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The status buttons of the record page: contacted, qualify, reopen."""
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    moves = {
        "contacted": (services.lead_mark_contacted, _("Marked as contacted.")),
        "qualify": (services.lead_qualify, _("Lead qualified.")),
        "reopen": (services.lead_reopen, _("Lead reopened.")),
    }
    if step not in moves:
        messages.error(request, _("This action does not exist."))
        return redirect(lead.get_absolute_url())
    fn, done = moves[step]
    try:
        fn(actor=user, lead=lead, expected_version=_version(request))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, done)
    return redirect(lead.get_absolute_url())


@login_required
@require_POST
@domain_view
def lead_disqualify(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk)
    form = DisqualifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the lead is disqualified."))
        return redirect(lead.get_absolute_url())
    try:
        services.lead_disqualify(
            actor=user,
            lead=lead,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data.get("version"),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("Lead disqualified."))
    return redirect(lead.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
@domain_view
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the conversion would link to (the matched account and contact) or create. POST: convert, then
    land on the account."""
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk, action="change")
    match = services.lead_conversion_match(user=user, lead=lead)
    # the opportunity option is offered to those who may open opportunities, in their language
    may_open = user_can(user, "sales.opportunity", "create")
    pipelines = [(p.pk, p.label) for p in pipeline_list(user=user)] if may_open else []
    form = ConvertForm(
        request.POST or None,
        initial={"version": lead.version, "opportunity": bool(pipelines)},
        pipelines=pipelines,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.lead_convert(
                actor=user,
                lead=lead,
                expected_version=data.get("version"),
                create_account=data["account"] == "new",
                create_contact=data["contact"] == "new",
                create_opportunity=bool(data.get("opportunity")),
                pipeline_id=data.get("pipeline"),
            )
        except ConcurrentEdit as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            apply_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("Lead converted: %(account)s and %(contact)s.")
                % {"account": result.account.name, "contact": result.contact},
            )
            if result.opportunity is not None:
                return redirect(result.opportunity.get_absolute_url())
            return redirect(reverse("contacts:account_detail", args=[result.account.pk]))
    template = "leads/convert.html#dialog" if getattr(request, "htmx", None) else "leads/convert.html"
    return render(
        request,
        template,
        {
            "lead": lead,
            "match": match,
            "form": form,
            "account_name": lead.company or lead.full_name or lead.email,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def lead_home_panel(request: HttpRequest) -> HttpResponse:
    """Home page panel: the user's open leads, newest first."""
    return render(
        request, "leads/_home_my_leads.html", {"leads": selectors.lead_open_for_owner(user=request.user)}
    )


@login_required
@require_GET
@domain_view
def lead_funnel(request: HttpRequest) -> HttpResponse:
    users = active_users()
    params = request.GET.copy()
    default_start, default_end = funnel_period_default()
    params.setdefault("start", default_start.isoformat())
    params.setdefault("end", default_end.isoformat())
    form = FunnelForm(params, users=users)
    funnel = None
    if form.is_valid():
        data = form.cleaned_data
        funnel = selectors.lead_funnel(
            user=request.user, start=data["start"], end=data["end"], owner_id=data.get("owner")
        )
    return render(
        request,
        "leads/funnel.html",
        {"form": form, "funnel": funnel},
        status=400 if form.errors else 200,
    )


# --- the public web-to-lead form ------------------------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    """The visitor's address for the rate limit. Behind a reverse proxy every request comes from the proxy:
    CRM_WEB_TO_LEAD_IP_HEADER names the header it sets (the last address of X-Forwarded-For is the one the
    proxy saw)."""
    header = getattr(settings, "CRM_WEB_TO_LEAD_IP_HEADER", "")
    if header:
        forwarded = [part.strip() for part in request.headers.get(header, "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _allowed_redirect(target: str) -> str:
    """`target` when its host is one the administrators allowed (CRM_WEB_TO_LEAD_REDIRECT_HOSTS)."""
    parts = urlsplit(target or "")
    hosts = getattr(settings, "CRM_WEB_TO_LEAD_REDIRECT_HOSTS", [])
    if parts.scheme in {"http", "https"} and parts.hostname and parts.hostname in hosts:
        return target
    return ""


@csrf_exempt  # posted from other sites (the snippet); it only ever creates a lead, rate-limited per client
@require_http_methods(["GET", "POST"])
def web_lead_form(request: HttpRequest) -> HttpResponse:
    """The hosted public form (GET) and the endpoint the embeddable snippet posts to (POST)."""
    if request.method == "GET":
        return render(request, "leads/web_form.html", {"form": WebLeadForm(initial={"page": ""})})
    try:
        services.webform_hit(client=services.webform_client_key(_client_ip(request)))
    except WebFormRateLimited as exc:
        return render(
            request, "leads/web_form.html", {"form": WebLeadForm(), "limited": exc.message}, status=429
        )
    form = WebLeadForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.web_lead_capture(data=data, page=data.get("page") or request.headers.get("Referer", ""))
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            target = _allowed_redirect(data.get("redirect") or "")
            return HttpResponseRedirect(target or reverse("leads:web_lead_thanks"))
    elif request.POST.get("homepage"):  # a bot that also got the form wrong: the same silent thank-you
        return HttpResponseRedirect(reverse("leads:web_lead_thanks"))
    return render(request, "leads/web_form.html", {"form": form}, status=422)


@require_GET
def web_lead_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "leads/web_form_thanks.html")


@login_required
@require_GET
def webform_admin(request: HttpRequest) -> HttpResponse:
    """For administrators: the hosted form's address and an HTML snippet to paste into the company's site."""
    if not user_is_admin(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied()
    action = request.build_absolute_uri(reverse("leads:web_lead_form"))
    return render(
        request,
        "leads/webform_admin.html",
        {
            "action": action,
            "form": WebLeadForm(),
            "limit": webform_limit(),
            "redirect_hosts": getattr(settings, "CRM_WEB_TO_LEAD_REDIRECT_HOSTS", []),
        },
    )
