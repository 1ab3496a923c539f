"""The Spanish catalogue is complete, compiled, used by real pages and the API, and covers every string in the code.

The catalogue lives in crm/locale/es/LC_MESSAGES/ (django.po is the source, django.mo is what Django loads).
After editing the .po, compile it with Babel (no GNU gettext needed):

    .venv/bin/pybabel compile -d crm/locale -D django -l es

To pick up new strings from the code (needs GNU gettext): `make messages`, translate, compile.
"""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "crm" / "locale"
PO_PATH = LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE_DIR / "es" / "LC_MESSAGES" / "django.mo"
COMPILE_HINT = "recompile: .venv/bin/pybabel compile -d crm/locale -D django -l es"
# The same exclusions as `make messages` (tests and tooling are not translated).
MAKEMESSAGES_IGNORE = [".venv", "var", "bench", "tests/*", "*/tests/*", "node_modules", ".git"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")


def _read_catalog(path: Path = PO_PATH) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="es")


def _key(message: Any) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _is_translated(message: Any) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(s.strip() for s in strings)


def _problems(catalog: Catalog) -> list[str]:
    """Entries that are untranslated, fuzzy, or whose placeholders differ from the English."""
    out = []
    for message in catalog:
        if not message.id:
            continue
        key = _key(message).replace("\x04", " | ")
        if message.fuzzy:
            out.append(f"fuzzy: {key!r}")
        elif not _is_translated(message):
            out.append(f"untranslated: {key!r}")
        else:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = sorted(PLACEHOLDER.findall(str(ids[-1])))
            for index, s in enumerate(strings):
                found = sorted(PLACEHOLDER.findall(str(s)))
                # a plural's first form may leave the count out, as English does ("the last day")
                if found != wanted and not (len(ids) > 1 and index == 0 and set(found) <= set(wanted)):
                    out.append(f"placeholders differ: {key!r} → {s!r}")
    return out


def _apply_pending(catalog: Catalog) -> None:
    """Spanish waiting in `crm/locale/es/pending-<branch>.json` counts as translated. Branches do not edit
    django.po (parallel edits of one catalogue conflict); the lead merges these files into it. Each is a JSON
    object msgid → Spanish ("singular|plural" → [two forms]), applied here to the copy as the merge will."""
    for path in sorted((LOCALE_DIR / "es").glob("pending-*.json")):
        for key, spanish in json.loads(path.read_text(encoding="utf-8")).items():
            message = catalog.get(key.split("|", 1)[0])
            if message is None:
                continue
            message.string = tuple(spanish) if isinstance(spanish, list) else spanish
            message.flags.discard("fuzzy")


# --- (a) the catalogue is complete --------------------------------------------------------------------------
@pytest.mark.skipif(
    os.environ.get("CI", "").lower() not in {"1", "true", "yes"}, reason="CI checks what landed"
)
def test_no_spanish_left_waiting_outside_the_catalogue_in_ci() -> None:
    """What lands on main has its pending-*.json merged into django.po (the pages read only the compiled .mo)."""
    assert sorted(p.name for p in (LOCALE_DIR / "es").glob("pending-*.json")) == []


def test_spanish_catalogue_is_complete_and_nothing_is_fuzzy() -> None:
    catalog = _read_catalog()

    assert len(catalog) > 100, "the Spanish catalogue looks empty"
    assert catalog.num_plurals == 2
    assert catalog.fuzzy is False, "remove '#, fuzzy' from the header entry"
    assert _problems(catalog) == []


# --- (b) the compiled .mo says the same as the .po ----------------------------------------------------------
def test_compiled_catalogue_is_up_to_date_with_the_po() -> None:
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(ROOT)} is missing; {COMPILE_HINT}"
    buffer = io.BytesIO()
    write_mo(buffer, _read_catalog())
    buffer.seek(0)
    expected = gettext.GNUTranslations(buffer)
    with MO_PATH.open("rb") as f:
        compiled = gettext.GNUTranslations(f)

    expected_catalog = {k: v for k, v in expected._catalog.items() if k != ""}  # type: ignore[attr-defined]
    compiled_catalog = {k: v for k, v in compiled._catalog.items() if k != ""}  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in expected_catalog.keys() ^ compiled_catalog.keys())
    changed = sorted(
        str(k)
        for k in expected_catalog.keys() & compiled_catalog.keys()
        if expected_catalog[k] != compiled_catalog[k]
    )
    assert (stale, changed) == ([], []), f"django.mo is stale; {COMPILE_HINT}"
    assert compiled.plural(1) == 0 and compiled.plural(2) == 1  # type: ignore[attr-defined]


# --- (c) pages and the API speak Spanish ----------------------------------------------------------------------
@pytest.fixture
def spanish_user(db: Any) -> Any:
    from crm.contacts.tests.factories import user_with_role

    return user_with_role("sales_rep", language="es", full_name="Lucía Fernández")


def test_home_page_is_in_spanish_for_a_user_who_chose_spanish(spanish_user: Any) -> None:
    client = Client()
    client.force_login(spanish_user)

    client.get(reverse("ui:home"))  # sets the language cookie from the user's choice
    html = client.get(reverse("ui:home")).content.decode()

    assert '<html lang="es"' in html
    for word in ("Inicio", "Cuentas", "Contactos", "Actividades", "Mis tareas pendientes"):
        assert word in html, word
    assert ">Accounts<" not in html


def test_home_page_follows_the_browser_language_when_the_user_chose_none(db: Any) -> None:
    from crm.contacts.tests.factories import user_with_role

    user = user_with_role("sales_rep", language="")
    client = Client()
    client.force_login(user)

    spanish = client.get(reverse("ui:home"), headers={"accept-language": "es-MX,es;q=0.9"}).content.decode()
    english = Client()
    english.force_login(user)
    english_html = english.get(reverse("ui:home"), headers={"accept-language": "en-US"}).content.decode()

    assert "Cuentas" in spanish and "Contactos" in spanish
    assert "Accounts" in english_html and "Cuentas" not in english_html


def test_sign_in_page_is_in_spanish_for_a_spanish_browser(db: Any) -> None:
    html = Client().get(reverse("identity:login"), headers={"accept-language": "es"}).content.decode()

    assert "Iniciar sesión" in html
    assert "¿Olvidaste tu contraseña?" in html


def test_account_list_is_in_spanish(spanish_user: Any) -> None:
    from crm.contacts.tests.factories import AccountFactory

    AccountFactory(name="Acme Iberia", owner=spanish_user)
    client = Client()
    client.force_login(spanish_user)

    html = client.get(reverse("contacts:account_list"), headers={"accept-language": "es"}).content.decode()

    assert "Acme Iberia" in html
    assert "Nueva cuenta" in html
    assert "Responsable de la cuenta" in html or "Propietario" in html


def test_api_validation_problem_is_in_spanish(spanish_user: Any) -> None:
    from crm.core.api.tests.client import ApiClient

    api = ApiClient(spanish_user)
    response = api.post("/api/v1/accounts", {"name": ""}, **{"Accept-Language": "es"})

    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] == "Algunos campos no son válidos."
    messages = [e["message"] for e in body["errors"]]
    assert any("obligatorio" in m or "Indica" in m for m in messages), messages


def test_plural_forms_follow_spanish_rules() -> None:
    with translation.override("es"):
        one = translation.ngettext("%(n)s record selected.", "%(n)s records selected.", 1) % {"n": 1}
        many = translation.ngettext("%(n)s record selected.", "%(n)s records selected.", 3) % {"n": 3}
        zero = translation.ngettext("%(n)s record selected.", "%(n)s records selected.", 0) % {"n": 0}

    assert one == "1 registro seleccionado."
    assert many == "3 registros seleccionados."
    assert zero == "0 registros seleccionados."


def test_same_english_word_with_two_meanings_is_told_apart() -> None:
    with translation.override("es"):
        assert translation.gettext("Home") == "Inicio"
        assert translation.pgettext("address kind", "Home") == "Domicilio"
        assert translation.gettext("Open") == "Pendiente"
        assert translation.pgettext("verb", "Open") == "Abrir"


# --- (d) every string in the code is in the catalogue (needs GNU gettext) -----------------------------------
def _copy_sources(destination: Path) -> None:
    """The files makemessages reads (Python, templates, e-mail texts), without tests and tooling."""
    skip_dirs = {".venv", "var", "bench", "tests", "node_modules", ".git", "__pycache__", "static", "locale"}
    for top in ("crm", "config"):
        for dirpath, dirnames, filenames in os.walk(ROOT / top):
            dirnames[:] = [d for d in dirnames if d not in skip_dirs]
            for name in filenames:
                if name.endswith((".py", ".html", ".txt")):
                    source = Path(dirpath) / name
                    target = destination / source.relative_to(ROOT)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)


def test_every_translatable_string_in_the_code_is_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs makemessages over a copy of the sources and the catalogue, and expects nothing new to translate.

    A copy, because makemessages writes into every `locale` folder it finds under the working directory.
    """
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("GNU gettext (xgettext, msgmerge) is required under CI: apt-get install -y gettext")
        pytest.skip("GNU gettext is not installed (apt-get install -y gettext)")
    _copy_sources(tmp_path)
    locale_dir = tmp_path / "crm" / "locale"
    copy = locale_dir / "es" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(PO_PATH, copy)
    monkeypatch.chdir(tmp_path)

    with override_settings(LOCALE_PATHS=[locale_dir]):
        call_command(
            "makemessages",
            locale=["es"],
            ignore_patterns=MAKEMESSAGES_IGNORE,
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )

    catalog = _read_catalog(copy)
    _apply_pending(catalog)
    problems = _problems(catalog)
    assert problems == [], (
        "strings in the code are missing from crm/locale/es/LC_MESSAGES/django.po: run `make messages`, "
        "translate them, then compile (" + COMPILE_HINT + ")\n" + "\n".join(problems)
    )


def test_translation_functions_keep_the_names_makemessages_looks_for() -> None:
    """makemessages (xgettext) finds only `_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`… by name: a string
    marked through an alias such as `gettext_lazy as _lazy` never reaches the catalogue and stays English."""
    alias = re.compile(r"from django\.utils\.translation import[^\n]*\b(?:\w*gettext\w*) as (?!_\b)(\w+)")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(1)}"
        for path in sorted((ROOT / "crm").rglob("*.py"))
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
