"""Spanish is complete for leads: every string the app marks for translation (Python and templates) has a
Spanish text, either already in the catalogue (django.po) or in `crm/locale/es/pending-leads.json`, which the
lead merges into the catalogue. Placeholders must survive translation."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "crm" / "leads"
PO = ROOT / "crm" / "locale" / "es" / "LC_MESSAGES" / "django.po"
PENDING = ROOT / "crm" / "locale" / "es" / "pending-leads.json"
PY_KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "ngettext": (1, 2), "ngettext_lazy": (1, 2)}
SAME = {"Leads", "Spam", "lead", "leads"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def _keys(func: str, args: object) -> str:
    if isinstance(args, str):
        return args
    assert isinstance(args, tuple)
    if func.startswith("ngettext"):
        return f"{args[0]}|{args[1]}"
    return str(args[0])


def leads_msgids() -> set[str]:
    """Every msgid of the leads app’s Python modules (not tests or migrations) and templates;
    plural forms as "singular|plural"."""
    found: set[str] = set()
    sources = [p for p in APP.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    for path in sources:
        for _line, func, args, _comments in extract_python(
            io.BytesIO(path.read_bytes()), PY_KEYWORDS, [], {}
        ):
            found.add(_keys(func, args))
    for path in APP.rglob("*.html"):
        code = "\n".join(
            line.lstrip() for line in templatize(path.read_text(), origin=str(path)).splitlines()
        )
        for _line, func, args, _comments in extract_python(io.BytesIO(code.encode()), PY_KEYWORDS, [], {}):
            found.add(_keys(func, args))
    return found


def _translated_in_po() -> set[str]:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    out: set[str] = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            if all(message.string):
                out.add(f"{message.id[0]}|{message.id[1]}")
        elif message.string:
            out.add(message.id)
    return out


def _pending() -> dict[str, object]:
    data = json.loads(PENDING.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_leads_string_has_spanish() -> None:
    missing = sorted(leads_msgids() - _translated_in_po() - set(_pending()))

    assert not missing, f"add Spanish for these to {PENDING.name}: {missing}"


def test_pending_spanish_keeps_placeholders_and_plural_forms() -> None:
    for msgid, spanish in _pending().items():
        if "|" in msgid:
            singular, plural = msgid.split("|", 1)
            assert isinstance(spanish, list) and len(spanish) == 2 and all(spanish), msgid
            for english, text in zip((singular, plural), spanish, strict=True):
                assert set(PLACEHOLDER.findall(english)) == set(PLACEHOLDER.findall(text)), msgid
        else:
            assert isinstance(spanish, str) and spanish.strip(), msgid
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(spanish)), msgid
            assert spanish != msgid or msgid in SAME, f"not translated: {msgid}"


def test_pending_has_no_stale_entries() -> None:
    """Everything in the pending file is used by leads (a renamed string leaves no orphan behind)."""
    stale = sorted(set(_pending()) - leads_msgids())

    assert not stale, f"remove from {PENDING.name}: {stale}"
