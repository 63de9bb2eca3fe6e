"""The agency and MSP choosers (docs/adr/0013-choosers.md): one text field resolved on the server
by name or Companies House number, and the JSON endpoints that suggest records as someone types."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from msp.forms import AgencyChooserField, MSPChooserField
from msp.models import Agency, ChainMembership
from tests.factories import AgencyFactory, MSPFactory, mou_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(db):
    return {
        "riverside": AgencyFactory(name="Riverside Social Care Ltd", company_number="01234567"),
        "riverbank": AgencyFactory(name="Riverbank Staffing Ltd", company_number="07654321"),
        "scottish": AgencyFactory(name="Clyde Care Ltd", company_number="SC123456"),
        "namesake": AgencyFactory(name="Riverside Social Care", company_number="02222222"),
    }


def _error(field, text) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    return caught.value


def test_one_match_by_whole_name_or_part_of_it_is_taken(agencies):
    field = AgencyChooserField()
    assert field.clean("riverbank staffing ltd") == agencies["riverbank"]
    assert field.clean("  Riverbank   Staffing Ltd ") == agencies["riverbank"]
    assert field.clean("bank staff") == agencies["riverbank"]
    # The whole name wins over the longer name that contains it.
    assert field.clean("Riverside Social Care") == agencies["namesake"]


def test_one_match_by_number_with_or_without_leading_zeros_or_as_a_suggestion_writes_it(agencies):
    field = AgencyChooserField()
    assert field.clean("01234567") == agencies["riverside"]
    assert field.clean("1234567") == agencies["riverside"]
    assert field.clean("0123 4567") == agencies["riverside"]
    assert field.clean("sc123456") == agencies["scottish"]
    assert field.clean("Riverside Social Care Ltd (01234567)") == agencies["riverside"]


def test_several_matches_are_listed_so_the_person_can_type_more(agencies):
    error = _error(AgencyChooserField(), "river")
    assert error.code == "several"
    assert error.messages == [
        '3 agencies match "river": Riverbank Staffing Ltd (07654321); '
        "Riverside Social Care (02222222); Riverside Social Care Ltd (01234567). "
        "Enter more of the name, or the Companies House number"
    ]


def test_more_than_ten_matches_list_ten(agencies):
    for n in range(12):
        AgencyFactory(name=f"Tenfold Agency {n:02d} Ltd")
    error = _error(AgencyChooserField(), "tenfold")
    assert error.code == "too_many"
    (message,) = error.messages
    assert message.startswith('More than 10 agencies match "tenfold", including ')
    assert len(re.findall(r"Tenfold Agency \d\d Ltd", message)) == 10
    assert "Tenfold Agency 10 Ltd" not in message


def test_no_match_is_a_clear_error_and_empty_is_none_when_optional(agencies):
    error = _error(AgencyChooserField(), "Nowhere Staffing")
    assert error.messages == [
        'No agency matches "Nowhere Staffing". Check the spelling, or enter its Companies '
        "House number"
    ]
    assert _error(AgencyChooserField(), "99999999").code == "none"
    assert AgencyChooserField(required=False).clean("  ") is None
    assert _error(AgencyChooserField(), "").code == "required"
    assert _error(AgencyChooserField(), "nul\x00").code == "none"  # PostgreSQL refuses NUL


def test_only_the_scoped_records_resolve(agencies):
    field = AgencyChooserField(queryset=lambda: Agency.objects.filter(name__startswith="Clyde"))
    assert field.clean("clyde") == agencies["scottish"]
    assert _error(field, "01234567").code == "none"


def test_msps_resolve_the_same_way(db):
    msp = MSPFactory(name="Capital Workforce Partners", company_number="00000042")
    MSPFactory(name="Capital Staffing Solutions")
    field = MSPChooserField()
    assert field.clean("42") == msp
    assert field.clean("workforce") == msp
    assert _error(field, "capital").code == "several"


def test_a_record_is_shown_as_a_suggestion_writes_it(agencies):
    field = AgencyChooserField()
    riverside = agencies["riverside"]
    assert field.prepare_value(riverside) == "Riverside Social Care Ltd (01234567)"
    assert field.prepare_value(riverside.pk) == "Riverside Social Care Ltd (01234567)"
    assert field.prepare_value("typed text") == "typed text"


# The JSON endpoints.


def _suggested(client, text, name="msp:agency_choices"):
    response = client.get(reverse(name), {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [r["label"] for r in response.json()["results"]]


def test_suggestions_match_part_of_a_name_or_the_start_of_a_number(client, regional_lead, agencies):
    client.force_login(regional_lead)
    assert _suggested(client, "river") == [
        "Riverbank Staffing Ltd (07654321)",
        "Riverside Social Care (02222222)",
        "Riverside Social Care Ltd (01234567)",
    ]
    assert _suggested(client, "side social") == [
        "Riverside Social Care (02222222)",
        "Riverside Social Care Ltd (01234567)",
    ]
    assert _suggested(client, "0765") == ["Riverbank Staffing Ltd (07654321)"]
    assert _suggested(client, "1234567") == ["Riverside Social Care Ltd (01234567)"]
    assert _suggested(client, "sc12") == ["Clyde Care Ltd (SC123456)"]
    assert _suggested(client, "") == []


def test_names_that_start_with_the_text_come_first(client, regional_lead, db):
    AgencyFactory(name="Acme Care Ltd")
    AgencyFactory(name="Care First Ltd")
    client.force_login(regional_lead)
    assert [label.split(" (")[0] for label in _suggested(client, "care")] == [
        "Care First Ltd",
        "Acme Care Ltd",
    ]


def test_suggestions_are_capped_at_twenty(client, regional_lead, db):
    Agency.objects.bulk_create(
        Agency(name=f"Bulk Agency {n:03d}", company_number=f"5{n:07d}") for n in range(60)
    )
    client.force_login(regional_lead)
    labels = _suggested(client, "bulk")
    assert len(labels) == 20
    assert labels[0] == "Bulk Agency 000 (50000000)"


def test_an_msp_contact_gets_only_the_agencies_in_their_msps_chain_today(
    client, msp_contact, camden_msp, agencies
):
    today = timezone.localdate()
    ChainMembership.objects.create(
        msp=camden_msp, agency=agencies["riverside"], tier=1, from_date=today
    )
    ChainMembership.objects.create(  # left the chain yesterday
        msp=camden_msp,
        agency=agencies["riverbank"],
        tier=1,
        from_date=today - datetime.timedelta(days=30),
        to_date=today - datetime.timedelta(days=1),
    )
    ChainMembership.objects.create(  # another MSP's chain
        msp=MSPFactory(), agency=agencies["namesake"], tier=1, from_date=today
    )
    client.force_login(msp_contact)
    assert _suggested(client, "river") == ["Riverside Social Care Ltd (01234567)"]
    assert _suggested(client, "0222") == []
    assert _suggested(client, "", name="msp:msp_choices") == []
    assert _suggested(client, camden_msp.name[:6], name="msp:msp_choices") == [
        f"{camden_msp.name} ({camden_msp.company_number})"
    ]
    assert _suggested(client, "Managed", name="msp:msp_choices") == [
        f"{camden_msp.name} ({camden_msp.company_number})"
    ]


@pytest.mark.parametrize("name", ["msp:agency_choices", "msp:msp_choices"])
def test_the_endpoints_need_sign_in(client, name, agencies):
    response = client.get(reverse(name), {"q": "river"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Pages.


def test_the_log_form_lists_no_agencies_however_many_there_are(client, regional_lead):
    mou_version("LDN")
    Agency.objects.bulk_create(
        Agency(name=f"Agency {n:04d} Ltd", company_number=f"4{n:07d}") for n in range(2000)
    )
    client.force_login(regional_lead)
    html = client.get(reverse("breaches:log")).content.decode()
    # What remains: breach types, the MOU's rules and London's 33 local authorities.
    assert html.count("<option") < 100
    assert "Agency 0001 Ltd" not in html
    assert 'data-chooser-source="/agencies/choices.json"' in html
    assert 'data-chooser-source="/msps/choices.json"' in html


def test_a_bad_agency_keeps_everything_else_typed(client, regional_lead, agencies):
    version = mou_version("LDN")
    client.force_login(regional_lead)
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "notice",
            "rule": version.rules.get(kind="notice_weeks").pk,
            "agency": "river",
            "description": "Notice cut to a week",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["agency"]
    assert errors["agency"][0].startswith('3 agencies match "river"')
    html = response.content.decode()
    assert "Notice cut to a week" in html
    assert 'value="river"' in html
    assert 'id="id_agency_error"' in html


def test_a_regional_admin_chooses_only_msps_serving_their_regions(
    london_admin, camden_msp, newcastle
):
    from accounts.forms import MembershipForm
    from tests.factories import MSPContractFactory

    northern = MSPContractFactory(local_authority=newcastle, msp__name="Northern MSP Ltd").msp
    data = {"role": "msp_contact"}
    form = MembershipForm(data | {"msp": camden_msp.name}, actor=london_admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["msp"] == camden_msp
    form = MembershipForm(data | {"msp": northern.company_number}, actor=london_admin)
    assert form.errors["msp"][0] == (
        f'No MSP with a current contract in your regions matches "{northern.company_number}"'
    )
