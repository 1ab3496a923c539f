"""The widget types a dashboard is made of: a registry, their settings, and what a computed widget holds.

    widget_register(WidgetType(key="win_rate", label=_("Win rate"), compute=win_rate, settings=(...)))

`compute(*, user, filters, settings) -> WidgetResult` reads only through the owning apps' selectors, which
scope every row by what `user` may see; every figure and every chart mark carries the URL of the list of the
records behind it (that list applies the same permission)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.core.errors import InvalidInput


@dataclass(frozen=True)
class Setting:
    """One per-widget setting: kind "bool", "int" (min..max) or "choice"."""

    name: str
    kind: str
    default: Any
    label: str | Promise = ""
    choices: tuple[str, ...] = ()
    min: int = 0
    max: int = 0


@dataclass(frozen=True)
class Kpi:
    label: str
    value: float | int | None  # the raw figure (API, CLI, tests)
    display: str  # in the user's locale
    url: str = ""  # the records behind it
    hint: str = ""


@dataclass
class WidgetResult:
    key: str
    label: str
    figures: dict[str, Any] = field(default_factory=dict)  # JSON-safe: the API and CLI answer
    kpis: list[Kpi] = field(default_factory=list)
    chart: SafeString | None = None
    note: str = ""  # definitions, the currency, what a bar means
    empty: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) under the chart
    error: str = ""  # the data could not be computed (e.g. an exchange rate is missing): say why

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "figures": self.figures,
            "kpis": [
                {"label": k.label, "value": k.value, "display": k.display, "url": k.url} for k in self.kpis
            ],
            "note": self.note,
            "empty": self.empty,
            "error": self.error,
        }


Compute = Callable[..., WidgetResult]


@dataclass(frozen=True)
class WidgetType:
    key: str
    label: str | Promise
    description: str | Promise
    compute: Compute
    settings: tuple[Setting, ...] = ()
    wide: bool = False

    def settings_clean(self, raw: Mapping[str, Any] | None, *, field: str = "settings") -> dict[str, Any]:
        """Validated settings with defaults filled in; InvalidInput names `field.name` for a bad one."""
        raw = raw or {}
        if not isinstance(raw, Mapping):
            raise InvalidInput(field_errors={field: [_("Settings must be an object.")]})
        known = {s.name: s for s in self.settings}
        errors: dict[str, list[str]] = {}
        out: dict[str, Any] = {}
        for name in raw:
            if name not in known:
                errors[f"{field}.{name}"] = [_("Unknown setting “%(name)s”.") % {"name": name}]
        for spec in self.settings:
            value = raw.get(spec.name, spec.default)
            key = f"{field}.{spec.name}"
            if spec.kind == "bool":
                if not isinstance(value, bool):
                    errors[key] = [_("Use true or false.")]
            elif spec.kind == "int":
                if isinstance(value, bool) or not isinstance(value, int) or not spec.min <= value <= spec.max:
                    errors[key] = [
                        _("Enter a whole number from %(min)s to %(max)s.")
                        % {"min": spec.min, "max": spec.max}
                    ]
            elif spec.kind == "choice" and value not in spec.choices:
                errors[key] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(spec.choices)}]
            out[spec.name] = value
        if errors:
            raise InvalidInput(field_errors=errors)
        return out


_WIDGETS: dict[str, WidgetType] = {}


def widget_register(widget: WidgetType) -> None:
    _WIDGETS[widget.key] = widget


def widget_type_get(key: str, *, field: str = "key") -> WidgetType:
    found = _WIDGETS.get(str(key))
    if found is None:
        raise InvalidInput(field_errors={field: [_("Unknown widget “%(key)s”.") % {"key": key}]})
    return found


def widget_types() -> list[WidgetType]:
    return list(_WIDGETS.values())


CHOICE_LABELS = {
    "amount": gettext_lazy("Amount"),
    "count": gettext_lazy("Number of deals"),
    "month": gettext_lazy("By month"),
    "owner": gettext_lazy("By owner"),
}
MINE = Setting(name="mine", kind="bool", default=False, label=gettext_lazy("Only my records"))
