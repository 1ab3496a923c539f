"""Which models are audited. Apps register their models in `AppConfig.ready()`."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.db import models

IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at", "deletion_batch", "deleted_at", "version"})


@dataclass(frozen=True, eq=False)
class AuditedModel:
    model: type[models.Model]
    exclude: frozenset[str] = field(default_factory=frozenset)
    highlight: frozenset[str] = field(default_factory=frozenset)  # fields worth a timeline entry

    @functools.cached_property
    def tracked(self) -> list[models.Field[object, object]]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in IGNORED_FIELDS and f.name not in self.exclude
        ]

    @functools.cached_property
    def snapshot_attnames(self) -> tuple[str, ...]:
        """The attributes a load snapshot keeps: the tracked fields and `deleted_at`."""
        return (*(f.attname for f in self.tracked), "deleted_at")


_REGISTRY: dict[type[models.Model], AuditedModel] = {}


def audit_register(
    model: type[models.Model], *, exclude: tuple[str, ...] = (), highlight: tuple[str, ...] = ()
) -> None:
    _REGISTRY[model] = AuditedModel(model=model, exclude=frozenset(exclude), highlight=frozenset(highlight))


def audited(model: type[models.Model]) -> AuditedModel | None:
    return _REGISTRY.get(model)


def audited_models() -> list[AuditedModel]:
    return list(_REGISTRY.values())
