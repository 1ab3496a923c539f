"""The fields an imported account or contact row may carry, with header names in English and Spanish."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from crm.contacts.enums import AccountStatus, AccountType, CompanySize, Consent, Industry
from crm.core.loading import LoadField

CONTACT_LOAD_FIELDS: tuple[LoadField, ...] = (
    LoadField(
        "external_id",
        gettext_lazy("External id"),
        max_length=100,
        synonyms=("id", "external id", "id externo", "código", "codigo", "contact id"),
    ),
    LoadField(
        "first_name",
        gettext_lazy("First name"),
        max_length=100,
        synonyms=("first name", "firstname", "given name", "nombre", "name"),
    ),
    LoadField(
        "last_name",
        gettext_lazy("Last name"),
        max_length=100,
        synonyms=("last name", "lastname", "surname", "family name", "apellidos", "apellido"),
    ),
    LoadField(
        "email",
        gettext_lazy("Email"),
        kind="email",
        synonyms=(
            "email",
            "e-mail",
            "email address",
            "mail",
            "correo",
            "correo electrónico",
            "correo electronico",
        ),
    ),
    LoadField(
        "phone",
        gettext_lazy("Phone"),
        kind="phone",
        synonyms=("phone", "telephone", "work phone", "teléfono", "telefono", "tel"),
    ),
    LoadField(
        "mobile",
        gettext_lazy("Mobile"),
        kind="phone",
        synonyms=("mobile", "cell", "mobile phone", "móvil", "movil", "celular"),
    ),
    LoadField(
        "job_title",
        gettext_lazy("Job title"),
        max_length=120,
        synonyms=("job title", "title", "position", "cargo", "puesto"),
    ),
    LoadField(
        "department", gettext_lazy("Department"), max_length=120, synonyms=("department", "departamento")
    ),
    LoadField(
        "language", gettext_lazy("Preferred language"), max_length=8, synonyms=("language", "idioma", "lang")
    ),
    LoadField(
        "birthday",
        gettext_lazy("Birthday"),
        kind="date",
        synonyms=("birthday", "birth date", "date of birth", "cumpleaños", "fecha de nacimiento"),
    ),
    LoadField(
        "description",
        gettext_lazy("Description"),
        max_length=10_000,
        synonyms=("description", "notes", "descripción", "descripcion", "notas"),
    ),
    LoadField(
        "email_consent",
        gettext_lazy("Email consent"),
        kind="choice",
        choices=Consent,
        synonyms=("email consent", "consent", "consentimiento"),
    ),
    LoadField(
        "consent_source",
        gettext_lazy("Consent source"),
        max_length=120,
        synonyms=("consent source", "origen del consentimiento"),
    ),
    LoadField("do_not_call", gettext_lazy("Do not call"), kind="bool", synonyms=("do not call", "no llamar")),
    LoadField(
        "owner",
        gettext_lazy("Owner (email)"),
        kind="user",
        synonyms=("owner", "owner email", "propietario", "responsable"),
    ),
    LoadField(
        "account",
        gettext_lazy("Account (name or external id)"),
        kind="ref",
        synonyms=(
            "account",
            "company",
            "organization",
            "organisation",
            "cuenta",
            "empresa",
            "compañía",
            "compania",
        ),
    ),
)

ACCOUNT_LOAD_FIELDS: tuple[LoadField, ...] = (
    LoadField(
        "external_id",
        gettext_lazy("External id"),
        max_length=100,
        synonyms=("id", "external id", "id externo", "código", "codigo", "account id"),
    ),
    LoadField(
        "name",
        gettext_lazy("Name"),
        max_length=200,
        synonyms=(
            "name",
            "account",
            "account name",
            "company",
            "company name",
            "nombre",
            "cuenta",
            "empresa",
            "razón social",
        ),
    ),
    LoadField(
        "legal_name",
        gettext_lazy("Legal name"),
        max_length=200,
        synonyms=("legal name", "nombre legal", "denominación social"),
    ),
    LoadField(
        "tax_id",
        gettext_lazy("Tax id"),
        max_length=40,
        synonyms=("tax id", "vat", "vat number", "nif", "cif", "rfc"),
    ),
    LoadField(
        "account_type",
        gettext_lazy("Type"),
        kind="choice",
        choices=AccountType,
        synonyms=("type", "account type", "tipo"),
    ),
    LoadField(
        "status", gettext_lazy("Status"), kind="choice", choices=AccountStatus, synonyms=("status", "estado")
    ),
    LoadField(
        "industry",
        gettext_lazy("Industry"),
        kind="choice",
        choices=Industry,
        synonyms=("industry", "sector", "industria"),
    ),
    LoadField(
        "size",
        gettext_lazy("Size"),
        kind="choice",
        choices=CompanySize,
        synonyms=("size", "employees", "tamaño", "empleados"),
    ),
    LoadField(
        "website",
        gettext_lazy("Website"),
        kind="url",
        max_length=300,
        synonyms=("website", "web", "url", "sitio web", "página web"),
    ),
    LoadField(
        "email",
        gettext_lazy("Email"),
        kind="email",
        synonyms=("email", "e-mail", "mail", "correo", "correo electrónico"),
    ),
    LoadField(
        "phone",
        gettext_lazy("Phone"),
        kind="phone",
        synonyms=("phone", "telephone", "teléfono", "telefono", "tel"),
    ),
    LoadField(
        "description",
        gettext_lazy("Description"),
        max_length=10_000,
        synonyms=("description", "notes", "descripción", "descripcion", "notas"),
    ),
    LoadField(
        "owner",
        gettext_lazy("Relationship manager (email)"),
        kind="user",
        synonyms=("owner", "owner email", "relationship manager", "propietario", "responsable", "gestor"),
    ),
    LoadField(
        "parent",
        gettext_lazy("Parent account (name or external id)"),
        kind="ref",
        synonyms=("parent", "parent account", "cuenta matriz", "matriz"),
    ),
)
