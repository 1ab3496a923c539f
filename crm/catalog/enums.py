from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    SUBSCRIPTION = "subscription", _("Subscription")


class Unit(models.TextChoices):
    """The unit a product is sold and priced in (the price is per unit)."""

    UNIT = "unit", _("Unit")
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    KILOGRAM = "kg", _("Kilogram")
    METRE = "m", _("Metre")
    LITRE = "l", _("Litre")
    LICENCE = "licence", _("Licence")
    USER = "user", _("User")


class BillingPeriod(models.TextChoices):
    """How often a subscription is billed (empty for products and services)."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
