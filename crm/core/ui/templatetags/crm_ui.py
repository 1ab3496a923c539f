"""The design system's template tags: ``{% load crm_ui %}``.

Formatting (active language): ``money``, ``number``, ``percent``, ``reldate``.
Components: ``badge``, ``avatar``, ``initials``, ``icon``, ``sort_th``, ``field``.
Links: ``qs_replace``. Contact data: ``phone``, ``phone_e164``, ``breakable``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import zlib
from html import escape
from typing import Any

import phonenumbers
from django import forms, template
from django.forms.widgets import DateTimeBaseInput
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from crm.core.ui import formats

register = template.Library()

BADGE_VARIANTS = frozenset({"neutral", "success", "warning", "danger", "info", "accent"})
AVATAR_SIZES = frozenset({"xs", "sm", "md", "lg"})
AVATAR_COLOURS = 8


# --- formatting -------------------------------------------------------------------------------------------


@register.simple_tag
def money(value: Any, currency: str | None = None) -> str:
    """``{% money deal.amount deal.currency %}`` → "€1,234.56" (en) / "1.234,56 €" (es)."""
    return formats.format_money(value, currency)


@register.simple_tag
def number(value: Any, decimals: int | None = None) -> str:
    """``{% number count %}`` → "12,345" (en) / "12.345" (es)."""
    return formats.format_number(value, decimals)


@register.simple_tag
def percent(value: Any, decimals: int = 0, scale: int = 1) -> str:
    """``{% percent 0.256 %}`` → "26%" (en) / "26 %" (es); the value is a ratio (``scale=100`` for 0–100)."""
    if scale != 1 and value not in (None, ""):
        ratio = formats._decimal(value)
        value = None if ratio is None else ratio / scale
    return formats.format_percent(value, decimals)


@register.simple_tag
def reldate(value: Any) -> SafeString | str:
    """``{% reldate account.updated_at %}`` → ``<time datetime="…" title="exact">3 days ago</time>``.

    Accepts datetimes (relative to now) and dates (today / yesterday / "3 days ago" / "1 week from now").
    """
    if not isinstance(value, dt.date):
        return formats.EMPTY
    exact, relative = escape(formats.format_exact(value)), escape(formats.format_relative(value))
    return mark_safe(
        f'<time class="reldate" datetime="{value.isoformat()}" title="{exact}">{relative}</time>'
    )


def html_text(value: Any) -> str:
    """What `{{ value }}` draws, for markup built in Python: escaped text, or safe HTML as it is."""
    markup = getattr(value, "__html__", None)
    return markup() if markup is not None else escape(str(value))


# --- people ------------------------------------------------------------------------------------------------


@register.simple_tag
def initials(user: Any) -> str:
    """``{% initials request.user %}`` → "UT"."""
    return formats.initials_for(user)


def _avatar_colour(user: Any) -> int:
    key = str(getattr(user, "pk", None) or getattr(user, "email", None) or user)
    return zlib.crc32(key.encode()) % AVATAR_COLOURS + 1


def _display_name(user: Any) -> str:
    if user is None:
        return ""
    if isinstance(user, str):
        return user
    return str(getattr(user, "full_name", "") or getattr(user, "email", "") or user)


@register.simple_tag
def avatar(user: Any, size: str = "sm", show_name: bool = False, empty: str = "") -> SafeString:
    """``{% avatar account.owner %}`` → a round badge with initials (colour stable per user).

    ``size``: xs | sm | md | lg. ``show_name=True`` adds the name beside it (for owner columns).
    ``user`` may be None: renders ``empty`` (e.g. ``empty=_("Unassigned")``) or "—".
    """
    if user is None or user == "":
        if show_name:
            return format_html('<span class="text-subtle">{}</span>', empty or formats.EMPTY)
        return mark_safe("")
    size = size if size in AVATAR_SIZES else "sm"
    return _avatar_html(
        size, _avatar_colour(user), _display_name(user), formats.initials_for(user), show_name
    )


@functools.lru_cache(maxsize=2048)
def _avatar_html(size: str, colour: int, name: str, initials: str, show_name: bool) -> SafeString:
    """The avatar markup, a pure function of what it shows (lists and timelines repeat the same few owners)."""
    bubble = format_html(
        '<span class="avatar avatar--{} avatar--c{}" title="{}" aria-hidden="{}">{}</span>',
        size,
        colour,
        name,
        "true" if show_name else "false",
        initials,
    )
    if not show_name:
        return format_html('<span class="avatar-wrap" role="img" aria-label="{}">{}</span>', name, bubble)
    return format_html('<span class="person">{}<span class="person__name">{}</span></span>', bubble, name)


# --- badges and icons -----------------------------------------------------------------------------------


@register.simple_tag
def badge(label: Any, variant: str = "neutral", dot: bool = False) -> SafeString:
    """``{% badge account.get_status_display "success" %}``.

    Variants: neutral, success, warning, danger, info, accent. ``dot=True`` adds a coloured dot.
    """
    variant = variant if variant in BADGE_VARIANTS else "neutral"
    if dot:
        return format_html(
            '<span class="badge badge--{}"><span class="badge__dot" aria-hidden="true"></span>{}</span>',
            variant,
            label,
        )
    return format_html('<span class="badge badge--{}">{}</span>', variant, label)


@register.simple_tag
def icon(name: str, size: int = 18, variant: str = "outline", css_class: str = "") -> SafeString:
    """``{% icon "user-group" %}``: a decorative heroicon (aria-hidden). variant: outline | mini | micro | solid."""
    return _icon(name, size, variant, css_class)


@functools.lru_cache(maxsize=512)
def _icon(name: str, size: int, variant: str, css_class: str) -> SafeString:
    import heroicons

    style = variant if variant in {"outline", "mini", "micro", "solid"} else "outline"
    attrs: dict[str, object] = {
        "aria-hidden": "true",
        "focusable": "false",
        "class": ("icon " + css_class).strip(),
    }
    try:
        return mark_safe(heroicons._render_icon(style, name, size, attrs))
    except heroicons.IconDoesNotExist:
        return mark_safe("")


# --- links ----------------------------------------------------------------------------------------------


def _query_with(query: QueryDict, changes: dict[str, Any]) -> str:
    params = query.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        elif isinstance(value, list | tuple):
            params.setlist(key, [str(v) for v in value])
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def qs_replace(context: template.Context, *args: Any, **kwargs: Any) -> str:
    """The current querystring with keys changed: ``{% qs_replace "sort" "-name" %}`` or
    ``{% qs_replace status="open" cursor=None %}`` (None or "" removes the key). Returns "?…"."""
    if len(args) % 2:
        raise template.TemplateSyntaxError("qs_replace takes key/value pairs")
    changes = dict(zip(args[::2], args[1::2], strict=True))
    changes.update(kwargs)
    request = context.get("request")
    query = request.GET if request is not None else QueryDict()
    return _query_with(query, changes)


@register.simple_tag(takes_context=True)
def sort_th(
    context: template.Context,
    field: str,
    label: Any,
    align: str = "",
    current: str | None = None,
    param: str = "sort",
    first: str = "asc",
    cursor_param: str = "cursor",
) -> SafeString:
    """A sortable column header: ``{% sort_th "name" _("Name") %}``.

    Reads the current sort from ``?sort=`` (``name`` ascending, ``-name`` descending) unless ``current`` is
    given (pass the view's effective default). Clicking toggles direction and drops the keyset cursor.
    ``first="desc"`` makes the first click sort descending (dates, amounts). ``align="end"`` for numbers.
    """
    request = context.get("request")
    query = request.GET if request is not None else QueryDict()
    active = current if current is not None else query.get(param, "")
    if active == field:
        direction, target = "ascending", f"-{field}"
    elif active == f"-{field}":
        direction, target = "descending", field
    else:
        direction, target = "", (f"-{field}" if first == "desc" else field)
    href = _query_with(query, {param: target, cursor_param: None})
    arrow_name = {"ascending": "arrow-up", "descending": "arrow-down"}.get(direction, "chevron-up-down")
    classes = "th-sort" + (" is-sorted" if direction else "") + (" num" if align == "end" else "")
    return format_html(
        '<th scope="col" class="{}"{}><a href="{}">{}{}</a></th>',
        classes,
        format_html(' aria-sort="{}"', direction) if direction else "",
        href,
        label,
        icon(arrow_name, 14, "micro", "th-sort__icon"),
    )


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ request.GET|get_item:"cursor" }}`` / ``{{ totals|get_item:currency }}``: a dict (or QueryDict) lookup."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def phone(value: Any) -> str:
    """``{{ contact.phone|phone }}``: "+34912345678" → "+34 912 34 56 78" (international format).

    Text that is not a valid international number is shown as it is.
    """
    if value is None:
        return ""
    return _phone_formats(str(value).strip())[0] or str(value)


@register.filter
def phone_e164(value: Any) -> str:
    """``<a href="tel:{{ contact.phone|phone_e164 }}">``: the number in E.164 ("+34912345678") for links."""
    return _phone_formats(str(value or "").strip())[1] or "".join(str(value or "").split())


@functools.lru_cache(maxsize=4096)
def _phone_formats(text: str) -> tuple[str, str]:
    """(international, E.164) of a phone number, or ("", "") when it is not one; once per number per process."""
    number = _parse_phone(text)
    if number is None:
        return "", ""
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


@functools.lru_cache(maxsize=4096)
def _parse_phone(text: str) -> phonenumbers.PhoneNumber | None:
    """Parsing is the slow part of drawing a phone number; a list page shows each number twice."""
    if not text.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


_SOFT_BREAK = re.compile(r"(?<=@)|(?<=/)(?!/)|(?=[.?&#])")


@register.filter
def breakable(value: Any) -> SafeString:
    """``{{ account.email|breakable }}``: long e-mails and URLs may wrap after "@" / "/" and before "." (``<wbr>``)
    instead of in the middle of a word."""
    parts = _SOFT_BREAK.split(str(value or ""))
    return mark_safe("<wbr>".join(escape(p) for p in parts if p))


# --- forms ----------------------------------------------------------------------------------------------

_FIELDSET_WIDGETS = {"checkboxselectmultiple", "radioselect"}


def _native_widget(bound: forms.BoundField) -> forms.Widget | None:
    """Date and datetime text inputs become native pickers, with ISO values the browser understands."""
    widget = bound.field.widget
    if not isinstance(widget, DateTimeBaseInput) or widget.input_type != "text":
        return None
    if isinstance(widget, forms.DateTimeInput):
        input_type, fmt = "datetime-local", "%Y-%m-%dT%H:%M"
    elif isinstance(widget, forms.DateInput):
        input_type, fmt = "date", "%Y-%m-%d"
    elif isinstance(widget, forms.TimeInput):
        input_type, fmt = "time", "%H:%M"
    else:
        return None
    native = copy.copy(widget)
    native.input_type = input_type
    native.format = fmt
    native.attrs = dict(widget.attrs)
    return native


def _control_class(widget_type: str) -> str:
    if widget_type in {"select", "selectmultiple", "nullbooleanselect"}:
        return "select"
    if widget_type == "textarea":
        return "textarea"
    if widget_type in {"checkbox", "checkboxselectmultiple", "radioselect"}:
        return ""
    return "input"


@register.inclusion_tag("ui/components/field.html")
def field(
    bound: forms.BoundField,
    label: Any = None,
    help_text: Any = None,
    hide_label: bool = False,
    css_class: str = "",
    placeholder: str = "",
    autofocus: bool = False,
) -> dict[str, Any]:
    """Render any bound field: label, control, help text, inline error, wired with aria-describedby.

    ``{% field form.name %}`` · ``{% field form.notes label=_("Internal notes") css_class="span-2" %}``
    """
    widget_type = bound.widget_type
    if widget_type == "checkbox":
        kind = "checkbox"
    elif widget_type in _FIELDSET_WIDGETS:
        kind = "fieldset"
    elif bound.is_hidden:
        kind = "hidden"
    else:
        kind = "input"
    auto_id = bound.auto_id or f"id_{bound.html_name}"
    help_text = bound.help_text if help_text is None else help_text
    help_id = f"{auto_id}_helptext" if help_text else ""
    error_id = f"{auto_id}_error" if bound.errors else ""
    described_by = " ".join(x for x in (error_id, help_id) if x)
    attrs: dict[str, Any] = {}
    control_class = _control_class(widget_type)
    existing_class = bound.field.widget.attrs.get("class", "")
    if control_class:
        attrs["class"] = f"{control_class} {existing_class}".strip()
    if described_by and kind != "fieldset":
        attrs["aria-describedby"] = described_by
    if placeholder:
        attrs["placeholder"] = placeholder
    if autofocus:
        attrs["autofocus"] = True
    widget_html = bound.as_widget(widget=_native_widget(bound), attrs=attrs)
    return {
        "bound": bound,
        "kind": kind,
        "widget_type": widget_type,
        "id": auto_id,
        "label": bound.label if label is None else label,
        "hide_label": hide_label,
        "help_text": help_text,
        "help_id": help_id,
        "errors": bound.errors,
        "error_id": error_id,
        "described_by": described_by,
        "required": bound.field.required and kind != "checkbox",
        "widget": widget_html,
        "css_class": css_class,
    }
