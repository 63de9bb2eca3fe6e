import pytest
from django.test import override_settings

from tests.security.url_guard import OUT_OF_SCOPE, PUBLIC, Context, problems, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tester", ["regional_lead", "london_admin", "dcs", "msp_contact"])
def test_every_url_is_public_on_purpose_or_guarded(request, tester):
    # Each tester works in London and has passed two-factor sign-in: objects in the North East
    # must answer 404, and the admin site must refuse those who are not admins.
    assert problems(request.getfixturevalue(tester), Context.build()) == []


def test_the_walker_sees_every_url():
    names = {route.name for route in walk()}
    assert set(OUT_OF_SCOPE) <= names
    assert PUBLIC - names == set()
    assert len(names) > 40  # the admin site's URLs are walked too


def test_the_walker_fails_on_an_unguarded_view_and_an_unregistered_object_url(regional_lead):
    urlconf = "tests.security.urls_with_hole"
    with override_settings(ROOT_URLCONF=urlconf):
        found = problems(regional_lead, Context.build(), urlconf=urlconf)
    assert any(f.startswith("leak (/leak/): anonymous visitor got 200") for f in found), found
    assert "peek: takes an object but has no OUT_OF_SCOPE entry" in found
