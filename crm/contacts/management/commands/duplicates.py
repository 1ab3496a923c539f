"""`crm duplicates scan|merge|undo`: find likely duplicate accounts or contacts, merge them, undo a merge.

crm duplicates scan --object contacts --format csv      # id_a,id_b,score,reasons on stdout, progress on stderr
crm duplicates scan --object accounts --auto-merge      # also merge pairs above the automatic threshold
crm duplicates merge --object contacts --survivor 12 --merge 15,18
crm duplicates undo 7
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crm.contacts.enums import DuplicateObject
from crm.contacts.matching import AUTO_MERGE_THRESHOLD
from crm.contacts.services.duplicates import duplicate_scan
from crm.contacts.services.merge import duplicates_auto_merge, merge_undo, records_merge
from crm.core.audit.context import audit_context
from crm.core.errors import DomainError
from crm.core.identity.management.commands._errors import command_error, database_error


def _ids(value: str) -> list[int]:
    try:
        ids = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise CommandError(f"--merge must be record ids separated by commas (got {value!r}).") from None
    if not ids:
        raise CommandError("--merge: give at least one record id.")
    return ids


class Command(BaseCommand):
    help = "Find likely duplicate contacts or accounts, merge them, undo a merge."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{scan,merge,undo}")
        choices = [c.value for c in DuplicateObject]
        scan = sub.add_parser("scan", help="scan the whole base and refresh the review queue")
        scan.add_argument("--object", required=True, choices=choices)
        scan.add_argument("--format", default="csv", choices=["csv"], help="output format (csv)")
        scan.add_argument(
            "--no-store", action="store_true", help="print only; leave the review queue as it is"
        )
        scan.add_argument(
            "--auto-merge",
            action="store_true",
            help=f"merge the pairs scoring ≥ {AUTO_MERGE_THRESHOLD} (the older record survives)",
        )
        merge = sub.add_parser(
            "merge", help="merge records into a survivor (fields: the survivor's, gaps filled)"
        )
        merge.add_argument("--object", required=True, choices=choices)
        merge.add_argument("--survivor", required=True, type=int)
        merge.add_argument("--merge", required=True, type=_ids, metavar="ID[,ID…]")
        undo = sub.add_parser("undo", help="undo a merge by its id")
        undo.add_argument("merge_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit_context(source="system", reason="crm duplicates"):
                getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise command_error(exc) from None
        except DatabaseError as exc:
            raise database_error(exc) from None

    def _scan(self, options: dict[str, Any]) -> None:
        result = duplicate_scan(
            object_type=options["object"],
            store=not options["no_store"] or options["auto_merge"],
            progress=lambda line: self.stderr.write(line),
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["id_a", "id_b", "score", "reasons"])
        for m in sorted(result.matches, key=lambda m: (-m.score, m.id_a, m.id_b)):
            writer.writerow([m.id_a, m.id_b, f"{m.score:.4f}", ";".join(m.reasons)])
        self.stderr.write(
            f"{len(result.matches):,} likely duplicate pairs among {result.pairs_compared:,} compared "
            f"({result.seconds:.1f} s)."
        )
        if options["auto_merge"]:
            merges = duplicates_auto_merge(
                object_type=options["object"], pairs=[(m.id_a, m.id_b, m.score) for m in result.matches]
            )
            self.stderr.write(f"{len(merges):,} pairs merged automatically (score ≥ {AUTO_MERGE_THRESHOLD}).")

    def _merge(self, options: dict[str, Any]) -> None:
        merge = records_merge(
            actor=None,
            object_type=options["object"],
            survivor_id=options["survivor"],
            merged_ids=options["merge"],
        )
        self.stderr.write(
            f"Merged {', '.join(f'#{i}' for i in merge.merged_ids)} into #{merge.survivor_id} "
            f"(merge {merge.pk}; undo with `crm duplicates undo {merge.pk}`)."
        )

    def _undo(self, options: dict[str, Any]) -> None:
        merge = merge_undo(actor=None, merge_id=options["merge_id"])
        self.stderr.write(f"Merge {merge.pk} undone.")
