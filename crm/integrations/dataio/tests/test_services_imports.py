from __future__ import annotations

import datetime as dt

from crm.contacts.models import Contact
from crm.integrations.dataio.tests.conftest import run_import


def test_import_creates_contacts_with_spanish_dates_and_semicolons(admin):
    content = "Nombre;Apellidos;Correo electrónico;Teléfono;Cumpleaños\nAna;López;ANA@example.com;612 345 678;31/12/1990\n"
    job = run_import(admin, content, date_order="dmy")
    assert job.status == "done", job.error
    assert (job.created_count, job.updated_count, job.skipped_count, job.failed_count) == (1, 0, 0, 0)
    contact = Contact.objects.get()
    assert contact.email == "ana@example.com"
    assert contact.full_name == "Ana López"
    assert contact.phone == "+34612345678"
    assert contact.birthday == dt.date(1990, 12, 31)
    assert contact.owner == admin
