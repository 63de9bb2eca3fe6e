"""The return's template file: downloaded pre-filled, uploaded with a preview of every row's
errors and queries, saved only without errors; any file gets a clear message, never a 500."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from datasharing import services
from datasharing.models import LINE_FIELDS
from datasharing.template_file import HEADER, read_return_file
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import local_authority, mou_version

pytestmark = pytest.mark.django_db
GOOD = ["10", "9.5", "40", "38.2", "6", "5", "3", "3", "2", "1.5", "0", "0", "0"]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def data_return(london, la_workforce_lead):
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER,
            engagement_type=EngagementType.PAYE,
            max_hourly_rate=Decimal("45.00"),
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    return services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    )


def _csv(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _rows(changes=None):
    """A good row per job type; `changes` maps (job type, column) to a value."""
    changes = changes or {}
    rows = []
    for job in JobType.values:
        row = dict(zip(HEADER, ["202", "2026-Q3", job, *GOOD, *[""] * 6], strict=True))
        for (changed_job, column), value in changes.items():
            if changed_job == job:
                row[column] = value
        rows.append([row[c] for c in HEADER])
    return rows


def _upload(client, data_return, content: bytes, name="return.csv"):
    return client.post(
        reverse("datasharing:upload", args=[data_return.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_the_template_comes_pre_filled_with_the_las_code_the_period_and_job_types(
    client, data_return, la_workforce_lead
):
    client.force_login(la_workforce_lead)
    response = client.get(reverse("datasharing:template", args=[data_return.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert [row[:3] for row in rows[1:]] == [["202", "2026-Q3", job] for job in JobType.values]
    response = client.get(reverse("datasharing:template", args=[data_return.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert (
        client.get(reverse("datasharing:template", args=[data_return.pk, "pdf"])).status_code == 404
    )


def test_an_upload_shows_its_queries_before_saving_and_saves_on_confirmation(
    client, data_return, la_workforce_lead
):
    client.force_login(la_workforce_lead)
    content = _csv(
        _rows(
            {
                (JobType.SOCIAL_WORKER, "paye_rate_min"): "40",
                (JobType.SOCIAL_WORKER, "paye_rate_median"): "44",
                (JobType.SOCIAL_WORKER, "paye_rate_max"): "48.50",
            }
        )
    )
    response = _upload(client, data_return, content)
    page = response.content.decode()
    assert "5 job types read" in page
    assert "DR102" in page
    assert "above the cap of £45.00" in page
    revision = data_return.revisions.get()
    assert not revision.lines.exists()  # nothing saved yet
    hidden = dict(response.context["preview"]["hidden"])
    response = client.post(reverse("datasharing:edit", args=[data_return.pk]), hidden)
    assert response.status_code == 302
    line = revision.lines.get(job_type=JobType.SOCIAL_WORKER)
    assert (line.agency_fte, line.inpost_headcount) == (Decimal("9.5"), 40)
    assert revision.rates.get().rate_max == Decimal("48.50")


def test_a_file_with_errors_saves_nothing_and_says_each_rows_errors(
    client, data_return, la_workforce_lead
):
    client.force_login(la_workforce_lead)
    content = _csv(
        _rows(
            {
                (JobType.TEAM_MANAGER, "agency_fte"): "nine",
                (JobType.SOCIAL_WORKER, "agency_fte"): "11",
                (JobType.IRO_CP_CHAIR, "leavers_fte"): "=SUM(A1:A3)",
            }
        )
    )
    page = _upload(client, data_return, content).content.decode()
    assert "3 errors: nothing has been saved" in page
    assert "must be a number" in page
    assert "each person is at most 1 FTE" in page
    assert "Save these figures" not in page
    assert not data_return.revisions.get().lines.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "return.csv", "The selected file is empty"),
        (b"%PDF-1.4 not a spreadsheet", "return.csv", "The first row must be"),
        (b"%PDF-1.4", "return.pdf", "must be a CSV file or Excel spreadsheet"),
        (b"PK\x03\x04 damaged", "return.xlsx", "may be damaged or renamed"),
        (_csv([["202"]], header=["la_code", "what"]), "return.csv", "The first row must be"),
        (
            _csv(_rows({(JobType.SOCIAL_WORKER, "la_code"): "204"})),
            "return.csv",
            "is not this return's local authority",
        ),
        (
            _csv(_rows({(JobType.SOCIAL_WORKER, "period"): "2026-Q2"})),
            "return.csv",
            "is not this return's (2026-Q3)",
        ),
        (
            _csv(_rows({(JobType.SOCIAL_WORKER, "job_type"): "manager"})),
            "return.csv",
            "is not one of",
        ),
        (_csv([*_rows(), _rows()[0]]), "return.csv", "is given twice"),
        ("la_code,period\n".encode("utf-16"), "return.csv", "is not a real CSV file"),
    ],
)
def test_any_bad_file_gets_a_clear_message_beside_the_field(
    client, data_return, la_workforce_lead, content, name, message
):
    client.force_login(la_workforce_lead)
    response = _upload(client, data_return, content, name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])


def test_an_xlsx_upload_is_read_like_a_csv(client, data_return, la_workforce_lead):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in _rows():
        sheet.append([float(v) if v and v[0].isdigit() and i > 2 else v for i, v in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(la_workforce_lead)
    response = _upload(client, data_return, buffer.getvalue(), "return.xlsx")
    assert response.context["preview"]["errors"] == []
    assert "No errors or queries" in response.content.decode()


def test_only_those_who_prepare_may_upload(client, data_return, dcs, regional_lead):
    for person in (dcs, regional_lead):
        client.force_login(person)
        assert _upload(client, data_return, _csv(_rows())).status_code == 403


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=st.binary(max_size=400), kind=st.sampled_from(["csv", "xlsx"]))
def test_the_reader_never_fails_on_any_bytes(data_return, data, kind):
    read = read_return_file(data, kind, las=[local_authority("202")], period=data_return.period)
    assert read.problems or read.values or data.strip() == b""


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(cells=st.lists(st.text(max_size=12), min_size=len(LINE_FIELDS), max_size=len(LINE_FIELDS)))
def test_any_cell_values_are_read_and_checked_without_failing(data_return, cells):
    rows = [["202", "2026-Q3", job, *cells, *[""] * 6] for job in JobType.values]
    read = read_return_file(
        _csv(rows), "csv", las=[local_authority("202")], period=data_return.period
    )
    if not read.problems:
        from datasharing.checks import run_checks
        from datasharing.template_file import lines_and_rates

        lines, rates = lines_and_rates(read.values)
        run_checks(services.figures_of(data_return.revisions.get(), lines=lines, rates=rates))
