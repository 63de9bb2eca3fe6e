import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kernel.uploads import (
    FILE_KINDS,
    UploadField,
    detect_kind,
    private_storage,
    upload_path,
    upload_response,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


class EvidenceForm(forms.Form):
    file = UploadField(kinds=["pdf", "png", "docx", "csv"], max_bytes=1024 * 1024)


def _clean(name: str, content: bytes):
    form = EvidenceForm(files={"file": SimpleUploadedFile(name, content)})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("b.PNG", PNG, "png"),
        ("c.docx", _docx(), "docx"),
        ("d.csv", b"a,b\n1,2\n", "csv"),
    ],
)
def test_real_files_are_accepted_by_their_content(name, content, kind):
    form = _clean(name, content)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].upload_kind == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.pdf", b"<script>alert(1)</script>", "is not a real PDF"),
        ("renamed.docx", PDF, "is not a real Word document"),
        ("tool.exe", b"MZ\x90\x00", "must be a PDF, PNG image, Word document or CSV file"),
        ("binary.csv", b"a,b\x00\x01", "is not a real CSV file"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_wrong_or_disguised_files_get_a_clear_message(name, content, message):
    form = _clean(name, content)
    assert message in " ".join(form.errors["file"])


def test_oversized_files_are_refused():
    form = _clean("big.pdf", PDF + b"0" * (1024 * 1024))
    assert "must be smaller than 1.0\xa0MB" in " ".join(form.errors["file"])


def test_stored_names_are_random_and_keep_only_the_extension():
    name = upload_path("evidence")(None, "../../etc/passwd Camden breach.PDF")
    assert name.startswith("evidence/")
    assert name.endswith(".pdf")
    assert ".." not in name
    assert "Camden" not in name


def test_storage_is_private_and_follows_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    stored = private_storage.save("evidence/x.pdf", io.BytesIO(PDF))
    assert (tmp_path / "private" / stored).exists()
    assert str(settings.STATIC_ROOT) not in private_storage.location
    with pytest.raises(ValueError, match="no public address"):
        private_storage.url(stored)


def test_downloads_are_attachments_with_nosniff(settings, tmp_path):
    from django.db.models import FileField
    from django.db.models.fields.files import FieldFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    stored = private_storage.save("evidence/x.pdf", io.BytesIO(PDF))
    field = FileField(storage=private_storage)
    field.name = "file"
    response = upload_response(
        FieldFile(None, field, stored), download_name='report"; x.pdf', kind="pdf"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    response.file_to_stream.close()


@hypothesis_settings(max_examples=200)
@given(name=st.text(max_size=40), content=st.binary(max_size=300))
def test_any_upload_is_accepted_or_refused_never_crashes(name, content):
    try:
        kind = detect_kind(name, lambda: content, FILE_KINDS)
    except ValidationError:
        return
    assert kind in FILE_KINDS
