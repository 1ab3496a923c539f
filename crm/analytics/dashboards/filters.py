"""The filters every widget of a dashboard obeys, from the query string: the period (a preset, a year/quarter/
month code, or a custom `from`/`to` range), a team, an owner (an id or `me`) and a pipeline.

A bad value raises InvalidInput naming the parameter; an unknown parameter is refused the same way, so a typo
never silently shows unfiltered figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.core.errors import InvalidInput
from crm.sales.selectors.periods import Period, id_parse, period_parse, quarter_key

PRESETS = {
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_quarter": gettext_lazy("This quarter"),
    "last_quarter": gettext_lazy("Last quarter"),
    "this_year": gettext_lazy("This year"),
    "last_year": gettext_lazy("Last year"),
    "last_12_months": gettext_lazy("Last 12 months"),
}
DEFAULT_PRESET = "this_quarter"
PARAMS = ("period", "from", "to", "team", "owner", "pipeline")
MAX_RANGE_DAYS = 3660


@dataclass(frozen=True)
class DashboardFilters:
    period: Period  # start (first day) .. end (the day after the last)
    preset: str = ""  # the preset chosen, or "" for a code / custom range
    team_id: int | None = None
    owner_id: int | None = None
    pipeline_id: int | None = None

    @property
    def month_period(self) -> Period:
        """The period widened to whole months (the forecast, quotas and the lifecycle summary are monthly)."""
        start = self.period.start.replace(day=1)
        last = self.period.last_day
        end = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
        return Period(code=self.period.code, start=start, end=end)

    def query(self) -> dict[str, str]:
        """The query string that reproduces these filters (links keep them)."""
        out: dict[str, str] = {}
        if self.preset:
            out["period"] = self.preset
        elif self.period.code != "custom":
            out["period"] = self.period.code
        else:
            out["from"] = self.period.start.isoformat()
            out["to"] = self.period.last_day.isoformat()
        for name, value in (("team", self.team_id), ("owner", self.owner_id), ("pipeline", self.pipeline_id)):
            if value is not None:
                out[name] = str(value)
        return out


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_period(preset: str, *, today: dt.date) -> Period:
    month = today.replace(day=1)
    if preset == "this_month":
        return Period(code=preset, start=month, end=_next_month(month))
    if preset == "last_month":
        return Period(code=preset, start=_months_back(month, 1), end=month)
    quarter = period_parse(value=quarter_key(today))
    if preset == "this_quarter":
        return Period(code=preset, start=quarter.start, end=quarter.end)
    if preset == "last_quarter":
        return Period(code=preset, start=_months_back(quarter.start, 3), end=quarter.start)
    if preset == "this_year":
        return Period(code=preset, start=dt.date(today.year, 1, 1), end=dt.date(today.year + 1, 1, 1))
    if preset == "last_year":
        return Period(code=preset, start=dt.date(today.year - 1, 1, 1), end=dt.date(today.year, 1, 1))
    return Period(code=preset, start=_months_back(month, 11), end=_next_month(month))  # last_12_months


def _date(params: Mapping[str, Any], name: str) -> dt.date:
    text = str(params.get(name) or "").strip()
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(field_errors={name: [_("Enter a date as YYYY-MM-DD.")]})
    return value


def dashboard_filters_parse(
    *, user: Any, params: Mapping[str, Any], today: dt.date | None = None, strict: bool = True
) -> DashboardFilters:
    """The query string → filters. `strict` refuses parameters it does not know (naming them)."""
    today = today or timezone.localdate()
    if strict:
        unknown = [k for k in params if k not in PARAMS]
        if unknown:
            raise InvalidInput(
                field_errors={k: [_("Unknown filter “%(name)s”.") % {"name": k}] for k in unknown}
            )
    raw = str(params.get("period") or "").strip()
    has_range = bool(params.get("from") or params.get("to"))
    preset = ""
    if raw == "custom" or (has_range and not raw):
        start, last = _date(params, "from"), _date(params, "to")
        if last < start:
            raise InvalidInput(field_errors={"to": [_("The end of the range comes before its start.")]})
        if (last - start).days > MAX_RANGE_DAYS:
            raise InvalidInput(field_errors={"to": [_("Choose a range of at most ten years.")]})
        period = Period(code="custom", start=start, end=last + dt.timedelta(days=1))
    elif not raw or raw in PRESETS:
        preset = raw or DEFAULT_PRESET
        period = preset_period(preset, today=today)
    else:
        try:
            period = period_parse(value=raw)
        except InvalidInput:
            raise InvalidInput(
                field_errors={
                    "period": [
                        _(
                            "Choose a preset (%(presets)s), a year (2026), a quarter (2026-Q2) or a month (2026-05)."
                        )
                        % {"presets": ", ".join(PRESETS)}
                    ]
                }
            ) from None
    return DashboardFilters(
        period=period,
        preset=preset,
        team_id=id_parse(value=params.get("team"), field="team"),
        owner_id=id_parse(value=params.get("owner"), field="owner", me=getattr(user, "pk", None)),
        pipeline_id=id_parse(value=params.get("pipeline"), field="pipeline"),
    )
