from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from datasharing.dictionary import as_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "data-dictionary.md"


class Command(BaseCommand):
    help = "Print the data returns' data dictionary, or write it to docs/data-dictionary.md."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--write", action="store_true", help=f"Write {DOC.name}")

    def handle(self, *args, write: bool, **options) -> None:
        text = as_markdown()
        if write:
            DOC.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOC}")
        else:
            self.stdout.write(text, ending="")
