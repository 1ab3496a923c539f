"""Which fields each import target offers, and which file column goes to which field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from crm.activities.services.bulk_load import ACTIVITY_LOAD_FIELDS
from crm.contacts.services.bulk_load import ACCOUNT_LOAD_FIELDS, CONTACT_LOAD_FIELDS
from crm.core.loading import LoadField
from crm.integrations.dataio.cells import fold
from crm.integrations.dataio.enums import ImportObject
from crm.integrations.dataio.errors import ImportRefused

FIELDS: dict[str, tuple[LoadField, ...]] = {
    ImportObject.CONTACTS: CONTACT_LOAD_FIELDS,
    ImportObject.ACCOUNTS: ACCOUNT_LOAD_FIELDS,
    ImportObject.ACTIVITIES: ACTIVITY_LOAD_FIELDS,
}
# the key a file's rows are told apart by when no "update by" is chosen (duplicates in the file and in the CRM)
DEFAULT_KEY: dict[str, str] = {
    ImportObject.CONTACTS: "email",
    ImportObject.ACCOUNTS: "external_id",
    ImportObject.ACTIVITIES: "external_id",
}


@dataclass(frozen=True)
class Target:
    object_type: str
    fields: tuple[LoadField, ...]

    def field(self, name: str) -> LoadField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> set[str]:
        return {f.name for f in self.fields}


def target_get(object_type: str) -> Target:
    if object_type not in FIELDS:
        raise ImportRefused(field_errors={"object_type": [_("Choose contacts, accounts or activities.")]})
    return Target(object_type=object_type, fields=FIELDS[object_type])


def _aliases(field: LoadField) -> set[str]:
    names = {fold(field.name), *(fold(s) for s in field.synonyms)}
    for lang in ("en", "es"):
        with translation.override(lang):
            names.add(fold(str(field.label)))
    return names


def mapping_suggest(*, target: Target, headers: list[str], saved: dict[str, str] | None = None) -> list[str]:
    """A field name (or "") for each header: a saved mapping first, then names, labels and synonyms (es/en)."""
    by_alias: dict[str, str] = {}
    for field in target.fields:
        for alias in _aliases(field):
            by_alias.setdefault(alias, field.name)
    used: set[str] = set()
    out: list[str] = []
    for header in headers:
        key = fold(header)
        name = (saved or {}).get(key) or by_alias.get(key, "")
        if name not in target.names or name in used:
            name = ""
        if name:
            used.add(name)
        out.append(name)
    return out


def mapping_check(*, target: Target, headers: list[str], mapping: list[str]) -> list[str]:
    """The mapping padded to the headers; refuses unknown fields and a field used twice."""
    mapping = [(m or "").strip() for m in mapping][: len(headers)]
    mapping += [""] * (len(headers) - len(mapping))
    unknown = sorted({m for m in mapping if m and m not in target.names})
    if unknown:
        raise ImportRefused(
            field_errors={"mapping": [_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}]}
        )
    seen: set[str] = set()
    for m in mapping:
        if m and m in seen:
            label = str(target.field(m).label)
            raise ImportRefused(
                field_errors={"mapping": [_("Two columns go to “%(field)s”; choose one.") % {"field": label}]}
            )
        seen.add(m)
    if not seen:
        raise ImportRefused(field_errors={"mapping": [_("Choose a field for at least one column.")]})
    return mapping


def mapping_from_file(*, target: Target, headers: list[str], text: str) -> list[str]:
    """A mapping file (JSON object: "column header": "field") applied to the headers; unknown columns refuse."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise ImportRefused(field_errors={"mapping": [_("The mapping file is not valid JSON.")]}) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ImportRefused(
            field_errors={"mapping": [_("The mapping file must be a JSON object of “column”: “field”.")]}
        )
    folded = {fold(h): i for i, h in enumerate(headers)}
    missing = sorted(k for k in data if fold(k) not in folded)
    if missing:
        raise ImportRefused(
            field_errors={
                "mapping": [
                    _("These columns are not in the file: %(names)s.") % {"names": ", ".join(missing)}
                ]
            }
        )
    mapping = [""] * len(headers)
    for header, field in data.items():
        mapping[folded[fold(header)]] = field
    return mapping_check(target=target, headers=headers, mapping=mapping)
