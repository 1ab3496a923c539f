"""Built-in views offered on every list of an object type (e.g. "My accounts", "My team's accounts"), next to
the users' saved views. Apps register them in `AppConfig.ready()`:

    saved_view_builtin_register(object_type="contacts.account", key="mine", name=_("My accounts"),
                                query="owner=me")
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class BuiltinView:
    key: str
    name: str | Promise
    query: str


_BUILTINS: dict[str, dict[str, BuiltinView]] = {}


def saved_view_builtin_register(*, object_type: str, key: str, name: str | Promise, query: str) -> None:
    _BUILTINS.setdefault(object_type, {})[key] = BuiltinView(key=key, name=name, query=query)


def saved_view_builtins(object_type: str) -> list[BuiltinView]:
    return list(_BUILTINS.get(object_type, {}).values())
