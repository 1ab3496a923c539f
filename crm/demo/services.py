"""Builds the demo data set through the same services as the UI and API (so its history is real)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.activities.services import activity_create
from crm.contacts.enums import AccountType, CompanySize, ContactRole, Industry
from crm.contacts.selectors import account_count
from crm.contacts.services import account_create, address_add, contact_create, contact_link_account
from crm.core.assignment.services import rule_create, territory_create
from crm.core.audit.context import audit_context
from crm.core.identity.selectors import role_get_by_key, user_get_by_email
from crm.core.identity.services import team_create, user_create
from crm.demo import data
from crm.demo.catalog import demo_catalog_load
from crm.demo.documents import demo_documents_load
from crm.demo.lead_outcomes import demo_leads_decide
from crm.demo.pipelines import demo_pipelines_load
from crm.leads.services import (
    lead_create,
    lead_disqualify,
    lead_mark_contacted,
    lead_qualify,
)

DEMO_PASSWORD = "demo-crm-2026"  # noqa: S105 — documented demo credential, printed by `crm demo`


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    team: str | None
    language: str
    manager: str | None = None


DEMO_USERS = [
    DemoUser("admin@demo.crm", "Alicia Administradora", "administrator", None, "es"),
    DemoUser("manager@demo.crm", "Marcos Gerente", "sales_manager", "Iberia", "es"),
    DemoUser("rep.es@demo.crm", "Rosa Vendedora", "sales_rep", "Iberia", "es", "manager@demo.crm"),
    DemoUser("rep2.es@demo.crm", "Raúl Comercial", "sales_rep", "Iberia", "es", "manager@demo.crm"),
    DemoUser("uk.manager@demo.crm", "Margaret Hughes", "sales_manager", "UK & Ireland", "en"),
    DemoUser("rep.uk@demo.crm", "Ryan Cooper", "sales_rep", "UK & Ireland", "en", "uk.manager@demo.crm"),
    DemoUser("service@demo.crm", "Sara Soporte", "service_agent", "Service", "es"),
    DemoUser("marketing@demo.crm", "Mark Evans", "marketing", "Marketing", "en"),
    DemoUser("viewer@demo.crm", "Víctor Lector", "read_only", None, "es"),
]


def demo_is_loaded() -> bool:
    return user_get_by_email(email=DEMO_USERS[0].email) is not None


def _users() -> dict[str, Any]:
    teams: dict[str, Any] = {}
    users: dict[str, Any] = {}
    for spec in DEMO_USERS:
        if spec.team and spec.team not in teams:
            teams[spec.team] = team_create(actor=None, name=spec.team)
        users[spec.email] = user_create(
            actor=None,
            email=spec.email,
            full_name=spec.name,
            password=DEMO_PASSWORD,
            role=role_get_by_key(key=spec.role),
            team=teams.get(spec.team) if spec.team else None,
            manager=users.get(spec.manager) if spec.manager else None,
            language=spec.language,
            is_superuser=spec.role == "administrator",
        )
    return users


def _company(rng: random.Random, spanish: bool, used: set[str]) -> str:
    for _ in range(50):
        if spanish:
            name = f"{rng.choice(data.SPANISH_COMPANY_A)} {rng.choice(data.SPANISH_COMPANY_B)} {rng.choice(data.SPANISH_SUFFIX)}"
        else:
            name = f"{rng.choice(data.ENGLISH_COMPANY_A)} {rng.choice(data.ENGLISH_COMPANY_B)} {rng.choice(data.ENGLISH_SUFFIX)}"
        if name not in used:
            used.add(name)
            return name
    return f"{name} {len(used)}"


def _slug(text: str) -> str:
    table = str.maketrans("áéíóúñüçÁÉÍÓÚÑ", "aeiouncuAEIOUN")
    return "".join(c for c in text.translate(table).lower() if c.isalnum())[:20] or "empresa"


def _phone(rng: random.Random, country: str) -> str:
    if country == "ES":
        return f"+34 9{rng.randint(10, 98)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    if country == "GB":
        return f"+44 20 {rng.randint(7000, 7999)} {rng.randint(1000, 9999)}"
    if country == "US":
        return f"+1 512 {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
    if country == "IE":
        return f"+353 1 {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
    if country == "MX":
        return f"+52 55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    if country == "CO":
        return f"+57 601 {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
    if country == "AR":
        return f"+54 11 {rng.randint(4000, 4999)} {rng.randint(1000, 9999)}"
    return f"+56 2 {rng.randint(2000, 2999)} {rng.randint(1000, 9999)}"


def demo_load(
    *,
    accounts: int = 200,
    contacts: int = 600,
    activities: int = 3000,
    leads: int = 150,
    opportunities: int = 300,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Create users in every role, then accounts, contacts and activities spread over the last year, and two
    sales pipelines with opportunities and their stage history."""
    rng = random.Random(seed)  # deterministic: the same demo every time
    say = progress or (lambda _msg: None)
    with audit_context(source="system"):
        with transaction.atomic():
            users = _users()
        say(f"users: {len(users)}")
        catalog = demo_catalog_load(actor=None, say=say)
        spanish_owners = [users[e] for e in ("rep.es@demo.crm", "rep2.es@demo.crm", "manager@demo.crm")]
        english_owners = [users[e] for e in ("rep.uk@demo.crm", "uk.manager@demo.crm")]
        used: set[str] = set()
        account_rows: list[tuple[Any, bool]] = []
        for i in range(accounts):
            spanish = i % 3 != 2
            owner = rng.choice(spanish_owners if spanish else english_owners)
            city, region, postal, country = rng.choice(
                data.SPANISH_CITIES if spanish else data.ENGLISH_CITIES
            )
            name = _company(rng, spanish, used)
            domain = _slug(name.split()[0] + name.split()[1]) + (".es" if country == "ES" else ".com")
            with transaction.atomic():
                account = account_create(
                    actor=owner,
                    name=name,
                    account_type=rng.choices([t.value for t in AccountType], weights=[45, 35, 8, 7, 5])[0],
                    industry=rng.choice([c.value for c in Industry]),
                    size=rng.choice([c.value for c in CompanySize]),
                    website=f"https://www.{domain}",
                    email=f"info@{domain}",
                    phone=_phone(rng, country),
                    tax_id=(f"B{rng.randint(10000000, 99999999)}" if country == "ES" else ""),
                    tags=rng.sample(
                        ["vip", "feria-2026", "renovación", "newsletter", "key account"], k=rng.randint(0, 2)
                    ),
                    parent=account_rows[rng.randrange(len(account_rows))][0]
                    if account_rows and rng.random() < 0.06
                    else None,
                )
                address_add(
                    actor=owner,
                    account=account,
                    kind="office",
                    is_primary=True,
                    street=f"{rng.choice(data.STREETS_ES if spanish else data.STREETS_EN)} {rng.randint(1, 180)}",
                    city=city,
                    region=region,
                    postal_code=f"{postal}{rng.randint(100, 999)}",
                    country=country,
                )
            account_rows.append((account, spanish))
        say(f"accounts: {len(account_rows)}")
        contact_rows: list[tuple[Any, Any, bool]] = []
        roles = [r.value for r in ContactRole]
        for i in range(contacts):
            account, spanish = (
                account_rows[i % len(account_rows)] if i < len(account_rows) else rng.choice(account_rows)
            )
            first = rng.choice(data.SPANISH_FIRST if spanish else data.ENGLISH_FIRST)
            last = rng.choice(data.SPANISH_LAST if spanish else data.ENGLISH_LAST)
            if spanish and rng.random() < 0.5:
                last = f"{last} {rng.choice(data.SPANISH_LAST)}"
            domain = account.email.split("@")[-1]
            with transaction.atomic():
                contact = contact_create(
                    actor=account.owner,
                    first_name=first,
                    last_name=last,
                    email=f"{_slug(first)}.{_slug(last.split()[0])}{i}@{domain}",
                    phone=_phone(rng, "ES" if spanish else "GB"),
                    job_title=rng.choice(data.JOB_TITLES_ES if spanish else data.JOB_TITLES_EN),
                    language="es" if spanish else "en",
                    email_consent=rng.choices(["granted", "unknown", "withdrawn"], weights=[60, 35, 5])[0],
                    account=account,
                    account_role=rng.choice(roles),
                )
                if rng.random() < 0.04:
                    other, _sp = rng.choice(account_rows)
                    if other.pk != account.pk:
                        contact_link_account(actor=None, contact=contact, account=other, role="influencer")
            contact_rows.append((contact, account, spanish))
        say(f"contacts: {len(contact_rows)}")
        now = timezone.now()
        made = 0
        for i in range(activities):
            contact, account, spanish = (
                contact_rows[i % len(contact_rows)] if i < len(contact_rows) else rng.choice(contact_rows)
            )
            kind = rng.choices(["note", "task", "call", "meeting"], weights=[30, 25, 30, 15])[0]
            when = now - dt.timedelta(
                days=rng.randint(0, 365), hours=rng.randint(0, 10), minutes=rng.randint(0, 59)
            )
            common: dict[str, Any] = {
                "actor": account.owner,
                "account_id": account.pk,
                "contact_id": contact.pk,
            }
            with transaction.atomic():
                if kind == "note":
                    activity_create(
                        kind="note",
                        subject="",
                        occurred_at=when,
                        body=rng.choice(data.NOTES_ES if spanish else data.NOTES_EN),
                        **common,
                    )
                elif kind == "task":
                    due = now + dt.timedelta(days=rng.randint(-20, 30))
                    task = activity_create(
                        kind="task",
                        subject=rng.choice(data.TASKS_ES if spanish else data.TASKS_EN),
                        due_at=due,
                        priority=rng.choice(["low", "normal", "high"]),
                        **common,
                    )
                    if due < now and rng.random() < 0.7:
                        from crm.activities.services import activity_complete

                        activity_complete(actor=account.owner, activity=task)
                elif kind == "call":
                    activity_create(
                        kind="call",
                        subject=rng.choice(data.CALLS_ES if spanish else data.CALLS_EN),
                        channel="phone",
                        direction=rng.choice(["inbound", "outbound"]),
                        duration_seconds=rng.randint(30, 1800),
                        outcome=rng.choice(["connected", "connected", "no_answer", "voicemail"]),
                        occurred_at=when,
                        **common,
                    )
                else:
                    start = when.replace(minute=0, second=0, microsecond=0)
                    activity_create(
                        kind="meeting",
                        subject=rng.choice(data.MEETINGS_ES if spanish else data.MEETINGS_EN),
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=1),
                        location=account.name,
                        attendee_contact_ids=[contact.pk],
                        **common,
                    )
            made += 1
            if made % 500 == 0:
                say(f"activities: {made}")
        _lead_rules(users)
        lead_count, to_convert = _leads(rng, leads, users, account_rows)
        say(f"leads: {lead_count}")
        deals = demo_pipelines_load(rng=rng, accounts=account_rows, count=opportunities)
        say(f"opportunities: {deals}")
        decided = demo_leads_decide(rng=rng, leads=to_convert)
        say(f"converted leads' deals: {decided['won']} won, {decided['lost']} lost, {decided['open']} open")
        orders = demo_documents_load(rng=rng, accounts=account_rows, say=say)
        say(f"orders: {orders}")
    return {
        "users": len(users),
        "opportunities": deals,
        "orders": orders,
        "accounts": len(account_rows),
        "contacts": len(contact_rows),
        "activities": made,
        "products": catalog["products"],
        "leads": lead_count,
        "visible_accounts": account_count(user=users["admin@demo.crm"], params={})[0],
    }


def _lead_rules(users: dict[str, Any]) -> None:
    """Ownership rules for new leads (the public web form, the API): British and Irish leads go round the UK
    team, the rest round the Iberian team."""
    uk = territory_create(actor=None, name="UK & Ireland", countries=["GB", "IE"])
    rule_create(
        actor=None,
        name="UK & Ireland leads",
        object_type="leads.lead",
        territory=uk,
        strategy="round_robin",
        team=users["rep.uk@demo.crm"].team,
    )
    rule_create(
        actor=None,
        name="Other leads",
        object_type="leads.lead",
        strategy="round_robin",
        team=users["rep.es@demo.crm"].team,
    )


def _leads(
    rng: random.Random, count: int, users: dict[str, Any], account_rows: list[tuple[Any, bool]]
) -> tuple[int, list[Any]]:
    """Leads across every status and source; some name a company that is already an account, so converting
    them links to it instead of creating a duplicate. Returns how many were made and the qualified leads to
    convert with a deal once the pipelines exist (`demo_leads_decide`): with the disqualified ones, enough
    known outcomes for lead scoring."""
    owners = [
        users[e] for e in ("rep.es@demo.crm", "rep2.es@demo.crm", "rep.uk@demo.crm", "manager@demo.crm")
    ]
    sources = ["web_form", "manual", "import", "api", "referral", "event", "campaign", "partner"]
    statuses = ["new", "contacted", "qualified", "disqualified", "converted"]
    reasons = ["no_budget", "no_need", "no_authority", "bad_timing", "competitor", "unreachable", "spam"]
    used: set[str] = {a.name for a, _sp in account_rows}
    made = 0
    to_convert: list[Any] = []
    for i in range(count):
        owner = rng.choice(owners)
        spanish = owner.email != "rep.uk@demo.crm"
        first = rng.choice(data.SPANISH_FIRST if spanish else data.ENGLISH_FIRST)
        last = rng.choice(data.SPANISH_LAST if spanish else data.ENGLISH_LAST)
        existing = [a for a, sp in account_rows if sp == spanish]
        if existing and rng.random() < 0.15:
            company = rng.choice(existing).name
        else:
            company = _company(rng, spanish, used)
        city, region, postal, country = rng.choice(data.SPANISH_CITIES if spanish else data.ENGLISH_CITIES)
        domain = _slug(company.split()[0]) + (".es" if country == "ES" else ".co.uk")
        source = rng.choices(sources, weights=[30, 15, 10, 5, 12, 12, 12, 4])[0]
        status = rng.choices(statuses, weights=[28, 17, 12, 18, 25])[0]
        with transaction.atomic():
            lead = lead_create(
                actor=owner,
                owner=owner,
                first_name=first,
                last_name=last,
                company=company,
                job_title=rng.choice(data.JOB_TITLES_ES if spanish else data.JOB_TITLES_EN),
                email=f"{_slug(first)}.{_slug(last)}{i}@{domain}",
                phone=_phone(rng, country),
                city=city,
                region=region,
                postal_code=f"{postal}{rng.randint(100, 999)}",
                country=country,
                source=source,
                budget_amount=rng.choice([None, 5000, 12000, 25000, 60000, 150000]),
                authority=rng.choice(["", "decision_maker", "influencer", "evaluator", "user"]),
                timeline=rng.choice(["", "now", "quarter", "half_year", "year", "later"]),
                need=rng.choice(data.NOTES_ES if spanish else data.NOTES_EN),
                email_consent="granted" if source == "web_form" else rng.choice(["granted", "unknown"]),
            )
            if status in {"contacted", "qualified", "converted"} or (
                status == "disqualified" and rng.random() < 0.6
            ):
                lead = lead_mark_contacted(actor=owner, lead=lead)
            if status in {"qualified", "converted"}:
                lead = lead_qualify(actor=owner, lead=lead)
            if status == "disqualified":
                lead_disqualify(actor=owner, lead=lead, reason=rng.choice(reasons))
        if status == "converted":
            to_convert.append(lead)
        made += 1
    return made, to_convert
