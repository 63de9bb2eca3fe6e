"""MOU pages: who may see and do what, bad input, exports and query counts."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mou import services
from mou.models import LocalAuthority, MOUVersion, PriceCap, Region, Signatory, SignatoryStatus
from tests.factories import local_authority, mou_version

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def london_version(reference_data):
    return mou_version("LDN")


@pytest.fixture
def london_draft(london_version):
    return services.mou_version_create_draft(
        mou=london_version.mou,
        label="2026.1",
        effective_from=D(2026, 4, 1),
        review_due=D(2027, 4, 1),
        actor=None,
    )


def _urls(version, draft):
    code = "LDN"
    rule = draft.rules.first()
    return {
        "list": reverse("mou:mou_list"),
        "detail": reverse("mou:mou_detail", args=[code]),
        "version": reverse("mou:version_detail", args=[code, version.pk]),
        "compare": reverse("mou:version_compare", args=[code]),
        "signatories_csv": reverse("mou:signatories_csv", args=[code, version.pk]),
        "caps_csv": reverse("mou:price_caps_csv", args=[code, version.pk]),
        "draft": reverse("mou:version_detail", args=[code, draft.pk]),
        "draft_signatories_csv": reverse("mou:signatories_csv", args=[code, draft.pk]),
        "draft_caps_csv": reverse("mou:price_caps_csv", args=[code, draft.pk]),
        "create": reverse("mou:version_create", args=[code]),
        "signatory": reverse("mou:signatory_edit", args=[code, version.pk, "202"]),
        "edit": reverse("mou:version_edit", args=[code, draft.pk]),
        "publish": reverse("mou:version_publish", args=[code, draft.pk]),
        "rule": reverse("mou:part_edit", args=[code, draft.pk, "rule", rule.pk]),
        "add_cap": reverse("mou:part_add", args=[code, draft.pk, "cap"]),
        "carry_over": reverse("mou:signatories_carry_over", args=[code, draft.pk]),
    }


READ = ["list", "detail", "version", "compare", "signatories_csv", "caps_csv"]
DRAFT_READ = ["draft", "draft_signatories_csv", "draft_caps_csv"]
WRITE = ["create", "signatory"]
DRAFT_WRITE = ["edit", "publish", "rule", "add_cap", "carry_over"]


@pytest.mark.parametrize(
    ("person", "read", "draft", "write"),
    [
        ("national_admin", 200, 200, 200),
        ("london_admin", 200, 200, 200),
        ("regional_lead", 200, 200, 403),
        ("dcs", 200, 200, 403),
        # A draft is for the region's admins, regional leads and DCSs only.
        ("la_workforce_lead", 200, 404, 403),
        ("msp_contact", 200, 404, 403),
        ("observer", 200, 404, 403),
        ("north_east_lead", 404, 404, 404),
        ("newcastle_dcs", 404, 404, 404),
    ],
)
def test_permission_matrix(
    client, request, london_version, london_draft, person, read, draft, write
):
    client.force_login(request.getfixturevalue(person))
    urls = _urls(london_version, london_draft)
    names = READ + DRAFT_READ + WRITE + DRAFT_WRITE
    got = {name: client.get(urls[name]).status_code for name in names}
    expected = (
        {name: (200 if name == "list" else read) for name in READ}
        | dict.fromkeys(DRAFT_READ, draft)
        | dict.fromkeys(WRITE, write)
        | dict.fromkeys(DRAFT_WRITE, write if draft == 200 else 404)
    )
    assert got == expected


def test_a_draft_is_neither_listed_nor_comparable_for_those_who_may_not_read_it(
    client, la_workforce_lead, regional_lead, london_version, london_draft
):
    client.force_login(la_workforce_lead)
    page = client.get(reverse("mou:mou_detail", args=["LDN"]))
    assert [v.pk for v in page.context["versions"]] == [london_version.pk]
    assert "2026.1" not in page.content.decode()
    compare = reverse("mou:version_compare", args=["LDN"])
    response = client.get(compare, {"a": london_version.pk, "b": london_draft.pk})
    assert response.context["comparison"] is None
    assert "b" in response.context["form"].errors
    client.force_login(regional_lead)
    page = client.get(reverse("mou:mou_detail", args=["LDN"]))
    assert {v.pk for v in page.context["versions"]} == {london_version.pk, london_draft.pk}


def test_observers_get_no_signatory_evidence_or_link_to_it(
    client, observer, regional_lead, london_version
):
    signatory = Signatory.objects.create(
        version=london_version,
        local_authority=local_authority("202"),
        status=SignatoryStatus.SIGNED,
        signed_on=D(2025, 9, 1),
        evidence=SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n"),
        evidence_name="signed.pdf",
        evidence_kind="pdf",
    )
    url = reverse("mou:signatory_evidence", args=["LDN", london_version.pk, "202"])
    client.force_login(regional_lead)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("mou:mou_detail", args=["LDN"])).content.decode()
    client.force_login(observer)
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("mou:mou_detail", args=["LDN"])).content.decode()
    assert signatory.evidence


def test_a_version_of_another_region_is_404_under_the_wrong_region_code(
    client, london_admin, reference_data
):
    ne = mou_version("NE")
    client.force_login(london_admin)
    assert client.get(reverse("mou:version_detail", args=["LDN", ne.pk])).status_code == 404


def test_the_mou_page_shows_the_version_in_force_its_ladder_and_matrix(
    client, regional_lead, london_version
):
    Signatory.objects.create(
        version=london_version,
        local_authority=local_authority("202"),
        status=SignatoryStatus.SIGNED,
        signed_on=D(2025, 9, 1),
    )
    Signatory.objects.create(
        version=london_version,
        local_authority=local_authority("204"),
        status=SignatoryStatus.INVITED,
    )
    client.force_login(regional_lead)
    response = client.get(reverse("mou:mou_detail", args=["LDN"]))
    html = response.content.decode()
    assert "In force: version 2025.1" in html
    assert "1 of 33 signed" in html
    assert "Regional DCS board" in html
    assert "15 working days" in html
    rows = response.context["matrix"].rows
    assert rows[-1].local_authority.name == "Camden"  # signed ones last, outstanding first
    assert "Changes" not in html  # history is for admins


def test_admins_see_who_changed_what(client, london_admin, london_version):
    services.signatory_save(
        version=london_version,
        signatory=Signatory(local_authority=local_authority("202")),
        actor=london_admin,
    )
    client.force_login(london_admin)
    html = client.get(reverse("mou:mou_detail", args=["LDN"])).content.decode()
    assert f"{london_admin.name} recorded Camden as invited for version 2025.1" in html


def test_admin_marks_a_signatory_signed_and_the_count_changes(client, london_admin, london_version):
    client.force_login(london_admin)
    url = reverse("mou:signatory_edit", args=["LDN", london_version.pk, "202"])
    response = client.post(
        url,
        {
            "status": "signed",
            "signed_on_day": "1",
            "signed_on_month": "9",
            "signed_on_year": "2025",
            "signed_by_name": "Asha Patel",
            "signed_by_role": "DCS",
            "evidence": SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n"),
        },
    )
    assert response.status_code == 302
    signatory = Signatory.objects.get(version=london_version, local_authority__la_code="202")
    assert (signatory.status, signatory.signed_on, signatory.evidence_kind) == (
        "signed",
        D(2025, 9, 1),
        "pdf",
    )
    assert "1 of 33 signed" in client.get(london_version.get_absolute_url()).content.decode()
    evidence = client.get(reverse("mou:signatory_evidence", args=["LDN", london_version.pk, "202"]))
    assert evidence["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {
                "status": "signed",
                "signed_on_day": "1",
                "signed_on_month": "1",
                "signed_on_year": "2999",
                "signed_by_name": "A",
                "signed_by_role": "B",
            },
            "signed_on",
            "The date signed must be today or in the past",
        ),
        (
            {
                "status": "signed",
                "signed_on_day": "31",
                "signed_on_month": "2",
                "signed_on_year": "2025",
            },
            "signed_on",
            "Date signed must be a real date",
        ),
        (
            {"status": "signed", "signed_on_day": "1", "signed_on_year": "2025"},
            "signed_on",
            "Date signed must include a month",
        ),
        ({"mou_owner": ""}, "status", "Select status"),
    ],
)
def test_bad_signatory_input_is_explained_beside_the_field(
    client, london_admin, london_version, data, field, message
):
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:signatory_edit", args=["LDN", london_version.pk, "202"]), data
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Signatory.objects.exists()


def test_a_wrong_type_of_document_is_refused_and_nothing_is_lost(
    client, london_admin, london_draft
):
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:version_edit", args=["LDN", london_draft.pk]),
        {
            "label": "2026.1",
            "effective_from_day": "1",
            "effective_from_month": "4",
            "effective_from_year": "2026",
            "review_due_day": "1",
            "review_due_month": "4",
            "review_due_year": "2027",
            "exception_max_months": "6",
            "exception_second_approver": "none",
            "summary_of_changes": "New caps",
            "document": SimpleUploadedFile("mou.pdf", b"MZ not really a pdf"),
        },
    )
    assert "is not a real PDF" in " ".join(response.context["form"].errors["document"])
    london_draft.refresh_from_db()
    assert london_draft.summary_of_changes == ""
    assert not london_draft.document


def test_an_oversized_document_is_refused(client, london_admin, london_draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:version_edit", args=["LDN", london_draft.pk]),
        {
            "label": "2026.1",
            "effective_from_day": "1",
            "effective_from_month": "4",
            "effective_from_year": "2026",
            "review_due_day": "1",
            "review_due_month": "4",
            "review_due_year": "2027",
            "exception_max_months": "6",
            "exception_second_approver": "none",
            "document": SimpleUploadedFile("mou.pdf", b"%PDF-1.7\n" + b"0" * 4096),
        },
    )
    assert "must be smaller than" in " ".join(response.context["form"].errors["document"])


def test_dates_out_of_order_are_refused(client, london_admin, london_version):
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:version_create", args=["LDN"]),
        {
            "label": "2027.1",
            "effective_from_day": "1",
            "effective_from_month": "4",
            "effective_from_year": "2027",
            "review_due_day": "1",
            "review_due_month": "1",
            "review_due_year": "2027",
        },
    )
    assert "must be due after the version takes effect" in " ".join(
        response.context["form"].errors["review_due"]
    )
    assert MOUVersion.objects.count() == 1


def test_publishing_an_overlapping_version_explains_why_on_the_page(
    client, london_admin, london_version
):
    draft = services.mou_version_create_draft(
        mou=london_version.mou,
        label="Back-dated",
        effective_from=D(2025, 1, 1),
        review_due=D(2026, 1, 1),
        actor=None,
    )
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:version_publish", args=["LDN", draft.pk]), {"confirm": "on"}
    )
    assert response.status_code == 200
    assert "must take effect after 2025.1" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("0", "more than £0"),
        ("-1", "more than £0"),
        ("abc", "as a number"),
        ("", "Enter the maximum hourly rate"),
    ],
)
def test_a_bad_cap_gets_a_clear_message(client, london_admin, london_draft, rate, message):
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:part_add", args=["LDN", london_draft.pk, "cap"]),
        {
            "job_type": "social_worker",
            "engagement_type": "paye",
            "max_hourly_rate": rate,
            "components": ["includes_hourly_pay"],
        },
    )
    assert message in " ".join(response.context["form"].errors["max_hourly_rate"])
    assert not PriceCap.objects.exists()


def test_a_weaker_rule_is_refused_on_the_page(client, london_admin, london_draft):
    rule = london_draft.rules.get(kind="non_engagement_months")
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:part_edit", args=["LDN", london_draft.pk, "rule", rule.pk]),
        {"value": "2", "wording": rule.wording},
    )
    assert "cannot be less than the statutory minimum of 3 months" in " ".join(
        response.context["form"].errors["value"]
    )


def test_compare_marks_what_changed(client, regional_lead, london_version, london_draft):
    rule = london_draft.rules.get(kind="non_engagement_months")
    rule.value = 6
    services.mou_rule_save(version=london_draft, rule=rule, actor=None)
    client.force_login(regional_lead)
    response = client.get(
        reverse("mou:version_compare", args=["LDN"]), {"a": london_version.pk, "b": london_draft.pk}
    )
    rules = {d.what: d for d in response.context["comparison"].rows("Rules")}
    assert rules["Non-engagement period after leaving a permanent role in the region"].changed
    assert not rules["Notice period"].changed


def test_signatory_matrix_export_is_escaped_and_complete(client, regional_lead, london_version):
    Signatory.objects.create(
        version=london_version,
        local_authority=local_authority("202"),
        status=SignatoryStatus.SIGNED,
        signed_on=london_version.effective_from,
        signed_by_name="=cmd()",
    )
    client.force_login(regional_lead)
    response = client.get(reverse("mou:signatories_csv", args=["LDN", london_version.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 34  # header and the 33 London local authorities
    camden = next(r for r in rows if r[1] == "Camden")
    assert camden[2] == "Signed"
    assert camden[4] == "'=cmd()"


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_mou_pages_use_a_fixed_number_of_queries(client, london_admin, london_version):
    client.force_login(london_admin)
    client.get("/")
    urls = [
        reverse("mou:mou_detail", args=["LDN"]),
        london_version.get_absolute_url(),
        reverse("mou:mou_list"),
        reverse("mou:signatories_csv", args=["LDN", london_version.pk]),
    ]
    before = [_count(client, url) for url in urls]
    # More local authorities, signatories, versions and history.
    london = Region.objects.get(code="LDN")
    extra = LocalAuthority.objects.bulk_create(
        LocalAuthority(
            la_code=f"Z{i:02d}", ons_code=f"E9900{i:04d}", name=f"Test LA {i}", region=london
        )
        for i in range(30)
    )
    for la in extra:
        services.signatory_save(
            version=london_version, signatory=Signatory(local_authority=la), actor=london_admin
        )
    for n in range(3):
        services.mou_version_create_draft(
            mou=london_version.mou,
            label=f"Draft {n}",
            effective_from=D(2027, 1, 1),
            review_due=D(2028, 1, 1),
            actor=london_admin,
        )
    assert [_count(client, url) for url in urls] == before


def test_admin_sets_the_cap_exception_rules_of_a_draft(client, london_admin, london_draft):
    client.force_login(london_admin)
    data = {
        "label": "2026.1",
        "effective_from_day": "1",
        "effective_from_month": "4",
        "effective_from_year": "2026",
        "review_due_day": "1",
        "review_due_month": "4",
        "review_due_year": "2027",
        "exception_max_months": "30",
        "exception_second_approver": "regional_lead",
    }
    response = client.post(reverse("mou:version_edit", args=["LDN", london_draft.pk]), data)
    assert "Enter at most 24 months" in " ".join(
        response.context["form"].errors["exception_max_months"]
    )
    response = client.post(
        reverse("mou:version_edit", args=["LDN", london_draft.pk]),
        data | {"exception_max_months": "3"},
    )
    assert response.status_code == 302
    london_draft.refresh_from_db()
    assert (london_draft.exception_max_months, london_draft.exception_second_approver) == (
        3,
        "regional_lead",
    )


def test_a_version_holding_a_document_shows_a_plain_file_upload_and_no_storage_address(
    client, london_admin, london_draft
):
    from django.core.files.base import ContentFile

    london_draft.document.save("signed.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    client.force_login(london_admin)
    html = client.get(reverse("mou:version_edit", args=["LDN", london_draft.pk])).content.decode()
    assert 'class="govuk-file-upload' in html
    assert "Currently:" not in html  # Django's clearable input would print the file's address
    assert london_draft.document.name not in html


def test_representation_is_governances_not_a_signatory_free_text(
    client, london_admin, london_version
):
    """Who represents an LA comes from the governance groups' members (issue 19): the signatory
    form asks no free text for it, and the version page links to the representation page."""
    client.force_login(london_admin)
    form = client.get(reverse("mou:signatory_edit", args=["LDN", london_version.pk, "202"]))
    assert "governance_representative" not in form.context["form"].fields
    page = client.get(reverse("mou:mou_detail", args=["LDN"])).content.decode()
    assert 'href="/governance/regions/LDN/representation/"' in page
