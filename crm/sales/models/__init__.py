from crm.sales.models.assets import Asset
from crm.sales.models.contracts import Contract, ContractEvent, ContractLine
from crm.sales.models.cube import OpportunityCube
from crm.sales.models.forecast import ForecastMonth
from crm.sales.models.invoices import Invoice, InvoiceLine, NumberSequence, Payment
from crm.sales.models.lifecycle import DealLifecycle, DealLifecycleMonth
from crm.sales.models.opportunities import Opportunity, OpportunityContact, OpportunityLine, StageChange
from crm.sales.models.orders import Delivery, DeliveryLine, Order, OrderLine
from crm.sales.models.pipelines import Pipeline, Stage
from crm.sales.models.purchases import AccountPurchases
from crm.sales.models.quotas import Quota
from crm.sales.models.quotes import Quote, QuoteEvent, QuoteLine

__all__ = [
    "AccountPurchases",
    "Asset",
    "Contract",
    "ContractEvent",
    "ContractLine",
    "DealLifecycle",
    "DealLifecycleMonth",
    "Delivery",
    "DeliveryLine",
    "ForecastMonth",
    "Invoice",
    "InvoiceLine",
    "NumberSequence",
    "Opportunity",
    "OpportunityContact",
    "OpportunityCube",
    "OpportunityLine",
    "Order",
    "OrderLine",
    "Payment",
    "Pipeline",
    "Quota",
    "Quote",
    "QuoteEvent",
    "QuoteLine",
    "Stage",
    "StageChange",
]
