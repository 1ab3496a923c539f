"""The demo catalog: EUR as the company currency with USD and GBP rates, Spanish IVA at 21/10/4 %, and 40
products, services and subscriptions (Spanish names, English descriptions) priced in three price books."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.catalog.services import (
    currency_create,
    exchange_rate_set,
    price_book_create,
    price_set,
    product_create,
    tax_create,
)

# (sku, name, description, kind, unit, billing period, tax, list price in EUR)
# what a unit costs the company, as a share of its list price, by SKU prefix (the demo's margin curve)
COST_SHARES = {"HW": Decimal("0.72"), "SRV": Decimal("0.40"), "SUB": Decimal("0.20")}


def demo_cost(sku: str, price: Decimal) -> Decimal:
    """The demo unit cost of a product with list price `price` (EUR)."""
    share = COST_SHARES.get(sku.split("-", 1)[0], Decimal("0.55"))
    return (price * share).quantize(Decimal("0.01"))


PRODUCTS: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "HW-LAP-14",
        'Portátil profesional 14"',
        '14" business laptop, 16 GB RAM, 512 GB SSD',
        "product",
        "unit",
        "",
        "21",
        "1149.00",
    ),
    (
        "HW-LAP-16",
        'Portátil de alto rendimiento 16"',
        '16" performance laptop, 32 GB RAM',
        "product",
        "unit",
        "",
        "21",
        "1899.00",
    ),
    ("HW-MON-27", 'Monitor 27" 4K', '27" 4K monitor with USB-C', "product", "unit", "", "21", "389.00"),
    (
        "HW-DOCK",
        "Base de conexión USB-C",
        "USB-C docking station, dual display",
        "product",
        "unit",
        "",
        "21",
        "179.00",
    ),
    (
        "HW-KBD-ES",
        "Teclado inalámbrico (español)",
        "Wireless keyboard, Spanish layout",
        "product",
        "unit",
        "",
        "21",
        "59.90",
    ),
    ("HW-MOUSE", "Ratón ergonómico", "Ergonomic wireless mouse", "product", "unit", "", "21", "39.90"),
    (
        "HW-HEADSET",
        "Auriculares con micrófono",
        "Noise-cancelling headset for calls",
        "product",
        "unit",
        "",
        "21",
        "129.00",
    ),
    (
        "HW-PHONE-IP",
        "Teléfono IP de sobremesa",
        "Desk IP phone with PoE",
        "product",
        "unit",
        "",
        "21",
        "149.00",
    ),
    ("HW-ROUTER", "Router empresarial", "Business router with VPN", "product", "unit", "", "21", "449.00"),
    (
        "HW-SWITCH-24",
        "Switch gestionable 24 puertos",
        "24-port managed switch",
        "product",
        "unit",
        "",
        "21",
        "629.00",
    ),
    (
        "HW-AP-WIFI6",
        "Punto de acceso Wi-Fi 6",
        "Wi-Fi 6 ceiling access point",
        "product",
        "unit",
        "",
        "21",
        "219.00",
    ),
    ("HW-NAS-4", "Servidor NAS 4 bahías", "4-bay NAS, 16 TB", "product", "unit", "", "21", "1290.00"),
    ("HW-UPS", "SAI 1500 VA", "1500 VA uninterruptible power supply", "product", "unit", "", "21", "349.00"),
    (
        "HW-POS",
        "Terminal punto de venta",
        "Point-of-sale terminal with printer",
        "product",
        "unit",
        "",
        "21",
        "899.00",
    ),
    ("HW-CABLE-CAT6", "Cable de red Cat6", "Cat6 network cable, per metre", "product", "m", "", "21", "0.85"),
    (
        "SUP-PAPER",
        "Papel térmico (caja)",
        "Thermal paper rolls, box of 50",
        "product",
        "unit",
        "",
        "21",
        "24.50",
    ),
    (
        "BOOK-GUIDE",
        "Guía de ciberseguridad para pymes",
        "Cybersecurity handbook for SMEs (book)",
        "product",
        "unit",
        "",
        "4",
        "29.00",
    ),
    (
        "FOOD-COFFEE",
        "Café en grano para oficina (kg)",
        "Office coffee beans",
        "product",
        "kg",
        "",
        "10",
        "18.90",
    ),
    ("SRV-INSTALL", "Instalación in situ", "On-site installation", "service", "hour", "", "21", "65.00"),
    ("SRV-CONSULT", "Consultoría tecnológica", "IT consulting", "service", "hour", "", "21", "95.00"),
    (
        "SRV-PROJECT",
        "Jornada de proyecto",
        "Project day (senior engineer)",
        "service",
        "day",
        "",
        "21",
        "720.00",
    ),
    (
        "SRV-TRAIN",
        "Formación para usuarios",
        "End-user training session",
        "service",
        "hour",
        "",
        "21",
        "80.00",
    ),
    ("SRV-AUDIT", "Auditoría de seguridad", "Security audit", "service", "day", "", "21", "950.00"),
    ("SRV-MIGRATE", "Migración de datos", "Data migration", "service", "day", "", "21", "680.00"),
    ("SRV-REPAIR", "Reparación en taller", "Workshop repair", "service", "hour", "", "21", "55.00"),
    (
        "SRV-EVENT",
        "Catering para jornada de formación",
        "Catering for a training day, per person",
        "service",
        "unit",
        "",
        "10",
        "22.00",
    ),
    (
        "SUB-M365",
        "Licencia de ofimática en la nube",
        "Cloud office suite licence",
        "subscription",
        "user",
        "monthly",
        "21",
        "12.50",
    ),
    (
        "SUB-BACKUP-1T",
        "Copia de seguridad en la nube 1 TB",
        "Cloud backup, 1 TB",
        "subscription",
        "unit",
        "monthly",
        "21",
        "29.00",
    ),
    (
        "SUB-BACKUP-5T",
        "Copia de seguridad en la nube 5 TB",
        "Cloud backup, 5 TB",
        "subscription",
        "unit",
        "monthly",
        "21",
        "119.00",
    ),
    ("SUB-CRM", "CRM en la nube", "Cloud CRM, per user", "subscription", "user", "monthly", "21", "35.00"),
    (
        "SUB-ANTIVIRUS",
        "Antivirus gestionado",
        "Managed antivirus, per device",
        "subscription",
        "licence",
        "yearly",
        "21",
        "39.00",
    ),
    (
        "SUB-FIREWALL",
        "Cortafuegos gestionado",
        "Managed firewall",
        "subscription",
        "unit",
        "monthly",
        "21",
        "89.00",
    ),
    (
        "SUB-HOSTING",
        "Alojamiento web profesional",
        "Business web hosting",
        "subscription",
        "unit",
        "yearly",
        "21",
        "240.00",
    ),
    ("SUB-DOMAIN", "Dominio .es", "Domain name (.es)", "subscription", "unit", "yearly", "21", "15.00"),
    (
        "SUB-VOIP",
        "Centralita virtual",
        "Cloud PBX, per extension",
        "subscription",
        "user",
        "monthly",
        "21",
        "9.90",
    ),
    (
        "SUB-SUPPORT-8x5",
        "Soporte 8x5",
        "Support plan, business hours",
        "subscription",
        "unit",
        "monthly",
        "21",
        "199.00",
    ),
    (
        "SUB-SUPPORT-24x7",
        "Soporte 24x7",
        "Support plan, around the clock",
        "subscription",
        "unit",
        "monthly",
        "21",
        "549.00",
    ),
    (
        "SUB-MONITOR",
        "Monitorización de servidores",
        "Server monitoring, per server",
        "subscription",
        "unit",
        "monthly",
        "21",
        "25.00",
    ),
    (
        "SUB-ELEARN",
        "Plataforma de formación online",
        "E-learning platform",
        "subscription",
        "user",
        "quarterly",
        "21",
        "45.00",
    ),
    (
        "SUB-MAGAZINE",
        "Revista técnica digital",
        "Digital trade magazine",
        "subscription",
        "unit",
        "yearly",
        "4",
        "49.00",
    ),
]

# EUR → currency, first day of the month (ECB-like figures)
RATES = {
    "USD": ["1.0420", "1.0380", "1.0815", "1.1050", "1.1280", "1.1390"],
    "GBP": ["0.8350", "0.8410", "0.8390", "0.8455", "0.8520", "0.8570"],
}


RATE_MONTHS = 37


def _month_starts(today: dt.date, n: int) -> list[dt.date]:
    days = []
    year, month = today.year, today.month
    for _i in range(n):
        days.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(days))


def demo_catalog_load(*, actor: Any, say: Callable[[str], None]) -> dict[str, int]:
    """Currencies, rates, taxes, price books and products, through the catalog's services."""
    with transaction.atomic():
        eur = currency_create(actor=actor, code="EUR", name="Euro", is_company=True)
        others = {code: currency_create(actor=actor, code=code) for code in RATES}
        for code, recent in RATES.items():
            # three years of monthly rates (the order history goes back that far): the oldest figure held flat
            rates = [recent[0]] * (RATE_MONTHS - len(recent)) + recent
            for day, rate in zip(_month_starts(timezone.localdate(), len(rates)), rates, strict=True):
                exchange_rate_set(actor=actor, currency=others[code], valid_on=day, rate=Decimal(rate))
        taxes = {
            rate: tax_create(actor=actor, name=name, rate=Decimal(rate), country="ES")
            for rate, name in (
                ("21", "IVA general 21 %"),
                ("10", "IVA reducido 10 %"),
                ("4", "IVA superreducido 4 %"),
            )
        }
        general = price_book_create(
            actor=actor, name="Tarifa general", currency=eur, description="List prices for every customer."
        )
        wholesale = price_book_create(
            actor=actor,
            name="Tarifa mayoristas",
            currency=eur,
            segment="wholesale",
            description="Distributors and resellers: 15 % below the list price.",
        )
        uk = price_book_create(
            actor=actor, name="UK price list", currency=others["GBP"], description="Prices for UK customers."
        )
        gbp_rate = Decimal(RATES["GBP"][-1])
        for sku, name, description, kind, unit, period, tax, price in PRODUCTS:
            product = product_create(
                actor=actor,
                sku=sku,
                name=name,
                description=description,
                kind=kind,
                unit=unit,
                billing_period=period,
                tax=taxes[tax],
                cost=demo_cost(sku, Decimal(price)),
            )
            amount = Decimal(price)
            price_set(actor=actor, price_book=general, product=product, unit_price=amount)
            if kind != "service" or sku in {"SRV-INSTALL", "SRV-PROJECT"}:
                price_set(
                    actor=actor, price_book=wholesale, product=product, unit_price=amount * Decimal("0.85")
                )
            if not sku.startswith(("FOOD", "SUP-", "BOOK")):
                # round UK prices to .99 / whole pounds like a real list
                gbp = (amount * gbp_rate).quantize(Decimal("1"))
                price_set(
                    actor=actor,
                    price_book=uk,
                    product=product,
                    unit_price=gbp - Decimal("0.01") if gbp > 5 else gbp,
                )
    say(f"catalog: {len(PRODUCTS)} products, 3 price books, {len(taxes)} taxes")
    return {"products": len(PRODUCTS)}
