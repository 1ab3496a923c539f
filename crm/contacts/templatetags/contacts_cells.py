"""`{% cell cell show_sub %}`: draws one list/detail value in Python.

The list page draws every cell of 50 rows; an `{% include %}` per cell cost most of the page's time, so the
same markup the `_cell.html` template described is built here with `format_html` (escaped like a template).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from crm.core.ui.templatetags.crm_ui import (
    avatar,
    badge,
    breakable,
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


@register.simple_tag
def list_rows(rows: list[tuple[Any, list[tuple[Any, Any]]]], can_bulk: bool = False) -> SafeString:
    """Every `<tr>` of a list page (one Python loop instead of a template loop per row and cell)."""
    parts: list[str] = []
    for obj, cells in rows:
        out = ["<tr>"]
        if can_bulk:
            out.append(
                format_html(
                    '<td class="col-check"><input type="checkbox" name="ids" value="{}" data-bulk-item '
                    'aria-label="{}"></td>',
                    obj.pk,
                    _("Select %(obj)s") % {"obj": obj},
                )
            )
        for i, (col, value) in enumerate(cells):
            classes = "col-primary" if i == 0 else ("num" if col.align == "end" else "")
            if value.is_empty:
                classes += " is-empty"
            label = "" if i == 0 else format_html(' data-label="{}"', col.label)
            out.append(format_html('<td class="{}"{}>{}</td>', classes.strip(), label, cell(value, True)))
        out.append("</tr>")
        parts.append("".join(out))
    return mark_safe("".join(parts))  # every part above is built with format_html
