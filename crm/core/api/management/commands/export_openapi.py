"""`crm manage export_openapi > openapi.json` (or `--output openapi.json`): the API's OpenAPI document.

The committed `openapi.json` at the repository root must match the code (tests/test_openapi.py checks it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation


def openapi_document() -> str:
    """The OpenAPI document as stable JSON text (English, sorted keys, trailing newline)."""
    from crm.core.api.api import api

    with translation.override("en"):
        schema = api.get_openapi_schema()
        text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return text + "\n"


class Command(BaseCommand):
    help = "Print the API's OpenAPI document (JSON), or write it to --output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        text = openapi_document()
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
