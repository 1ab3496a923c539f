from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm.sales.enums import ForecastCategory


def _localized(name: str, name_es: str) -> str:
    language = (get_language() or "en").split("-")[0]
    return name_es if language == "es" and name_es else name


class Pipeline(models.Model):
    """A sales process: ordered stages an opportunity moves through (e.g. "New business", "Renewals")."""

    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True, default="")
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self.name, self.name_es)


class Stage(models.Model):
    """One step of a pipeline: its win probability, forecast category, the fields an opportunity needs to enter
    it, and the playbook (tasks created for the owner when an opportunity enters it)."""

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True, default="")
    position = models.PositiveIntegerField(_("position"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    is_won = models.BooleanField(_("won stage"), default=False)
    is_lost = models.BooleanField(_("lost stage"), default=False)
    # names of opportunity fields that must be filled to enter the stage, e.g. ["amount", "next_step"]
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    # the playbook: [{"title": "Send the proposal", "due_in_days": 3}, …]
    playbook = models.JSONField(_("playbook tasks"), default=list, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ("pipeline_id", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "position"], name="sales_stage_position_unique"),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="sales_stage_probability_range"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self.name, self.name_es)

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost
