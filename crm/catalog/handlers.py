"""The catalog's reactions to other apps' events."""

from __future__ import annotations

from crm.catalog.events import ExchangeRatesChanged
from crm.catalog.models import Currency, ExchangeRate
from crm.core.audit.events import RecordsRestored
from crm.core.events import publish


def on_records_restored(event: RecordsRestored) -> None:
    """Exchange rates or currencies back from the recycle bin: the amounts converted with them change again
    (already after commit, so the event goes out at once)."""
    if event.object_type == ExchangeRate._meta.label_lower:
        codes = ExchangeRate.all_objects.filter(pk__in=event.object_ids).values_list(
            "currency__code", flat=True
        )
    elif event.object_type == Currency._meta.label_lower:
        codes = Currency.all_objects.filter(pk__in=event.object_ids).values_list("code", flat=True)
    else:
        return
    for code in sorted(set(codes)):
        publish(ExchangeRatesChanged(code=code))
