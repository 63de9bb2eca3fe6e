import pytest
from django.contrib import admin
from django.test import override_settings

from accounts.admin_site import ScopedAdmin
from tests.security.url_guard import (
    OUT_OF_SCOPE,
    PUBLIC,
    Context,
    admin_out_of_scope,
    admin_problems,
    problems,
    registered_model_admins,
    walk,
)

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


@pytest.mark.parametrize("tester", ["london_admin", "national_admin"])
def test_every_admin_url_of_every_model_admin_keeps_to_the_admins_scope(request, tester):
    # Changelist, add, change, delete, history, the history form and "view on site", GET and
    # POST: a London admin gets 404 for North East rows and 403 for any change; nobody reaches
    # a history form (the admin keeps no history pages of its own).
    assert admin_problems(request.getfixturevalue(tester), Context.build()) == []


def test_the_admin_walker_knows_a_row_for_every_registered_model_admin():
    rows = admin_out_of_scope(Context.build())
    registered = {model for model, _ in registered_model_admins()}
    assert registered == set(rows)
    assert all(isinstance(model_admin, ScopedAdmin) for _, model_admin in registered_model_admins())


def test_the_admin_walker_fails_on_an_admin_that_forgets_its_scope(monkeypatch, london_admin):
    from msp.models import MSPContract

    model_admin = admin.site.get_model_admin(MSPContract)
    monkeypatch.setattr(model_admin, "get_queryset", lambda request: MSPContract.objects.all())
    found = admin_problems(london_admin, Context.build())
    assert any("changelist shows an out-of-scope msp.mspcontract" in f for f in found), found
    assert any(f.startswith("GET /admin/msp/mspcontract/") and "/change/" in f for f in found)
