"""The header's search (issue 14, point 7): breaches by reference, agencies and MSPs by name or
Companies House number, LAs by name or code, always within the person's scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from tests.factories import (
    AgencyFactory,
    MSPFactory,
    local_authority,
    logged_breach,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db


def _found(client, text) -> dict[str, list[str]]:
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    return {g["title"]: [name for name, _url in g["results"]] for g in response.context["groups"]}


def test_search_finds_each_kind_of_record(client, reference_data, regional_lead):
    mou_version("LDN")
    breach = logged_breach(local_authority("202"), reporter=regional_lead)
    agency = AgencyFactory(name="Findable Staffing Ltd")
    msp = MSPFactory(name="Findable MSP")
    client.force_login(regional_lead)
    assert _found(client, breach.reference.lower())["Breaches"] == [breach.reference]
    assert _found(client, "findable")["Agencies"] == [str(agency)]
    assert _found(client, "findable")["MSPs"] == [str(msp)]
    assert _found(client, agency.company_number)["Agencies"] == [str(agency)]
    assert _found(client, "202")["Local authorities"] == ["Camden"]
    assert _found(client, "camd")["Local authorities"] == ["Camden"]
    header = client.get("/").content.decode()
    assert f'action="{reverse("search")}" role="search"' in header


def test_search_stays_within_the_persons_scope(client, reference_data, regional_lead):
    mou_version("LDN")
    london_breach = logged_breach(local_authority("202"), reporter=regional_lead)
    north_east_lead = person_with_role(Role.REGIONAL_LEAD, region=region("NE"))
    client.force_login(north_east_lead)
    found = _found(client, london_breach.reference)
    assert found["Breaches"] == []
    assert "Camden" not in _found(client, "camden")["Local authorities"]
    own, other = MSPFactory(name="Own Search MSP"), MSPFactory(name="Other Search MSP")
    contact = person_with_role(Role.MSP_CONTACT, msp=own)
    client.force_login(contact)
    assert _found(client, "search msp")["MSPs"] == [str(own)]
    assert str(other) not in _found(client, "other search")["MSPs"]


def test_short_or_odd_text_is_explained_and_never_fails(client, reference_data, regional_lead):
    client.force_login(regional_lead)
    response = client.get(reverse("search"), {"q": "a"})
    assert "Enter at least 2 characters" in response.content.decode()
    for text in ["%", "_", "' OR 1=1 --", "\\", "x" * 500, "\u0000ab"]:
        assert client.get(reverse("search"), {"q": text}).status_code == 200


def test_search_makes_a_fixed_number_of_queries(client, reference_data, regional_lead):
    mou_version("LDN")
    client.force_login(regional_lead)
    client.get(reverse("search"), {"q": "ltd"})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("search"), {"q": "ltd"})
        return len(queries)

    before = count()
    for _ in range(15):
        AgencyFactory(name="Many Ltd")
        logged_breach(local_authority("202"), reporter=regional_lead)
    assert count() == before
