from __future__ import annotations

import datetime as dt
import io

import pytest
import vobject
from django.core.management import call_command

from crm.contacts.selectors import contact_card_get
from crm.contacts.tests.factories import AccountFactory, AddressFactory, ContactFactory, user_with_role
from crm.integrations.dataio.tests.conftest import Contact, run_import
from crm.integrations.dataio.vcards import vcard_render


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcard_round_trip(admin, version):
    account = AccountFactory(name="Acme SA", owner=admin)
    contact = ContactFactory(
        first_name="José",
        last_name="Núñez",
        email="jose@example.com",
        phone="+34612345678",
        mobile="+34699111222",
        job_title="CTO",
        birthday=dt.date(1980, 2, 29),
        owner=admin,
        description="Prefiere llamadas",
        primary_account=account,
        external_id="EXT-9",
    )
    AddressFactory(account=None, contact=contact, street="Gran Vía 1", city="Madrid")
    text = vcard_render([contact_card_get(user=admin, pk=contact.pk)], version=version)
    card = vobject.readOne(text)
    assert card.version.value == version
    assert card.fn.value == "José Núñez" and card.org.value == ["Acme SA"] and card.adr.value.city == "Madrid"
    Contact.objects.all().delete()
    job = run_import(admin, text.encode("utf-8"), name="contact.vcf", update_by="external_id")
    assert (job.file_format, job.created_count, job.failed_count) == ("vcf", 1, 0)
    again = Contact.objects.get()
    assert (
        again.first_name,
        again.last_name,
        again.email,
        again.phone,
        again.mobile,
        again.job_title,
        again.birthday,
        again.description,
        again.external_id,
    ) == (
        "José",
        "Núñez",
        "jose@example.com",
        "+34612345678",
        "+34699111222",
        "CTO",
        dt.date(1980, 2, 29),
        "Prefiere llamadas",
        "EXT-9",
    )


def test_many_cards_in_one_file_and_a_broken_one_is_a_row_error(admin):
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ruiz;Ana;;;\r\nFN:Ana Ruiz\r\nEMAIL;TYPE=INTERNET:ana@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Luis Gil\r\nTEL;TYPE=cell:tel:+34 699 000 111\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nthis line has no colon\r\nEND:VCARD\r\n"
    )
    job = run_import(admin, text, name="agenda.vcf")
    assert (job.created_count, job.failed_count) == (2, 1)
    assert Contact.objects.get(email="ana@example.com").full_name == "Ana Ruiz"
    assert Contact.objects.get(last_name="Gil").mobile == "+34699000111"


def test_cli_imports_a_vcf_file(admin, tmp_path):
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nN:Ruiz;Ana\nFN:Ana Ruiz\nEMAIL:ana@example.com\nEND:VCARD\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import", "contacts", str(path), "--user", admin.email, stdout=out, stderr=io.StringIO())
    assert "created: 1" in out.getvalue()


def test_api_vcard(client, admin):
    contact = ContactFactory(first_name="Ana", last_name="Ruiz", email="ana@example.com", owner=admin)
    client.force_login(admin)
    response = client.get(f"/api/v1/contacts/{contact.pk}/vcard?version=4.0")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/vcard")
    assert "VERSION:4.0" in response.content.decode()
    bad = client.get(f"/api/v1/contacts/{contact.pk}/vcard?version=2.1")
    assert bad.status_code in {400, 422} and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"] == [{"field": "version", "message": "Choose vCard version 3.0 or 4.0."}]


def test_api_vcard_of_an_invisible_contact_is_404(client, admin):
    contact = ContactFactory(owner=admin)
    client.force_login(user_with_role("sales_rep"))
    assert client.get(f"/api/v1/contacts/{contact.pk}/vcard").status_code == 404
