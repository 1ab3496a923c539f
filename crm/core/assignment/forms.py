"""Validation-only forms of the territory and rule screens (text → lists; the services check the rest)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.assignment.enums import AssignmentStrategy
from crm.core.assignment.models import AssignmentRule, Territory
from crm.core.assignment.registry import assignment_targets


def _split(text: str) -> list[str]:
    return [p.strip() for p in str(text or "").replace("\n", ",").replace(";", ",").split(",") if p.strip()]


class TerritoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. ES, PT."),
    )
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        help_text=_("Separated by commas, e.g. Madrid, Cataluña."),
    )
    postal_ranges = forms.CharField(
        label=_("Postal code ranges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One range per line as from-to, e.g. 28000-28999; a single code is a range of one."),
    )

    def __init__(self, *args: Any, instance: Territory | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "description": instance.description,
                "countries": ", ".join(instance.countries),
                "regions": ", ".join(instance.regions),
                "postal_ranges": "\n".join(a if a == b else f"{a}-{b}" for a, b in instance.postal_ranges),
            }
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        ranges: list[list[str]] = []
        for line in str(data["postal_ranges"] or "").splitlines():
            line = line.strip()
            if not line:
                continue
            start, sep, end = line.partition("-") if line.count("-") == 1 else (line, "", "")
            ranges.append([start.strip(), end.strip() if sep else start.strip()])
        return {
            "name": data["name"],
            "description": data["description"],
            "countries": _split(data["countries"]),
            "regions": _split(data["regions"]),
            "postal_ranges": ranges,
        }


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    object_type = forms.ChoiceField(label=_("Record type"))
    territory = forms.TypedChoiceField(label=_("Territory"), required=False, coerce=int, empty_value=None)
    industries = forms.MultipleChoiceField(
        label=_("Industries"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sizes = forms.MultipleChoiceField(label=_("Sizes"), required=False, widget=forms.CheckboxSelectMultiple)
    min_score = forms.IntegerField(
        label=_("Minimum score"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leads only: match a lead once its score (0-100) is at least this."),
    )
    strategy = forms.ChoiceField(label=_("Assign to"), choices=AssignmentStrategy.choices)
    user = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        instance: AssignmentRule | None = None,
        territories: list[tuple[int, str]],
        users: list[tuple[int, str]],
        teams: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "object_type": instance.object_type,
                "territory": instance.territory_id,
                "industries": instance.industries,
                "sizes": instance.sizes,
                "min_score": instance.min_score,
                "strategy": instance.strategy,
                "user": instance.user_id,
                "team": instance.team_id,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        targets = assignment_targets()
        industries: dict[str, Any] = {}
        sizes: dict[str, Any] = {}
        for t in targets:
            industries.update(dict(t.industries))
            sizes.update(dict(t.sizes))
        choice: Any = self.fields
        choice["object_type"].choices = [(t.key, t.label) for t in targets]
        choice["territory"].choices = [("", _("Any territory")), *territories]
        choice["industries"].choices = list(industries.items())
        choice["sizes"].choices = list(sizes.items())
        choice["user"].choices = [("", "—"), *users]
        choice["team"].choices = [("", "—"), *teams]
