"""Users, teams, roles and access tokens. Administrators only, except for one's own password and tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.enums import Action, Scope
from crm.core.identity.models import AccessToken, Role, RolePermission, Team, User
from crm.core.identity.permissions import ALL_OBJECTS, DEFAULT_ROLE_MATRIX, user_is_admin

TOKEN_PREFIX = "crm_"  # noqa: S105 - a public marker, not a secret
TOKEN_SCOPES = ("read", "write")


def _require_admin(actor: Any) -> None:
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied()


def roles_ensure_defaults() -> None:
    """Create the built-in roles and their permissions if missing (idempotent)."""
    from crm.core.identity.enums import RoleKey

    for key in RoleKey:
        role, _created = Role.objects.get_or_create(
            key=key.value,
            defaults={"name": str(key.label), "is_system": True, "is_admin": key == RoleKey.ADMINISTRATOR},
        )
        for action, scope in DEFAULT_ROLE_MATRIX[key].items():
            RolePermission.objects.get_or_create(
                role=role, object_type="*", action=str(action), defaults={"scope": str(scope)}
            )


def _validate_user_fields(
    *, email: str, full_name: str, exclude_pk: int | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    else:
        same = User.objects.filter(email__iexact=email)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["email"] = [_("A user with this email already exists.")]
    if not full_name.strip():
        errors["full_name"] = [_("This field is required.")]
    return errors


def _check_manager(user_pk: int | None, manager: User | None) -> None:
    seen: set[int] = set()
    node = manager
    while node is not None:
        if user_pk is not None and node.pk == user_pk:
            raise InvalidInput(
                field_errors={"manager": [_("A user cannot report to someone who reports to them.")]}
            )
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.manager


@transaction.atomic
def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    password: str | None = None,
    role: Role | None = None,
    team: Team | None = None,
    manager: User | None = None,
    job_title: str = "",
    phone: str = "",
    language: str = "",
    is_superuser: bool = False,
) -> User:
    _require_admin(actor)
    email = (email or "").strip().lower()
    errors = _validate_user_fields(email=email, full_name=full_name or "")
    if password:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(field_errors=errors)
    _check_manager(None, manager)
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        team=team,
        manager=manager,
        job_title=job_title,
        phone=phone,
        language=language,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


USER_UPDATABLE = frozenset(
    {"full_name", "email", "role", "team", "manager", "job_title", "phone", "language", "is_active"}
)


@transaction.atomic
def user_update(*, actor: Any, user: User, **changes: Any) -> User:
    is_self = actor is not None and actor.pk == user.pk
    if not is_self or set(changes) - {"full_name", "job_title", "phone", "language"}:
        _require_admin(actor)
    unknown = set(changes) - USER_UPDATABLE
    if unknown:
        raise InvalidInput(field_errors={k: [_("This field cannot be changed.")] for k in sorted(unknown)})
    user = User.objects.select_for_update().get(pk=user.pk)
    email = str(changes.get("email", user.email)).strip().lower()
    errors = _validate_user_fields(
        email=email, full_name=changes.get("full_name", user.full_name), exclude_pk=user.pk
    )
    if errors:
        raise InvalidInput(field_errors=errors)
    if "manager" in changes:
        _check_manager(user.pk, changes["manager"])
    if is_self and changes.get("is_active") is False:
        raise InvalidInput(field_errors={"is_active": [_("You cannot deactivate yourself.")]})
    changes["email"] = email
    for name, value in changes.items():
        setattr(user, name, value)
    user.save()
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> User:
    if actor is None or actor.pk != user.pk:
        _require_admin(actor)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"password": list(exc.messages)}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def user_password_reset_send(*, actor: Any, user: User, domain: str, use_https: bool = True) -> None:
    """Email `user` a link to choose a new password (sent after the surrounding transaction commits).

    The same templates and link as the "Forgot your password?" page; administrators use it to invite people.
    """
    if actor is not None and actor.pk != user.pk:
        _require_admin(actor)
    if not user.is_active:
        raise InvalidInput(field_errors={"is_active": [_("Activate this user first.")]})
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with translation.override(user.language or translation.get_language()):
        subject = "".join(render_to_string("identity/password_reset_subject.txt", context).splitlines())
        body = render_to_string("identity/password_reset_email.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    transaction.on_commit(message.send)


def _team_members_set(team: Team, members: Iterable[User]) -> None:
    """Exactly `members` belong to `team` (a user is in one team: adding someone moves them here)."""
    ids = sorted({m.pk for m in members})
    User.objects.filter(team=team).exclude(pk__in=ids).update(team=None)
    User.objects.filter(pk__in=ids).exclude(team=team).update(team=team)


@transaction.atomic
def team_create(
    *, actor: Any, name: str, description: str = "", members: Iterable[User] | None = None
) -> Team:
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(field_errors={"name": [_("This field is required.")]})
    if Team.objects.filter(name__iexact=name).exists():
        raise InvalidInput(field_errors={"name": [_("A team with this name already exists.")]})
    team = Team.objects.create(name=name, description=description)
    if members is not None:
        _team_members_set(team, members)
    return team


@transaction.atomic
def team_update(
    *, actor: Any, team: Team, name: str, description: str = "", members: Iterable[User] | None = None
) -> Team:
    """Rename a team; with `members`, make exactly those users its members."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(field_errors={"name": [_("This field is required.")]})
    if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
        raise InvalidInput(field_errors={"name": [_("A team with this name already exists.")]})
    team.name = name
    team.description = description
    team.save()
    if members is not None:
        _team_members_set(team, members)
    return team


@transaction.atomic
def team_delete(*, actor: Any, team: Team) -> None:
    from crm.core.events import publish_on_commit
    from crm.core.identity.events import TeamDeleted

    _require_admin(actor)
    team_id = team.pk
    team.delete()
    publish_on_commit(TeamDeleted(team_id=team_id, actor_id=getattr(actor, "pk", None)))


@transaction.atomic
def role_save(
    *,
    actor: Any,
    role: Role | None,
    name: str,
    description: str = "",
    is_admin: bool = False,
    grants: dict[tuple[str, str], str | None],
) -> Role:
    """Create or change a role and its permission matrix: {(object_type, action): scope or None}.

    None deletes the row: an object type then follows the "*" (all objects) row, and "*" grants nothing.
    "none" on an object type's row denies the action there whatever "*" grants; on the "*" row it is the same
    as no row, so no row is kept.
    """
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    for (_object_type, action), scope in grants.items():
        if action not in Action.values or (scope is not None and scope not in Scope.values):
            errors["permissions"] = [_("Choose a valid scope for each action.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if role is None:
        base_key = "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")[:50] or "role"
        key = base_key
        n = 1
        while Role.objects.filter(key=key).exists():
            n += 1
            key = f"{base_key}_{n}"
        role = Role.objects.create(key=key, name=name, description=description, is_admin=is_admin)
    else:
        role = Role.objects.select_for_update().get(pk=role.pk)
        if role.is_admin and not is_admin and role.is_system:
            raise InvalidInput(
                field_errors={"is_admin": [_("The administrator role must keep administering.")]}
            )
        role.name, role.description, role.is_admin = name, description, is_admin
        role.save()
    for (object_type, action), scope in grants.items():
        if scope is None or (object_type == ALL_OBJECTS and scope == Scope.NONE):
            RolePermission.objects.filter(role=role, object_type=object_type, action=action).delete()
        else:
            RolePermission.objects.update_or_create(
                role=role, object_type=object_type, action=action, defaults={"scope": scope}
            )
    return role


@transaction.atomic
def role_delete(*, actor: Any, role: Role) -> None:
    _require_admin(actor)
    if role.is_system:
        raise InvalidInput(field_errors={"role": [_("Built-in roles cannot be deleted.")]})
    if role.users.exists():
        raise InvalidInput(field_errors={"role": [_("Move this role's users to another role first.")]})
    role.delete()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Any,
    user: User,
    name: str,
    scopes: list[str] | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[AccessToken, str]:
    """A new personal access token. The secret is returned once and never stored."""
    if actor is not None and actor.pk != user.pk:
        _require_admin(actor)
    scopes = list(scopes or ["read", "write"])
    bad = [s for s in scopes if s not in TOKEN_SCOPES]
    if bad:
        raise InvalidInput(field_errors={"scopes": [_("Unknown scope “%(scope)s”.") % {"scope": bad[0]}]})
    if not (name or "").strip():
        raise InvalidInput(field_errors={"name": [_("This field is required.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[:10],
        digest=_digest(secret),
        scopes=scopes,
        expires_at=expires_at,
    )
    return token, secret


def token_authenticate(*, secret: str) -> AccessToken | None:
    """The live token for `secret`, or None. Marks it used (at most once a minute)."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def token_revoke(*, actor: Any, token_id: int) -> None:
    token = AccessToken.objects.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise RecordNotFound()
    if actor is not None and token.user_id != actor.pk and not user_is_admin(actor):
        raise RecordNotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
