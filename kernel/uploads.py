"""The one way files come into the portal and go back out (evidence, MOU documents, returns).

- Type is decided by the file's content, not its name or the browser's say-so, and the name's
  extension must agree with it.
- Size is limited (UPLOAD_MAX_BYTES).
- Stored under a random name in PRIVATE_MEDIA_ROOT, outside static files and anything a web
  server publishes; the storage reads its location when used, so tests can point it elsewhere.
- Served only by `upload_response`, from a view that has already checked the viewer's scope, as
  an attachment with nosniff.

Usage: `models.FileField(storage=private_storage, upload_to=upload_path("evidence"))` and
`UploadField(kinds={"pdf", "docx"})` in the form.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: frozenset[str]
    content_type: str
    matches: Callable[[bytes, Callable[[], bytes]], bool]


def _zip_member(prefix: str) -> Callable[[bytes, Callable[[], bytes]], bool]:
    """Office Open XML files are zip archives with a telltale folder inside."""

    def check(head: bytes, read_all: Callable[[], bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(read_all())) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)

    return check


def _is_text_csv(head: bytes, read_all: Callable[[], bytes]) -> bool:
    data = read_all()
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return False
    return bool(rows)


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc and .xls

FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind(
        "PDF", frozenset({".pdf"}), "application/pdf", lambda h, _: h.startswith(b"%PDF-")
    ),
    "png": FileKind(
        "PNG image",
        frozenset({".png"}),
        "image/png",
        lambda h, _: h.startswith(b"\x89PNG\r\n\x1a\n"),
    ),
    "jpeg": FileKind(
        "JPEG image",
        frozenset({".jpg", ".jpeg"}),
        "image/jpeg",
        lambda h, _: h.startswith(b"\xff\xd8\xff"),
    ),
    "docx": FileKind(
        "Word document",
        frozenset({".docx"}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_member("word/"),
    ),
    "xlsx": FileKind(
        "Excel spreadsheet",
        frozenset({".xlsx"}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_member("xl/"),
    ),
    "doc": FileKind(
        "Word 97-2003 document",
        frozenset({".doc"}),
        "application/msword",
        lambda h, _: h.startswith(OLE2),
    ),
    "xls": FileKind(
        "Excel 97-2003 spreadsheet",
        frozenset({".xls"}),
        "application/vnd.ms-excel",
        lambda h, _: h.startswith(OLE2),
    ),
    "csv": FileKind("CSV file", frozenset({".csv"}), "text/csv", _is_text_csv),
}


def detect_kind(name: str, read: Callable[[], bytes], allowed: Iterable[str]) -> str:
    """The kind of file, from its content, among `allowed`; ValidationError if it is none of them
    or its name claims something else."""
    allowed = list(allowed)
    extension = PurePath(name or "").suffix.lower()
    candidates = [k for k in allowed if extension in FILE_KINDS[k].extensions]
    if not candidates:
        names = [FILE_KINDS[k].label for k in allowed]
        listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
        article = "an" if listed[0].lower() in "aeiou" else "a"
        raise ValidationError(f"The selected file must be {article} {listed}", code="extension")
    cache: dict[str, bytes] = {}

    def read_all() -> bytes:
        if "data" not in cache:
            cache["data"] = read()
        return cache["data"]

    head = read_all()[:16]
    for kind in candidates:
        if FILE_KINDS[kind].matches(head, read_all):
            return kind
    raise ValidationError(
        f"The selected file is not a real {FILE_KINDS[candidates[0]].label}: it may be damaged "
        "or renamed",
        code="content",
    )


class UploadField(forms.FileField):
    """A file upload checked by size and by content. Sets `upload_kind` on the file. Drawn as
    the GOV.UK file upload component (label, hint, error, `govuk-file-upload`); a page shows the
    file it holds already on its own, so the input never carries Django's "Currently / Clear"
    text. Not the JavaScript-enhanced version: axe reports its button's name as not matching
    its visible text (label-content-name-mismatch, serious), docs/adr/0016-breach-journey.md."""

    widget = forms.FileInput
    default_error_messages = {"empty": "The selected file is empty"}

    def __init__(self, *, kinds: Iterable[str], max_bytes: int | None = None, **kwargs) -> None:
        self.kinds = tuple(kinds)
        unknown = set(self.kinds) - set(FILE_KINDS)
        if unknown:
            raise ValueError(f"Unknown file kinds: {sorted(unknown)}")
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            f"{', '.join(FILE_KINDS[k].label for k in self.kinds)}; up to {filesizeformat(self._limit())}",
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(
            sorted(ext for k in self.kinds for ext in FILE_KINDS[k].extensions)
        )

    def _limit(self) -> int:
        return self.max_bytes or settings.UPLOAD_MAX_BYTES

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        if upload.size > self._limit():
            raise ValidationError(
                f"The selected file must be smaller than {filesizeformat(self._limit())}",
                code="size",
            )
        if upload.size == 0:
            raise ValidationError("The selected file is empty", code="empty")

        def read() -> bytes:
            upload.seek(0)
            data = upload.read()
            upload.seek(0)
            return data

        upload.upload_kind = detect_kind(upload.name, read, self.kinds)
        return upload


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files kept outside anything served publicly; the folder is read from settings each time,
    so a test's PRIVATE_MEDIA_ROOT applies."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):  # type: ignore[override]
        return str(PurePath(settings.PRIVATE_MEDIA_ROOT))

    def url(self, name):
        raise ValueError("Private files have no public address; serve them with upload_response")


private_storage = PrivateStorage()


@deconstructible
class upload_path:
    """upload_to= for a FileField: `<folder>/<yyyy>/<mm>/<random>.<ext>`, never the user's name."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = PurePath(filename).suffix.lower()[:10]
        today = timezone.localdate()
        return f"{self.folder}/{today:%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, upload_path) and other.folder == self.folder


def safe_download_name(name: str | None, fallback: str = "download") -> str:
    cleaned = get_valid_filename(PurePath(name or "").name) if name else ""
    return cleaned or fallback


def upload_response(
    file: FieldFile, *, download_name: str, kind: str | None = None
) -> FileResponse:
    """Send a stored upload as an attachment. Call only after checking the viewer's scope."""
    content_type = FILE_KINDS[kind].content_type if kind else "application/octet-stream"
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=safe_download_name(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
