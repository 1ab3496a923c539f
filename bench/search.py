"""Search-as-you-type over the bench data set (`python bench/run.py --scenario search`).

Each keystroke of a series of real names, emails, phone numbers and typos is one request to the top bar's
search box (`/search/?q=…&popover=1` as htmx sends it: five hits per type, accounts and contacts), timed
in-process from request to response. Measured for an administrator (sees all 1,000,000 contacts) and for a
sales rep whose role lets them see only their own records (1 in 50), with names, emails and phones taken from
their own contacts, so both get real results. The API endpoint is timed for the same keystrokes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.test import Client

from crm.contacts.models import Contact
from crm.contacts.search import ACCOUNT_SEARCH, CONTACT_SEARCH
from crm.core.identity.models import Role, RolePermission, User
from crm.core.identity.services import token_create
from crm.core.search.indexes import search_index_rebuild
from crm.core.search.terms import fold

OWN_ROLE_KEY = "bench_own_records"


def _prefixes(text: str, start: int = 2) -> list[str]:
    return [text[:n] for n in range(start, len(text) + 1) if not text[:n].endswith(" ")]


def _keystrokes(contacts: list[Contact]) -> list[str]:
    """What a user types, one request per keystroke: names (with accents or without), emails, phone numbers
    in several formats, and words with one typo."""
    a, b, c = contacts[0], contacts[1], contacts[2]
    series = [
        *_prefixes(fold(f"{a.first_name} {a.last_name}")),  # "lucia garcia", no accents typed
        *_prefixes(f"{b.last_name} {b.first_name}"),  # "Martínez Pablo", with accents
        *_prefixes(a.email.split("@")[0] + "@" + a.email.split("@")[1][:4]),  # "c123450@exam"
        *_prefixes(a.email.split("@")[1], start=4),  # the domain
        *_prefixes(c.phone[3:], start=3),  # "9112345…": national number without +34
        c.phone,  # "+34911234567" pasted
        f"{c.phone[3:5]} {c.phone[5:8]} {c.phone[8:]}",  # "91 123 4567"
        *_prefixes("gonzales", start=5),  # typo of González
        "fernandes",
        "martinex",
        "lucia gonzales",
        "hrry",  # too short for typos: no results, still a full query
    ]
    return series


def _infix_keystrokes(contacts: list[Contact]) -> list[str]:
    """Fragments inside words, typed from their third character: the middle and end of a last name (no
    accents typed), the last digits of a phone number and digits from its middle. Measured apart from the
    series above (figures `infix_*`), which stays the one the earlier rounds measured."""
    a, c = contacts[0], contacts[2]
    last = fold(a.last_name)
    return [
        *_prefixes(last[1:], start=3),  # "arcia" → García
        *_prefixes(last[2:], start=3),
        *_prefixes(c.phone[-6:], start=3),  # "567", "4567", … the end of the number
        *_prefixes(c.phone[6:11], start=3),  # digits from its middle
    ]


def _own_records_user() -> User:
    """A sales rep whose role shows only their own records (rep0-0 owns every 50th contact)."""
    role, _ = Role.objects.get_or_create(key=OWN_ROLE_KEY, defaults={"name": "Bench: own records only"})
    for object_type in ("*", "contacts.contact", "contacts.account"):
        RolePermission.objects.update_or_create(
            role=role, object_type=object_type, action="view", defaults={"scope": "own"}
        )
    user = User.objects.get(email="rep0-0@bench.crm")
    user.role = role
    user.save(update_fields=["role"])
    return user


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2)


def _time(client: Client, urls: list[str], rounds: int, **headers: Any) -> dict[str, Any]:
    """Wall-clock and CPU time (this thread, which runs SQLite, plus the PostgreSQL backend) per request."""
    from bench.run import _server_cpu_ns

    for url in urls[:5]:  # warm-up
        client.get(url, **headers)
    walls: list[float] = []
    cpus: list[float] = []
    slowest: tuple[float, str] = (0.0, "")
    for _ in range(rounds):
        for url in urls:
            server_before = _server_cpu_ns()
            cpu_before = time.thread_time_ns()
            started = time.perf_counter()
            response = client.get(url, **headers)
            wall = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time_ns() - cpu_before) / 1e6
            if server_before:
                cpu += (_server_cpu_ns() - server_before) / 1e6
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            walls.append(wall)
            cpus.append(cpu)
            slowest = max(slowest, (cpu, url))
    return {
        "p50_ms": round(statistics.median(walls), 2),
        "p95_ms": _p95(walls),
        "cpu_p50_ms": round(statistics.median(cpus), 2),
        "cpu_p95_ms": _p95(cpus),
        "n": len(walls),
        "slowest_cpu": slowest[1],
    }


def prepare(*, say: Callable[[str], None]) -> None:
    """After a bulk load: refill the SQLite full-text indexes and, on both engines, the typo index (the load ran
    with their triggers dropped or disabled)."""
    started = time.perf_counter()
    for index in (ACCOUNT_SEARCH, CONTACT_SEARCH):
        search_index_rebuild(index, connection=connection)
    say(f"    search indexes rebuilt in {time.perf_counter() - started:.1f}s")


def measure(*, runs: int, say: Callable[[str], None], **_: Any) -> dict[str, Any]:
    admin = User.objects.get(email="admin@bench.crm")
    rep = _own_records_user()
    rounds = max(1, runs // 20)
    figures: dict[str, Any] = {"vendor": connection.vendor, "contacts": Contact.objects.count()}
    for who, user in (("admin", admin), ("rep", rep)):
        # names, emails and phones of contacts this user owns or sees (the rep: their own)
        sample = list(Contact.objects.filter(owner=user).order_by("pk")[1000:1003]) or list(
            Contact.objects.order_by("pk")[1000:1003]
        )
        keys = _keystrokes(sample)
        client = Client()
        client.force_login(user)
        page_urls = ["/search/?" + urlencode({"q": k, "popover": "1"}) for k in keys]
        figures[f"keystroke_{who}"] = _time(client, page_urls, rounds, HTTP_HX_REQUEST="true")
        _token, secret = token_create(actor=None, user=user, name="bench-search", scopes=["read"])
        api_urls = ["/api/v1/search?" + urlencode({"q": k, "limit": 5}) for k in keys]
        figures[f"api_{who}"] = _time(Client(), api_urls, rounds, HTTP_AUTHORIZATION=f"Bearer {secret}")
        hits = (
            client.get(
                page_urls[len(_prefixes(fold(f"{sample[0].first_name} {sample[0].last_name}"))) - 1],
                HTTP_HX_REQUEST="true",
            )
            .content.decode()
            .count("data-qf-item")
        )
        infix_urls = ["/search/?" + urlencode({"q": k, "popover": "1"}) for k in _infix_keystrokes(sample)]
        figures[f"infix_{who}"] = _time(client, infix_urls, rounds, HTTP_HX_REQUEST="true")
        figures[f"keystrokes_{who}"] = len(keys)
        figures[f"full_name_hits_{who}"] = hits
        say(
            f"  {who}: popover {figures[f'keystroke_{who}']}, api {figures[f'api_{who}']}, "
            f"infix popover {figures[f'infix_{who}']}"
        )
    return figures
