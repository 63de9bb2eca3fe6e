"""The annual review flagged on the MOU page and the home of the region's admins and leads; the
change history as sentences; price cap radios without a blank choice (issue 15, points 5, 6)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mou import services
from mou.forms import PriceCapForm
from mou.models import PriceCap
from mou.selectors import mou_changes
from tests.factories import mou_version

pytestmark = pytest.mark.django_db


def _review_in(version, days):
    version.review_due = timezone.localdate() + datetime.timedelta(days=days)
    version.save(update_fields=["review_due"])


@pytest.mark.parametrize(("days", "tag"), [(-3, "Review overdue"), (10, "Review due")])
def test_the_mou_page_and_list_flag_a_review_due_or_past(client, london_admin, days, tag):
    version = mou_version()
    _review_in(version, days)
    client.force_login(london_admin)
    assert tag in client.get(reverse("mou:mou_detail", args=["LDN"])).content.decode()
    assert tag in client.get(reverse("mou:mou_list")).content.decode()


def test_a_review_far_off_is_not_flagged(client, london_admin):
    _review_in(mou_version(), 90)
    client.force_login(london_admin)
    page = client.get(reverse("mou:mou_detail", args=["LDN"])).content.decode()
    assert "Review due" not in page
    assert "Review overdue" not in page


def test_home_reminds_the_regions_admins_and_leads_of_a_review_and_no_one_else(
    client, london_admin, regional_lead, dcs, la_workforce_lead, observer
):
    _review_in(mou_version("LDN"), -3)
    _review_in(mou_version("NE", label="NE 2025.1"), -3)
    for who in (london_admin, regional_lead):
        client.force_login(who)
        page = client.get("/").content.decode()
        assert "London MOU: annual review overdue" in page
        assert "North East" not in page  # another region's review is not theirs
    for who in (dcs, la_workforce_lead, observer):
        client.force_login(who)
        assert "annual review" not in client.get("/").content.decode()


def test_the_change_history_reads_as_sentences(reference_data, london_admin):
    first = mou_version()
    draft = services.mou_version_create_draft(
        mou=first.mou,
        label="2027.1",
        effective_from=datetime.date(2027, 1, 1),
        review_due=datetime.date(2028, 1, 1),
        actor=london_admin,
    )
    services.mou_version_update(
        version=draft, changes={"summary_of_changes": "Caps uprated"}, actor=london_admin
    )
    services.mou_version_publish(version=draft, actor=london_admin)
    name = str(london_admin)
    sentences = [c.what for c in mou_changes(first.mou)]
    assert f"{name} published version 2027.1, in force from 1 January 2027" in sentences
    assert (
        f"{name} published a later version, so version 2025.1 ends on 1 January 2027" in sentences
    )
    assert f"{name} changed the summary of changes of draft version 2027.1" in sentences
    assert f"{name} created draft version 2027.1" in sentences
    assert not any("(active)" in s or "changed (" in s for s in sentences)


def test_the_price_cap_radios_have_no_blank_choice(reference_data):
    version = mou_version(publish=False)
    form = PriceCapForm(instance=PriceCap(version=version))
    html = str(form)
    assert "---------" not in html
    assert next(value for value, _ in form.fields["job_type"].choices) == "social_worker"


def test_compare_opens_on_the_version_in_force_against_the_newest_draft(
    client, regional_lead, reference_data
):
    current = mou_version()
    draft = services.mou_version_create_draft(
        mou=current.mou,
        label="2027.1",
        effective_from=datetime.date(2027, 4, 1),
        review_due=datetime.date(2028, 4, 1),
        actor=None,
    )
    draft.rules.filter(kind="notice_weeks").update(value=6)
    client.force_login(regional_lead)
    response = client.get(reverse("mou:version_compare", args=["LDN"]))
    assert response.context["pair"] == (current, draft)
    comparison = response.context["comparison"]
    assert comparison.changed_count == 1
    rules = next(s for s in comparison.sections if s.title == "Rules")
    [changed] = rules.changed
    assert (changed.what, changed.a.value, changed.b.value) == (
        "Notice period",
        "4 weeks",
        "6 weeks",
    )
    assert changed.value_changed
    assert not changed.wording_changed
    html = response.content.decode()
    assert "1 change from 2025.1 to 2027.1" in html
    assert "Value in 2027.1" in html
    assert "Wording in 2027.1" in html
    # Unchanged rows are behind a toggle, not in the tables of changes.
    assert f"{len(rules.unchanged)} unchanged rules rows" in html
    assert html.index("govuk-details") < html.index("Minimum post-qualification experience")


def test_the_mou_list_reads_coverage_in_a_fixed_number_of_queries(client, national_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mou.models import Signatory, SignatoryStatus
    from tests.factories import local_authority

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("mou:mou_list")).status_code == 200
        return len(queries)

    london = mou_version("LDN")
    client.force_login(national_admin)
    client.get(reverse("mou:mou_list"))  # the session settles on the first page
    one_region = count()
    for code in ("NE", "NW", "SE"):
        mou_version(code, label=f"{code} 2025.1")
    for la_code in ("202", "204", "206"):
        Signatory.objects.create(
            version=london,
            local_authority=local_authority(la_code),
            status=SignatoryStatus.SIGNED,
            signed_on=datetime.date(2025, 9, 1),
        )
    assert count() == one_region
    assert "3 of 33" in client.get(reverse("mou:mou_list")).content.decode()
