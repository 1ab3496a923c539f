"""How account and contact lists filter, sort and search (shared by the web UI and the API)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import AccountStatus, AccountType, CompanySize, Consent, Industry
from crm.contacts.models import Account, Contact
from crm.core.assignment.selectors import territory_choices
from crm.core.customfields.selectors import custom_field_infos
from crm.core.listing import FilterField, ListSpec, SortField


def _account_tag_q(values: list[str]) -> Q:
    through = Account.tags.through
    ids = through.objects.filter(tag__name__in=values).values("account_id")
    return Q(pk__in=ids)


def _contact_tag_q(values: list[str]) -> Q:
    through = Contact.tags.through
    ids = through.objects.filter(tag__name__in=values).values("contact_id")
    return Q(pk__in=ids)


def _contact_account_q(values: list[str]) -> Q:
    from crm.contacts.models import ContactAccount

    ids = [int(v) for v in values if v.isdigit()]
    if len(ids) != len(values):
        raise ValueError(_("Enter a whole number."))
    return Q(pk__in=ContactAccount.objects.filter(account_id__in=ids).values("contact_id"))


ACCOUNT_LIST = ListSpec(
    object_type="contacts.account",
    filters=(
        FilterField("account_type", "account_type", "choice", _("Type"), tuple(AccountType.choices)),
        FilterField("status", "status", "choice", _("Status"), tuple(AccountStatus.choices)),
        FilterField("industry", "industry", "choice", _("Industry"), tuple(Industry.choices)),
        FilterField("size", "size", "choice", _("Size"), tuple(CompanySize.choices)),
        FilterField("owner", "owner", "user", _("Relationship manager")),
        FilterField("parent", "parent", "fk", _("Parent account")),
        FilterField("territory", "territory", "fk", _("Territory"), options=territory_choices),
        FilterField("name", "name", "text", _("Name")),
        FilterField("email", "email", "text", _("Email")),
        FilterField("tax_id", "tax_id", "text", _("Tax id")),
        FilterField("tag", "tags", "tag", _("Tag"), tag_q=_account_tag_q),
        FilterField("created_at", "created_at", "datetime", _("Created")),
        FilterField("updated_at", "updated_at", "datetime", _("Updated")),
    ),
    sorts=(
        SortField("name", "name", _("Name")),
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
        SortField("account_type", "account_type", _("Type")),
        SortField("status", "status", _("Status")),
        SortField("industry", "industry", _("Industry")),
    ),
    default_sort="name",
    search_paths=("name", "email", "tax_id", "website"),
    custom_fields=lambda: custom_field_infos(object_type="contacts.account"),
)

CONTACT_LIST = ListSpec(
    object_type="contacts.contact",
    filters=(
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "primary_account", "fk", _("Account")),
        FilterField(
            "territory", "primary_account__territory", "fk", _("Territory"), options=territory_choices
        ),
        FilterField("email_consent", "email_consent", "choice", _("Email consent"), tuple(Consent.choices)),
        FilterField("do_not_call", "do_not_call", "bool", _("Do not call")),
        FilterField("name", "full_name", "text", _("Name")),
        FilterField("email", "email", "text", _("Email")),
        FilterField("job_title", "job_title", "text", _("Job title")),
        FilterField("tag", "tags", "tag", _("Tag"), tag_q=_contact_tag_q),
        FilterField("created_at", "created_at", "datetime", _("Created")),
        FilterField("updated_at", "updated_at", "datetime", _("Updated")),
    ),
    sorts=(
        SortField("name", "full_name", _("Name")),
        SortField("email", "email", _("Email")),
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
        SortField("job_title", "job_title", _("Job title")),
    ),
    default_sort="name",
    search_paths=("full_name", "email", "phone", "mobile"),
    custom_fields=lambda: custom_field_infos(object_type="contacts.contact"),
)
