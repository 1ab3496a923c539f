"""`{% cell cell show_sub %}`: draws one list/detail value in Python.

The list page draws every cell of 50 rows; an `{% include %}` per cell cost most of the page's time, so the
same markup the `_cell.html` template described is built here with `format_html` (escaped like a template).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from crm.core.ui.templatetags.crm_ui import (
    avatar,
    badge,
    breakable,
    html_text,
    icon,
    money,
    number,
    phone,
    phone_e164,
    reldate,
)

register = template.Library()

EMPTY = mark_safe('<span class="text-subtle">—</span>')


def _links(values: list[Any], kind: str) -> SafeString:
    if kind == "emails":
        return format_html_join(", ", '<a href="mailto:{}">{}</a>', ((v, breakable(v)) for v in values))
    return format_html_join(
        ", ", '<a href="tel:{}" class="nowrap">{}</a>', ((phone_e164(v), phone(v)) for v in values)
    )


@register.simple_tag
def cell(cell: Any, show_sub: bool = False) -> SafeString | str:
    if cell.is_empty:
        return EMPTY
    kind, value = cell.kind, cell.value
    if kind == "title":
        sub = format_html('<span class="table__sub">{}</span>', cell.sub) if cell.sub and show_sub else ""
        return format_html('<a class="table__link" href="{}">{}</a>{}', cell.href, value, sub)
    if kind == "badge":
        return badge(value, cell.variant, dot=True)
    if kind == "user":
        return avatar(value, show_name=True)
    if kind in {"datetime", "date"}:
        return reldate(value)
    if kind == "tags":
        return format_html(
            '<span class="cluster cluster--tight">{}</span>',
            format_html_join("", "{}", ((badge(t),) for t in value)),
        )
    if kind == "email":
        return format_html('<a href="mailto:{}">{}</a>', value, breakable(value))
    if kind == "url":
        shown = str(value).replace("https://", "").replace("http://", "")
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', cell.href, breakable(shown)
        )
    if kind == "phone":
        return format_html('<a href="tel:{}" class="nowrap">{}</a>', phone_e164(value), phone(value))
    if kind == "link":
        return format_html('<a href="{}">{}</a>', cell.href, value)
    if kind == "bool":
        return (
            badge(_("Yes"), "warning")
            if value
            else format_html('<span class="text-subtle">{}</span>', _("No"))
        )
    if kind == "money":
        return money(value)
    if kind == "number":
        return number(value)
    if kind in {"emails", "phones"}:
        return _links(list(value), kind)
    if kind == "lines":
        return ", ".join(str(v) for v in value)
    if kind == "multiline":
        return linebreaksbr(str(value), autoescape=True)
    return str(value)


class _RowDrawer:
    """Draws list rows with plain string building: the values of a list page repeat the same few kinds 50–200
    times, so each kind is drawn by an f-string with `html.escape` (what `format_html` does, without its
    per-call overhead); the rest by `cell()`."""

    def __init__(self, columns: list[Any], ctx: dict[str, Any], can_bulk: bool) -> None:
        self.columns = columns
        self.ctx = ctx
        self.can_bulk = can_bulk
        self.select_label = _("Select %(obj)s")
        self.heads: list[tuple[str, str]] = []
        for i, col in enumerate(columns):
            classes = "col-primary" if i == 0 else ("num" if col.align == "end" else "")
            label = "" if i == 0 else f' data-label="{escape(str(col.label))}"'
            full = f'<td class="{classes}"{label}>' if classes else f"<td{label}>"
            empty = f'<td class="{(classes + " is-empty").strip()}"{label}>{EMPTY}</td>'
            self.heads.append((full, empty))

    def value(self, col: Any, obj: Any) -> tuple[bool, str]:
        """(is_empty, html) of one column of one record."""
        value = col.get(obj, self.ctx)
        if value is None or value == "" or value == [] or value == ():
            return True, ""
        kind = col.kind
        if kind == "title":
            sub = col.sub(obj) if col.sub is not None else ""
            sub_html = f'<span class="table__sub">{html_text(sub)}</span>' if sub else ""
            href = col.href(obj) if col.href is not None else ""
            return False, f'<a class="table__link" href="{html_text(href)}">{html_text(value)}</a>{sub_html}'
        if kind == "user":
            return False, str(avatar(value, show_name=True))
        if kind in {"datetime", "date"}:
            return False, str(reldate(value))
        if kind == "email":  # one line, cut with an ellipsis (the whole address on hover)
            text = html_text(value)
            return False, f'<a class="table__email" href="mailto:{text}" title="{text}">{text}</a>'
        if kind == "phone":
            return (
                False,
                f'<a href="tel:{html_text(phone_e164(value))}" class="nowrap">{html_text(phone(value))}</a>',
            )
        if kind == "link":
            href = col.href(obj) if col.href is not None else ""
            return False, f'<a href="{html_text(href)}">{html_text(value)}</a>'
        if kind == "badge":
            variant = col.variant(obj) if col.variant is not None else "neutral"
            return False, str(badge(value, variant, dot=True))
        return False, str(cell(col.cell(obj, self.ctx), True))

    def row(self, obj: Any) -> str:
        out = ["<tr>"]
        if self.can_bulk:
            label = html_text(self.select_label % {"obj": obj})
            out.append(
                f'<td class="col-check"><input type="checkbox" name="ids" value="{obj.pk}" data-bulk-item '
                f'aria-label="{label}"></td>'
            )
        for col, (full, empty) in zip(self.columns, self.heads, strict=True):
            is_empty, html = self.value(col, obj)
            out.append(empty if is_empty else f"{full}{html}</td>")
        out.append("</tr>")
        return "".join(out)


def list_rows(
    objects: list[Any], columns: list[Any], ctx: dict[str, Any], *, can_bulk: bool = False
) -> SafeString:
    """Every `<tr>` of a list page: one Python loop instead of a template loop per row and cell."""
    drawer = _RowDrawer(columns, ctx, can_bulk)
    return mark_safe("".join(drawer.row(obj) for obj in objects))  # every value above is escaped


@register.simple_tag(takes_context=True)
def people_items(
    context: template.Context, memberships: list[Any], account: Any, can_change: bool, role_choices: list[Any]
) -> SafeString:
    """The People panel's `<li>`s of an account page (each with its role form and unlink form), drawn in one
    pass: as a template loop the panel of a 20-person account was a quarter of the page's time."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(context.get("csrf_token", "")))}">'
    role_label = escape(_("Role in this account"))
    save_label = escape(_("Save role"))
    unlink_title = escape(_("Unlink"))
    primary = str(badge(_("Primary"), "accent"))
    edit_icon = icon("pencil-square", 14, "micro")
    remove_icon = icon("x-mark", 14, "micro")
    account_url = account.get_absolute_url()
    choices = [(str(value), escape(str(label))) for value, label in role_choices]
    out: list[str] = []
    for m in memberships:
        contact = m.contact
        name = escape(str(contact))
        job_title = m.job_title or contact.job_title
        role = escape(str(m.get_role_display())) if m.role else ""
        secondary = role + (" · " if m.role and job_title else "") + escape(job_title or "")
        meta: list[str] = []
        if can_change:
            role_of = escape(_("Role of %(name)s") % {"name": contact})
            options = "".join(
                f'<option value="{escape(value)}"{" selected" if value == m.role else ""}>{label}</option>'
                for value, label in choices
            )
            action = escape(reverse("contacts:membership_role", args=[m.contact_id, account.pk]))
            meta.append(
                '<details class="dropdown dropdown--end" data-dropdown>'
                f'<summary class="btn btn--ghost btn--xs" title="{role_label}">{edit_icon}'
                f'<span class="sr-only">{role_of}</span></summary>'
                '<div class="dropdown__menu popover-form">'
                f'<form method="post" action="{action}" class="form form--compact">{csrf}'
                f'<label class="field__label" for="role-{m.pk}">{role_of}</label>'
                f'<select class="select" id="role-{m.pk}" name="role">{options}</select>'
                '<div class="form-actions"><button type="submit" class="btn btn--primary btn--sm">'
                f"{save_label}</button></div></form></div></details>"
            )
        if m.is_primary:
            meta.append(primary)
        confirm = escape(_("Unlink %(name)s from this account? The contact is kept.") % {"name": contact})
        unlink = escape(_("Unlink %(name)s") % {"name": contact})
        action = escape(reverse("contacts:membership_remove", args=[m.contact_id, account.pk]))
        meta.append(
            f'<form method="post" action="{action}" data-confirm="{confirm}">{csrf}'
            f'<input type="hidden" name="next" value="{escape(account_url)}#contacts">'
            f'<button type="submit" class="btn btn--ghost btn--icon btn--xs" title="{unlink_title}">{remove_icon}'
            f'<span class="sr-only">{unlink}</span></button></form>'
        )
        out.append(
            f'<li class="list__item">{avatar(contact.full_name, size="sm")}<span class="list__text">'
            f'<a class="list__primary" href="{escape(contact.get_absolute_url())}">{name}</a>'
            f'<span class="list__secondary">{secondary}</span></span>'
            f'<span class="list__meta cluster cluster--tight">{"".join(meta)}</span></li>'
        )
    return mark_safe("".join(out))  # every value above is escaped
