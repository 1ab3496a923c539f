"""vCard 3.0 and 4.0 (RFC 2426 / RFC 6350) with `vobject`: contacts out, import rows in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

import vobject

# The columns a vCard becomes (the import mapping is these names, one to one).
VCARD_COLUMNS = [
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "job_title",
    "department",
    "birthday",
    "description",
]
_BEGIN = re.compile(rb"^BEGIN:VCARD\s*$", re.IGNORECASE | re.MULTILINE)


def _text(f: IO[bytes]) -> str:
    f.seek(0)
    data = f.read()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _cards(f: IO[bytes]) -> list[str]:
    text = _text(f)
    starts = [m.start() for m in re.finditer(r"(?im)^BEGIN:VCARD\s*$", text)]
    return [text[s : (starts[i + 1] if i + 1 < len(starts) else len(text))] for i, s in enumerate(starts)]


def vcard_count(f: IO[bytes]) -> int:
    f.seek(0)
    return len(_BEGIN.findall(f.read()))


def _value(card: Any, name: str) -> Any:
    items = card.contents.get(name) or []
    return items[0].value if items else None


def _types(item: Any) -> set[str]:
    out: set[str] = set()
    for t in item.params.get("TYPE", []):
        out.update(p.strip().lower() for p in str(t).split(","))
    return out


def _card_row(card: Any) -> list[Any]:
    n = _value(card, "n")
    first = (n.given if n is not None else "") or ""
    last = (n.family if n is not None else "") or ""
    if isinstance(first, list):
        first = " ".join(first)
    if isinstance(last, list):
        last = " ".join(last)
    if not first and not last:
        fn = str(_value(card, "fn") or "").strip()
        first, _sep, last = fn.partition(" ")
    phone = mobile = ""
    for tel in card.contents.get("tel", []):
        number = str(tel.value).removeprefix("tel:")
        if "cell" in _types(tel) and not mobile:
            mobile = number
        elif not phone:
            phone = number
    org = _value(card, "org")
    department = ""
    if isinstance(org, list) and len(org) > 1:
        department = org[1]
    birthday = str(_value(card, "bday") or "")
    if re.fullmatch(r"\d{8}", birthday):
        birthday = f"{birthday[:4]}-{birthday[4:6]}-{birthday[6:]}"
    birthday = birthday[:10]
    return [
        str(_value(card, "uid") or ""),
        first,
        last,
        str(_value(card, "email") or ""),
        phone,
        mobile,
        str(_value(card, "title") or ""),
        department,
        birthday,
        str(_value(card, "note") or ""),
    ]


def vcard_rows(f: IO[bytes], *, start: int = 0) -> Iterator[tuple[int, list[Any] | None]]:
    """(card number, cells in VCARD_COLUMNS order) per card; None for a card that cannot be read."""
    for index, text in enumerate(_cards(f)):
        if index < start:
            continue
        try:
            card = vobject.readOne(text)
            yield index + 1, _card_row(card)
        except Exception:  # vobject raises ParseError, ValueError, AttributeError… for broken cards
            yield index + 1, None


def vcard_render(contacts: Iterable[dict[str, Any]], *, version: str = "3.0") -> str:
    """One vCard per contact dict (see contacts.selectors.contact_vcard_data), concatenated."""
    out = []
    for data in contacts:
        card = vobject.vCard()
        card.add("version").value = version
        card.add("uid").value = data["uid"]
        card.add("n").value = vobject.vcard.Name(family=data["last_name"], given=data["first_name"])
        card.add("fn").value = data["full_name"] or data["email"] or data["uid"]
        if data["email"]:
            item = card.add("email")
            item.value = data["email"]
            item.type_param = "work" if version == "4.0" else "INTERNET"
        for email in data.get("other_emails") or []:
            card.add("email").value = email
        for value, kind in ((data["phone"], "work"), (data["mobile"], "cell")):
            if value:
                item = card.add("tel")
                item.value = value
                item.type_param = kind if version == "4.0" else kind.upper()
        if data["job_title"]:
            card.add("title").value = data["job_title"]
        if data["account"] or data["department"]:
            card.add("org").value = [
                data["account"] or "",
                *([data["department"]] if data["department"] else []),
            ]
        if data["birthday"]:
            card.add("bday").value = data["birthday"].isoformat()
        if data["description"]:
            card.add("note").value = data["description"]
        for address in data.get("addresses") or []:
            item = card.add("adr")
            item.value = vobject.vcard.Address(
                street=address["street"],
                city=address["city"],
                region=address["region"],
                code=address["postal_code"],
                country=address["country"],
            )
            item.type_param = address["kind"] if version == "4.0" else address["kind"].upper()
        if data.get("updated_at"):
            card.add("rev").value = data["updated_at"].strftime("%Y%m%dT%H%M%SZ")
        out.append(card.serialize())
    return "".join(out)
