from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpportunityOpened:
    opportunity_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OpportunityStageChanged:
    opportunity_id: int
    from_stage_id: int | None
    to_stage_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OpportunityWon:
    opportunity_id: int
    actor_id: int | None


@dataclass(frozen=True)
class OpportunityLost:
    opportunity_id: int
    reason: str
    actor_id: int | None


# --- the documents of the cycle: published on commit by their services; the lifecycle measurement, the timeline
# and later layers (service, analytics, automation) listen to them ---


@dataclass(frozen=True)
class QuoteSent:
    quote_id: int
    opportunity_id: int | None
    actor_id: int | None


@dataclass(frozen=True)
class QuoteAccepted:
    quote_id: int
    opportunity_id: int | None


@dataclass(frozen=True)
class QuoteDeclined:
    quote_id: int
    opportunity_id: int | None


@dataclass(frozen=True)
class OrderPlaced:
    order_id: int
    opportunity_id: int | None
    quote_id: int | None
    actor_id: int | None


@dataclass(frozen=True)
class DeliveryShipped:
    delivery_id: int
    order_id: int
    actor_id: int | None


@dataclass(frozen=True)
class DeliveryDelivered:
    delivery_id: int
    order_id: int
    is_order_complete: bool
    actor_id: int | None


@dataclass(frozen=True)
class InvoiceIssued:
    invoice_id: int
    order_id: int | None
    actor_id: int | None


@dataclass(frozen=True)
class PaymentReceived:
    payment_id: int
    invoice_id: int
    is_invoice_paid: bool
    actor_id: int | None


@dataclass(frozen=True)
class ContractRenewalOpened:
    contract_id: int
    opportunity_id: int
