"""The columns of the account and contact lists, shared by the table, the record page's key fields and CSV.

A `Column` knows how to read its value from a record (`get`) and what kind of value it is (`kind`); the
templates draw each kind the same way everywhere (badge, avatar, relative date, link…), and `text()` gives
the plain value for CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.contacts.enums import AccountStatus, Consent
from crm.core.customfields.enums import FieldType

STATUS_VARIANTS: dict[str, str] = {
    AccountStatus.ACTIVE: "success",
    AccountStatus.INACTIVE: "neutral",
    AccountStatus.ON_HOLD: "warning",
}
TYPE_VARIANTS: dict[str, str] = {
    "customer": "accent",
    "prospect": "info",
    "partner": "success",
    "distributor": "warning",
    "supplier": "neutral",
}
CONSENT_VARIANTS: dict[str, str] = {
    Consent.GRANTED: "success",
    Consent.WITHDRAWN: "danger",
    Consent.UNKNOWN: "neutral",
}


@dataclass(frozen=True)
class Cell:
    """One drawn value. kinds: title, text, badge, user, datetime, date, tags, email, url, phone, link, bool,
    money, number, lines, emails, phones, multiline."""

    kind: str
    value: Any
    href: str = ""
    variant: str = "neutral"
    sub: str = ""

    @property
    def is_empty(self) -> bool:
        return self.value in (None, "", [], ())


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str
    get: Callable[[Any, dict[str, Any]], Any]
    sort: str | None = None
    align: str = ""
    href: Callable[[Any], str] | None = None
    variant: Callable[[Any], str] | None = None
    editable: str | None = None  # the form field an inline edit changes (None: read-only)
    sort_first: str = "asc"
    custom: Any = field(default=None, compare=False)
    sub: Callable[[Any], str] | None = None  # a second line under the value (titles)

    @property
    def dom_key(self) -> str:
        return self.key.replace(".", "-").replace("_", "-")

    def cell(self, obj: Any, ctx: dict[str, Any]) -> Cell:
        value = self.get(obj, ctx)
        href = ""
        if self.href is not None:
            href = self.href(obj) or ""
        variant = self.variant(obj) if self.variant is not None else "neutral"
        sub = self.sub(obj) if self.sub is not None else ""
        return Cell(kind=self.kind, value=value, href=href, variant=variant, sub=sub or "")

    def text(self, obj: Any, ctx: dict[str, Any]) -> Any:
        """The value for a CSV cell: plain text, numbers stay numbers."""
        value = self.get(obj, ctx)
        if value is None:
            return ""
        if self.kind == "user":
            return str(value)
        if self.kind in {"tags", "lines", "emails", "phones"}:
            return ", ".join(str(v) for v in value)
        if self.kind == "bool":
            return _("yes") if value else _("no")
        if self.kind == "datetime" and isinstance(value, dt.datetime):
            return value.isoformat(timespec="seconds")
        if self.kind == "date" and isinstance(value, dt.date):
            return value.isoformat()
        if self.kind in {"money", "number"}:
            return value
        return str(value)


def _attr(name: str) -> Callable[[Any, dict[str, Any]], Any]:
    return lambda obj, ctx: getattr(obj, name)


def _display(name: str) -> Callable[[Any, dict[str, Any]], Any]:
    return lambda obj, ctx: getattr(obj, f"get_{name}_display")() if getattr(obj, name) else ""


def _tags(obj: Any, ctx: dict[str, Any]) -> list[str]:
    names = getattr(obj, "tag_names", None)  # list pages attach them in one query (selectors)
    return list(names) if names is not None else [t.name for t in obj.tags.all()]


def _url(value: Any) -> str:
    return str(value or "")


def custom_columns(definitions: Iterable[Any], *, language: str) -> list[Column]:
    """One column per active custom field of the object."""
    return [_custom_column(d, language=language) for d in definitions]


def _custom_column(definition: Any, *, language: str) -> Column:
    key = definition.key
    ft = definition.field_type

    def raw(obj: Any) -> Any:
        return (obj.custom or {}).get(key)

    kind = "text"
    getter: Callable[[Any, dict[str, Any]], Any] = lambda obj, ctx: raw(obj)  # noqa: E731
    href = None
    align = ""
    if ft in (FieldType.NUMBER, FieldType.MONEY):
        kind = "money" if ft == FieldType.MONEY else "number"
        align = "end"

        def getter(obj: Any, ctx: dict[str, Any]) -> Any:
            value = raw(obj)
            try:
                return Decimal(str(value)) if value is not None else None
            except InvalidOperation:
                return None
    elif ft == FieldType.DATE:
        kind = "date"

        def getter(obj: Any, ctx: dict[str, Any]) -> Any:
            value = raw(obj)
            return parse_date(value) if isinstance(value, str) else None
    elif ft == FieldType.CHOICE:

        def getter(obj: Any, ctx: dict[str, Any]) -> Any:
            value = raw(obj)
            return definition.choice_label(value, language) if value not in (None, "") else ""
    elif ft == FieldType.MULTI_CHOICE:
        kind = "tags"

        def getter(obj: Any, ctx: dict[str, Any]) -> Any:
            return [definition.choice_label(v, language) for v in raw(obj) or []]
    elif ft == FieldType.BOOLEAN:
        kind = "bool"
    elif ft == FieldType.USER:
        kind = "user"

        def getter(obj: Any, ctx: dict[str, Any]) -> Any:
            value = raw(obj)
            return ctx.get("user_names", {}).get(value) if value is not None else None
    elif ft == FieldType.URL:
        kind = "url"
        href = lambda obj: _url(raw(obj))  # noqa: E731
    return Column(
        key=f"custom.{key}",
        label=definition.label_for(language),
        kind=kind,
        get=getter,
        align=align,
        href=href,
        editable=f"custom__{key}",
        custom=definition,
    )


def _territory_name(account: Any, ctx: dict[str, Any]) -> str:
    """Lists attach `territory_name` in one query; a record page reads its one territory."""
    if account.territory_id is None:
        return ""
    name = getattr(account, "territory_name", None)
    return name if name is not None else account.territory.name


def _territory_url(account: Any) -> str:
    if account.territory_id is None:
        return ""
    return f"{reverse('contacts:account_list')}?territory={account.territory_id}"


def account_columns(definitions: Sequence[Any], *, language: str) -> list[Column]:
    builtin = [
        Column(
            "name",
            gettext_lazy("Name"),
            "title",
            _attr("name"),
            sort="name",
            href=lambda a: a.get_absolute_url(),
            editable="name",
        ),
        Column(
            "account_type",
            gettext_lazy("Type"),
            "badge",
            _display("account_type"),
            sort="account_type",
            variant=lambda a: TYPE_VARIANTS.get(a.account_type, "neutral"),
            editable="account_type",
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            "badge",
            _display("status"),
            sort="status",
            variant=lambda a: STATUS_VARIANTS.get(a.status, "neutral"),
            editable="status",
        ),
        Column(
            "industry",
            gettext_lazy("Industry"),
            "text",
            _display("industry"),
            sort="industry",
            editable="industry",
        ),
        Column("size", gettext_lazy("Size"), "text", _display("size"), editable="size"),
        Column("owner", gettext_lazy("Relationship manager"), "user", _attr("owner")),
        Column("email", gettext_lazy("Email"), "email", _attr("email"), editable="email"),
        Column("phone", gettext_lazy("Phone"), "phone", _attr("phone"), editable="phone"),
        Column(
            "website",
            gettext_lazy("Website"),
            "url",
            _attr("website"),
            href=lambda a: a.website,
            editable="website",
        ),
        Column("legal_name", gettext_lazy("Legal name"), "text", _attr("legal_name"), editable="legal_name"),
        Column("tax_id", gettext_lazy("Tax id"), "text", _attr("tax_id"), editable="tax_id"),
        Column(
            "parent",
            gettext_lazy("Parent account"),
            "link",
            lambda a, ctx: a.parent.name if a.parent else "",
            href=lambda a: a.parent.get_absolute_url() if a.parent else "",
            editable="parent",
        ),
        Column("territory", gettext_lazy("Territory"), "link", _territory_name, href=_territory_url),
        Column("tags", gettext_lazy("Tags"), "tags", _tags, editable="tags"),
        Column(
            "other_emails",
            gettext_lazy("Other emails"),
            "emails",
            _attr("other_emails"),
            editable="other_emails",
        ),
        Column(
            "other_phones",
            gettext_lazy("Other phones"),
            "phones",
            _attr("other_phones"),
            editable="other_phones",
        ),
        Column(
            "description",
            gettext_lazy("Description"),
            "multiline",
            _attr("description"),
            editable="description",
        ),
        Column(
            "created_at",
            gettext_lazy("Created"),
            "datetime",
            _attr("created_at"),
            sort="created_at",
            sort_first="desc",
        ),
        Column(
            "updated_at",
            gettext_lazy("Updated"),
            "datetime",
            _attr("updated_at"),
            sort="updated_at",
            sort_first="desc",
        ),
    ]
    return builtin + custom_columns(definitions, language=language)


def contact_columns(definitions: Sequence[Any], *, language: str) -> list[Column]:
    builtin = [
        Column(
            "name",
            gettext_lazy("Name"),
            "title",
            lambda c, ctx: str(c),
            sort="name",
            href=lambda c: c.get_absolute_url(),
            sub=lambda c: c.job_title,
        ),
        Column("first_name", gettext_lazy("First name"), "text", _attr("first_name"), editable="first_name"),
        Column("last_name", gettext_lazy("Last name"), "text", _attr("last_name"), editable="last_name"),
        Column(
            "job_title",
            gettext_lazy("Job title"),
            "text",
            _attr("job_title"),
            sort="job_title",
            editable="job_title",
        ),
        Column("department", gettext_lazy("Department"), "text", _attr("department"), editable="department"),
        Column(
            "account",
            gettext_lazy("Account"),
            "link",
            lambda c, ctx: c.primary_account.name if c.primary_account else "",
            href=lambda c: c.primary_account.get_absolute_url() if c.primary_account else "",
        ),
        Column("email", gettext_lazy("Email"), "email", _attr("email"), sort="email", editable="email"),
        Column("phone", gettext_lazy("Phone"), "phone", _attr("phone"), editable="phone"),
        Column("mobile", gettext_lazy("Mobile"), "phone", _attr("mobile"), editable="mobile"),
        Column("owner", gettext_lazy("Owner"), "user", _attr("owner")),
        Column(
            "email_consent",
            gettext_lazy("Email consent"),
            "badge",
            _display("email_consent"),
            variant=lambda c: CONSENT_VARIANTS.get(c.email_consent, "neutral"),
            editable="email_consent",
        ),
        Column(
            "do_not_call", gettext_lazy("Do not call"), "bool", _attr("do_not_call"), editable="do_not_call"
        ),
        Column(
            "consent_source",
            gettext_lazy("Consent source"),
            "text",
            _attr("consent_source"),
            editable="consent_source",
        ),
        Column(
            "language", gettext_lazy("Preferred language"), "text", _attr("language"), editable="language"
        ),
        Column("birthday", gettext_lazy("Birthday"), "date", _attr("birthday"), editable="birthday"),
        Column("tags", gettext_lazy("Tags"), "tags", _tags, editable="tags"),
        Column(
            "other_emails",
            gettext_lazy("Other emails"),
            "emails",
            _attr("other_emails"),
            editable="other_emails",
        ),
        Column(
            "other_phones",
            gettext_lazy("Other phones"),
            "phones",
            _attr("other_phones"),
            editable="other_phones",
        ),
        Column(
            "description",
            gettext_lazy("Description"),
            "multiline",
            _attr("description"),
            editable="description",
        ),
        Column(
            "created_at",
            gettext_lazy("Created"),
            "datetime",
            _attr("created_at"),
            sort="created_at",
            sort_first="desc",
        ),
        Column(
            "updated_at",
            gettext_lazy("Updated"),
            "datetime",
            _attr("updated_at"),
            sort="updated_at",
            sort_first="desc",
        ),
    ]
    return builtin + custom_columns(definitions, language=language)
