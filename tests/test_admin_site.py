import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("national_admin", 200),
        ("london_admin", 200),
        ("regional_lead", 403),
        ("dcs", 403),
        ("observer", 403),
        ("msp_contact", 403),
    ],
)
def test_django_admin_is_for_admins_only(client, request, person, expected):
    client.force_login(request.getfixturevalue(person))
    assert client.get("/admin/").status_code == expected
    assert client.get("/admin/accounts/user/").status_code == expected


def test_anonymous_visitors_to_the_admin_are_sent_to_the_portals_sign_in(client, reference_data):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_regional_admins_see_only_their_region_in_the_admin(
    client, london_admin, newcastle_dcs, dcs
):
    client.force_login(london_admin)
    response = client.get("/admin/accounts/user/")
    shown = {u.pk for u in response.context["cl"].result_list}
    assert dcs.pk in shown
    assert newcastle_dcs.pk not in shown
    las = client.get("/admin/mou/localauthority/").context["cl"]
    assert las.result_count == 33
    assert client.get(f"/admin/accounts/user/{newcastle_dcs.pk}/change/").status_code == 404


def test_regional_admins_may_only_look_in_the_admin(client, london_admin, dcs):
    client.force_login(london_admin)
    response = client.post(
        f"/admin/accounts/user/{dcs.pk}/change/", {"name": "Changed", "email": dcs.email}
    )
    assert response.status_code == 403
