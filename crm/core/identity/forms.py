"""Validation of the sign-in, profile and administration forms. No writes here: views call the services."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError
from crm.core.identity import selectors
from crm.core.identity.enums import Action, RoleKey, Scope
from crm.core.identity.models import Role, Team, User
from crm.core.identity.permissions import ALL_OBJECTS, object_types

LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW_SECONDS = 15 * 60


def apply_domain_error(form: forms.Form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's error on the form: each named field inline, the rest (or the message) at the top.

    `aliases` maps a service's field name to the form's (e.g. {"password": "password1"}).
    """
    placed = False
    for name, messages in exc.field_errors.items():
        name = (aliases or {}).get(name, name)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def role_label(role: Role | None) -> str:
    """A role's name as people read it: the built-in ones in the active language."""
    if role is None:
        return ""
    if role.is_system and role.key in RoleKey.values:
        return str(RoleKey(role.key).label)
    return role.name


class RoleChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return role_label(obj)


# --- sign in ------------------------------------------------------------------------------------------------


class LoginForm(auth_forms.AuthenticationForm):
    """Email and password; after 10 failures in 15 minutes for one email from one address, wait."""

    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    remember_me = forms.BooleanField(label=_("Keep me signed in on this device"), required=False)

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "too_many_attempts": _(
            "Too many failed attempts. Wait 15 minutes and try again, or reset your password."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()  # emails are stored lower-case

    def _throttle_key(self) -> str:
        email = str(self.data.get("username", "")).strip().lower()
        ip = self.request.META.get("REMOTE_ADDR", "") if self.request is not None else ""
        digest = hashlib.sha256(f"{email}|{ip}".encode()).hexdigest()
        return f"crm:login-failures:{digest}"

    def clean(self) -> dict[str, Any]:
        key = self._throttle_key()
        if int(cache.get(key, 0)) >= LOGIN_MAX_FAILURES:
            raise ValidationError(self.error_messages["too_many_attempts"], code="too_many_attempts")
        try:
            return super().clean()
        except ValidationError:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, LOGIN_WINDOW_SECONDS)
            raise


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches active users who never set a password (invited by an administrator)."""

    def get_users(self, email: str) -> Any:
        user = selectors.user_get_by_email(email=email)
        if user is not None and user.is_active:
            yield user


# --- profile ----------------------------------------------------------------------------------------------


def language_choices() -> list[tuple[str, Any]]:
    return [("", _("Same as the browser")), *[(code, name) for code, name in settings.LANGUAGES]]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=language_choices)


TOKEN_EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("", _("Never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("What the token is for, e.g. “Spreadsheet sync”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Access"),
        choices=[("read", _("Read")), ("write", _("Write"))],
        initial=["read"],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in = forms.ChoiceField(
        label=_("Expires"), choices=TOKEN_EXPIRY_CHOICES, initial="90", required=False
    )

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


# --- administration: users, teams, roles ----------------------------------------------------------------


def _user_queryset() -> Any:
    return selectors.user_list(is_active=True)


class UserForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = RoleChoiceField(
        label=_("Role"), queryset=Role.objects.none(), required=False, empty_label=_("No role")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )
    manager = forms.ModelChoiceField(
        label=_("Reports to"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=language_choices)
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True, help_text=_("Inactive users cannot sign in.")
    )

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "email": instance.email,
                "full_name": instance.full_name,
                "job_title": instance.job_title,
                "phone": instance.phone,
                "role": instance.role_id,
                "team": instance.team_id,
                "manager": instance.manager_id,
                "language": instance.language,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        role_field: Any = self.fields["role"]
        role_field.queryset = selectors.role_list()
        team_field: Any = self.fields["team"]
        team_field.queryset = selectors.team_list()
        manager_field: Any = self.fields["manager"]
        managers = _user_queryset()
        if instance is not None:
            managers = managers.exclude(pk=instance.pk)
        manager_field.queryset = managers


class UserCreateForm(UserForm):
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to email them a link to choose their own."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    send_reset_link = forms.BooleanField(
        label=_("Email a link to set their password"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["password"] = data.pop("password1") or None
        data.pop("password2", None)
        data.pop("send_reset_link", None)
        data.pop("is_active", None)
        return data


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class UserFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("active", _("Active")), ("inactive", _("Inactive"))],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: Any = self.fields["team"]
        team_field.queryset = selectors.team_list()

    def selector_kwargs(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        status = self.cleaned_data.get("status")
        team = self.cleaned_data.get("team")
        return {
            "is_active": {"active": True, "inactive": False}.get(status or ""),
            "team_id": team.pk if team else None,
        }


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A user belongs to one team; ticking someone moves them here."),
    )

    def __init__(
        self, *args: Any, instance: Team | None = None, members: list[User] | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "description": instance.description,
                "members": [u.pk for u in members or []],
            }
        super().__init__(*args, **kwargs)
        members_field: Any = self.fields["members"]
        members_field.queryset = _user_queryset()
        members_field.label_from_instance = lambda u: (
            f"{u.full_name} ({u.team.name})"
            if u.team_id and (instance is None or u.team_id != instance.pk)
            else u.full_name
        )


class RoleForm(forms.Form):
    """A role's name and its permission matrix: one select per (object type, action).

    The "*" (all objects) row: empty = no access, or own … all. Each object type's row: empty = as the "*" row
    says (no row stored), "none" = denied whatever "*" grants, or own … all.
    """

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_admin = forms.BooleanField(
        label=_("Administers the system"),
        required=False,
        help_text=_("May manage users, teams, roles, custom fields and the recycle bin."),
    )

    def __init__(
        self,
        *args: Any,
        instance: Role | None = None,
        matrix: dict[tuple[str, str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if instance is not None:
            initial.update(
                {
                    "name": role_label(instance),
                    "description": instance.description,
                    "is_admin": instance.is_admin,
                }
            )
        for (object_type, action), scope in (matrix or {}).items():
            if object_type == ALL_OBJECTS and scope == Scope.NONE:
                continue  # the same as no row: shown as the empty choice
            initial[self.cell_name(object_type, action)] = scope
        super().__init__(*args, **kwargs)
        self.instance = instance
        grants = [(s.value, s.label) for s in Scope if s != Scope.NONE]
        for key, _label in self.matrix_rows():
            if key == ALL_OBJECTS:
                choices = [("", _("None")), *grants]
            else:
                choices = [("", _("As for all objects")), (Scope.NONE.value, Scope.NONE.label), *grants]
            for action in Action:
                self.fields[self.cell_name(key, action.value)] = forms.ChoiceField(
                    label=action.label, required=False, choices=choices
                )

    @staticmethod
    def cell_name(object_type: str, action: str) -> str:
        return f"perm:{object_type}:{action}"

    @staticmethod
    def matrix_rows() -> list[tuple[str, Any]]:
        return [(ALL_OBJECTS, _("All objects")), *[(t.key, t.label) for t in object_types()]]

    def _all_objects_scope_label(self, action: str) -> Any:
        """What the "*" row currently says for `action` (as shown on this form), or None when it is invalid."""
        value = str(self[self.cell_name(ALL_OBJECTS, action)].value() or "")
        if not value:
            return Scope.NONE.label
        return Scope(value).label if value in Scope.values and value != Scope.NONE else None

    def matrix(self) -> list[dict[str, Any]]:
        """Rows for the template: label and one cell per action (its bound field and, when the cell follows the
        "*" row, the scope it inherits from there)."""
        inherited = {action.value: self._all_objects_scope_label(action.value) for action in Action}
        rows = []
        for key, label in self.matrix_rows():
            cells = []
            for action in Action:
                field = self[self.cell_name(key, action.value)]
                follows_all = key != ALL_OBJECTS and not field.value()
                cells.append({"field": field, "inherited": inherited[action.value] if follows_all else None})
            rows.append({"key": key, "label": label, "is_all": key == ALL_OBJECTS, "cells": cells})
        return rows

    def actions(self) -> list[Any]:
        """The matrix's column headings."""
        return [action.label for action in Action]

    def grants(self) -> dict[tuple[str, str], str | None]:
        return {
            (key, action.value): self.cleaned_data.get(self.cell_name(key, action.value)) or None
            for key, _label in self.matrix_rows()
            for action in Action
        }
