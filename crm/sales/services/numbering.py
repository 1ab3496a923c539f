"""Document numbers (quotes, orders, deliveries, invoices, credit notes, contracts).

`number_next` locks its series' row for the rest of the caller's transaction: numbers come out in order, and a
transaction that rolls back gives its number back, so a series has no gaps and no duplicates even with many
workers issuing at once. Each document's unique constraint on its number is the backstop."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from crm.sales.models import NumberSequence


def number_next(*, series: str, prefix: str, width: int = 5) -> str:
    """The next number of `series` formatted as `<prefix><zero-padded value>`, e.g. `INV-2026-00042`.

    Must run inside the transaction that stores the document carrying the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next() must run inside the transaction that uses the number")
    sequence = NumberSequence.objects.select_for_update().filter(key=series).first()
    if sequence is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=series, next_value=1)
        except IntegrityError:
            pass  # another worker created it first
        sequence = NumberSequence.objects.select_for_update().get(key=series)
    value = sequence.next_value
    NumberSequence.objects.filter(pk=sequence.pk).update(next_value=value + 1)
    return f"{prefix}{value:0{width}d}"
