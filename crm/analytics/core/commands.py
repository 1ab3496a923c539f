"""`crm analytics <subcommand>`: each analytics module adds its subcommands from `AppConfig.ready()`:

    analytics_command_register(name="rfm", help=_("…"), arguments=add_rfm_arguments, handle=rfm_command)

`arguments(parser)` adds the argparse options; `handle(options, stdout, stderr) -> int` runs it and returns the
exit status. Raise CommandError (or AnalyticsError / InvalidInput) for a clear message without a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class AnalyticsCommand:
    name: str
    help: str | Promise
    arguments: Callable[[argparse.ArgumentParser], None]
    handle: Callable[[dict[str, Any], Any, Any], int]


_COMMANDS: dict[str, AnalyticsCommand] = {}


def analytics_command_register(
    *,
    name: str,
    help: str | Promise,
    arguments: Callable[[argparse.ArgumentParser], None],
    handle: Callable[[dict[str, Any], Any, Any], int],
) -> None:
    _COMMANDS[name] = AnalyticsCommand(name=name, help=help, arguments=arguments, handle=handle)


def analytics_commands() -> list[AnalyticsCommand]:
    return sorted(_COMMANDS.values(), key=lambda c: c.name)
