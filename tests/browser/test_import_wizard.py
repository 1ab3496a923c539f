"""The import wizard in a real browser: upload → mapping (suggested) → preview (row problems) → run → result."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from crm.contacts.models import Contact
from crm.integrations.dataio.models import ImportJob
from crm.integrations.dataio.services.imports import import_run

CSV = (
    "Nombre;Apellidos;Correo electrónico;Teléfono;Cumpleaños;Notas internas\n"
    "Ana;Ruiz;ana@example.com;612 345 678;31/12/1990;VIP\n"
    "Luis;Gil;luis-sin-arroba;;;\n"
    "Ana;Repetida;ANA@example.com;;;\n"
).encode()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_import_wizard_upload_map_preview_run_result(page: Page, login, admin, shots, tmp_path) -> None:
    login(admin)
    page.goto(reverse("dataio:import_list"))
    expect(page.get_by_role("heading", name="Import", level=1)).to_be_visible()
    shots.take("import-upload")

    # Step 1: upload a semicolon-separated Spanish CSV
    path = tmp_path / "clientes.csv"
    path.write_bytes(CSV)
    page.get_by_label("Import into").select_option("contacts.contact")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map columns").click()

    # Step 2: the columns are suggested from their Spanish names; the unknown one is left out
    expect(page.get_by_role("heading", name="Map columns", level=1)).to_be_visible()
    expect(page.get_by_label("Field for column Nombre")).to_have_value("first_name")
    expect(page.get_by_label("Field for column Correo electrónico")).to_have_value("email")
    expect(page.get_by_label("Field for column Cumpleaños")).to_have_value("birthday")
    expect(page.get_by_label("Field for column Notas internas")).to_have_value("")
    page.get_by_label("Field for column Notas internas").select_option("description")
    page.get_by_label("Dates").select_option("dmy")
    page.get_by_label("Update existing records matched by").select_option("email")
    shots.take("import-mapping")
    page.get_by_role("button", name="Preview").click()

    # Step 3: the preview flags the bad email and the duplicate, and nothing is stored yet
    expect(page.get_by_role("heading", name="Preview", level=1)).to_be_visible()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("“luis-sin-arroba” is not a valid email address.")
    expect(preview).to_contain_text("Duplicate of row 2")
    assert Contact.objects.count() == 0
    shots.take("import-preview")
    page.get_by_role("button", name="Import 3 rows").click()

    # Step 4: a progress bar while the job waits for a worker…
    expect(page.locator(".progress")).to_be_visible()
    shots.save("import-progress-1280")
    job = ImportJob.objects.get()
    import_run(job_id=job.pk)  # …which is what `crm worker` does

    # Step 5: the polling notices the end and shows the result
    expect(page.locator("#count-created")).to_have_text("1", timeout=10_000)
    expect(page.locator(".progress")).to_have_count(0, timeout=10_000)
    expect(page.locator("#count-failed")).to_have_text("1")
    expect(page.locator("#count-skipped")).to_have_text("1")
    expect(page.get_by_role("link", name="Download the row report (CSV)")).to_be_visible()
    shots.take("import-result")
    contact = Contact.objects.get()
    assert (contact.full_name, contact.phone, contact.description, contact.birthday.isoformat()) == (
        "Ana Ruiz",
        "+34612345678",
        "VIP",
        "1990-12-31",
    )


def test_contact_vcard_download_and_list_export_menu(page: Page, login, admin, shots) -> None:
    from crm.contacts import services as contact_services

    contact = contact_services.contact_create(
        actor=admin, first_name="Lucía", last_name="Martín", email="lucia@example.com"
    )
    login(admin)
    page.goto(contact.get_absolute_url())
    shots.take("contact-vcard-button")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download vCard").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "FN:Lucía Martín" in text and "EMAIL;TYPE=INTERNET:lucia@example.com" in text

    page.goto(reverse("contacts:contact_list"))
    page.locator("#list-export summary").click()
    shots.take("contacts-export-menu")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
