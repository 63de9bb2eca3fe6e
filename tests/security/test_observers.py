"""Observers read aggregates and published MOU versions only: never supplier reviews, evidence,
breaches, cap exceptions or people, and their navigation leads only to pages they can open."""

import datetime

import pytest
from django.urls import reverse

from msp.models import EscalationContact, RelationshipReview
from tests.factories import MSPContractFactory, local_authority, logged_breach, region

pytestmark = pytest.mark.django_db


def test_every_navigation_link_of_an_observer_opens(client, observer):
    client.force_login(observer)
    navigation = client.get(reverse("home")).context["navigation"]
    assert {item["text"] for item in navigation} >= {"Home", "Dashboard", "MOUs"}
    assert not {"Breaches", "Cap exceptions", "People"} & {item["text"] for item in navigation}
    for item in navigation:
        assert client.get(item["href"], follow=True).status_code == 200, item["href"]


def test_an_observers_home_gives_national_counts_as_text_not_links(client, observer, dcs, camden):
    logged_breach(camden, reporter=dcs)
    client.force_login(observer)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.context["dashboard"]["figures"]["open"] == 1
    assert "Open breaches" in html
    assert reverse("breaches:list") not in html
    assert "/breaches/" not in html


def test_an_observer_sees_no_supplier_review(client, observer, regional_lead):
    msp = MSPContractFactory(local_authority=local_authority("202")).msp
    review = RelationshipReview.objects.create(
        region=region("LDN"),
        msp=msp,
        held_on=datetime.date(2026, 1, 1),
        attendees="Leads and the MSP",
        effectiveness=2,
    )
    client.force_login(observer)
    assert client.get(reverse("msp:review_detail", args=[review.pk])).status_code == 404
    page = client.get(reverse("msp:msp_detail", args=[msp.pk]))
    assert page.status_code == 200
    assert list(page.context["reviews"]) == []
    assert "Leads and the MSP" not in page.content.decode()
    client.force_login(regional_lead)
    assert list(client.get(reverse("msp:msp_detail", args=[msp.pk])).context["reviews"]) == [review]


def test_an_observer_is_not_shown_the_regions_contact_person(client, observer, regional_lead):
    EscalationContact.objects.create(region=region("LDN"), person=regional_lead)
    client.force_login(observer)
    html = client.get(reverse("mou:region_detail", args=["LDN"])).content.decode()
    assert regional_lead.email not in html
    client.force_login(regional_lead)
    html = client.get(reverse("mou:region_detail", args=["LDN"])).content.decode()
    assert regional_lead.email in html


def test_an_observer_opens_no_breach_cap_exception_or_person(
    client, observer, dcs, camden, la_workforce_lead
):
    from tests.factories import cap_exception

    exception = cap_exception(camden, requested_by=la_workforce_lead)
    breach = logged_breach(camden, reporter=dcs)
    client.force_login(observer)
    assert client.get(breach.get_absolute_url()).status_code == 404
    assert client.get(reverse("breaches:export")).content.decode().count("\n") <= 1
    assert client.get(reverse("cap_exceptions:detail", args=[exception.pk])).status_code == 404
    assert client.get(reverse("accounts:person_detail", args=[dcs.pk])).status_code == 404
