"""Test data for accounts and contacts, and the users/teams/roles every app's tests need.

Other apps may import `UserFactory`, `TeamFactory`, `role`, `user_with_role` from here.
"""

from __future__ import annotations

from typing import Any

import factory

from crm.contacts.models import Account, Address, Contact, ContactAccount, Tag
from crm.core.identity.models import Role, Team, User


def role(key: str) -> Role:
    """One of the built-in roles (created by the identity data migration): administrator, sales_manager,
    sales_rep, service_agent, marketing, read_only."""
    found = Role.objects.filter(key=key).first()
    if found is None:
        from crm.core.identity.services import roles_ensure_defaults

        roles_ensure_defaults()
        found = Role.objects.get(key=key)
    return found


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A sales rep by default; pass `role=role("administrator")` or use `user_with_role`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User Number{n}")
    is_active = True
    role = factory.LazyFunction(lambda: role("sales_rep"))
    team = None

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or "pass-1234-word")
        if create:
            obj.save(update_fields=["password"])


def user_with_role(key: str, **kwargs: Any) -> User:
    user: User = UserFactory(role=role(key), **kwargs)
    return user


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Account {n:04d}")
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(obj: Account, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.tags.set([t if isinstance(t, Tag) else TagFactory(name=t) for t in extracted])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Ana{n}")
    last_name = factory.Sequence(lambda n: f"García{n}")
    full_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}".strip())
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    owner = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(obj: Contact, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.tags.set([t if isinstance(t, Tag) else TagFactory(name=t) for t in extracted])


class ContactAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAccount

    contact = factory.SubFactory(ContactFactory)
    account = factory.SubFactory(AccountFactory)
    role = ""


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    account = factory.SubFactory(AccountFactory)
    contact = None
    street = factory.Sequence(lambda n: f"Calle Mayor {n}")
    city = "Madrid"
    postal_code = "28001"
    country = "ES"
