import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "person", ["regional_lead", "dcs", "la_workforce_lead", "msp_contact", "london_admin"]
)
def test_people_in_london_cannot_see_another_regions_local_authorities(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("mou:local_authority_detail", args=["391"])).status_code == 404
    assert client.get(reverse("mou:region_detail", args=["NE"])).status_code == 404
    assert client.get(reverse("mou:local_authority_detail", args=["202"])).status_code == 200
    assert client.get(reverse("mou:region_detail", args=["LDN"])).status_code == 200


@pytest.mark.parametrize("person", ["national_admin", "observer"])
def test_national_people_see_every_region(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("mou:local_authority_detail", args=["391"])).status_code == 200
    response = client.get(reverse("mou:region_list"))
    assert len(response.context["regions"]) == 9


def test_local_authority_list_shows_only_the_region_in_scope(client, north_east_lead):
    client.force_login(north_east_lead)
    response = client.get(reverse("mou:local_authority_list"))
    names = [la.name for la in response.context["table"].data]
    assert len(names) == 12
    assert "Newcastle upon Tyne" in names
    assert "Camden" not in names


def test_local_authority_list_filters_by_name_or_code(client, observer):
    client.force_login(observer)
    for query in ("camden", "202", "e09000007"):
        response = client.get(reverse("mou:local_authority_list"), {"q": query})
        assert [la.la_code for la in response.context["table"].data] == ["202"]


def test_filtering_by_a_region_out_of_scope_shows_an_error_not_data(client, regional_lead):
    client.force_login(regional_lead)
    response = client.get(reverse("mou:local_authority_list"), {"region": "NE"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Newcastle" not in response.content.decode()


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/local-authorities/",
        "/local-authorities/?page=2",
        "/regions/",
        "/regions/LDN/",
        "/local-authorities/202/",
    ],
)
def test_reference_pages_use_a_fixed_number_of_queries(client, national_admin, url):
    from mou.models import LocalAuthority, Region

    client.force_login(national_admin)
    client.get("/")  # the first request after sign-in also stamps the session
    before = _count_queries(client, url)
    # More data: another region's worth of local authorities.
    extra = Region.objects.create(code="ZZ", name="Test region", riia_name="Test alliance")
    LocalAuthority.objects.bulk_create(
        LocalAuthority(
            la_code=f"Z{i:02d}", ons_code=f"E9900{i:04d}", name=f"Test LA {i}", region=extra
        )
        for i in range(40)
    )
    assert _count_queries(client, url) == before
