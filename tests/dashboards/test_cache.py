"""Cached figures are never stale: a committed write anywhere the figures read gives a new data
token, a rolled-back one does not, and a new day computes afresh."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from breaches.workflow import breach_act
from cap_exceptions.models import CapException, ExceptionStatus
from dashboards.cache import WATCHED_APPS, current_token
from datasharing.models import ReturnPeriod
from mou.models import Signatory, SignatoryStatus
from msp.models import MSP, RelationshipReview, ReviewAction
from tests.dashboards.conftest import PERIOD, _set
from tests.factories import cap_exception, local_authority, logged_breach

pytestmark = pytest.mark.django_db


def _figures(client):
    response = client.get(reverse("dashboards:region", args=["LDN"]), PERIOD)
    assert response.status_code == 200
    return {f.slug: f for f, _chart in response.context["figures"]}


def _open(client) -> int:
    return sum(n for _state, n in _figures(client)["open-by-state"].rows)


def test_a_breach_logged_and_committed_shows_at_once(
    client, dcs, regional_lead, history, django_capture_on_commit_callbacks
):
    client.force_login(dcs)
    before = _open(client)
    assert _open(client) == before  # read from the cache
    with django_capture_on_commit_callbacks(execute=True):
        logged_breach(local_authority("202"), reporter=regional_lead)
    assert _open(client) == before + 1


def test_a_workflow_step_shows_at_once(
    client, dcs, regional_lead, history, django_capture_on_commit_callbacks
):
    client.force_login(dcs)
    breach = history["F"]
    assert _figures(client)["open-by-state"].rows[2] == ["Under review", 1]
    with django_capture_on_commit_callbacks(execute=True):
        breach_act(
            breach=breach,
            action="request_reply",
            actor=regional_lead,
            party=breach.parties.first(),
            reply_due_on=timezone.localdate() + datetime.timedelta(days=14),
        )
    rows = dict(_figures(client)["open-by-state"].rows)
    assert rows["Under review"] == 0
    assert rows["Awaiting response"] == 1


def test_the_token_changes_after_commit_and_not_after_a_rollback(
    regional_lead, history, django_capture_on_commit_callbacks
):
    token = current_token()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        logged_breach(local_authority("202"), reporter=regional_lead)
        assert current_token() == token  # no lock on the stamp while the write runs
    assert current_token() != token
    token = current_token()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                logged_breach(local_authority("202"), reporter=regional_lead)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert current_token() == token


def test_writes_in_every_watched_app_give_a_new_token(
    regional_lead, dcs, london_admin, django_capture_on_commit_callbacks, reference_data
):
    camden = local_authority("202")
    exception = cap_exception(camden, requested_by=dcs)  # publishes an MOU version with a cap
    version = exception.mou_version
    msp = MSP.objects.create(name="Neutral Vendor Ltd", company_number="01234567", kind="neutral")
    writes = {
        "mou": lambda: Signatory.objects.create(
            version=version,
            local_authority=camden,
            status=SignatoryStatus.SIGNED,
            signed_on=datetime.date(2026, 1, 5),
        ),
        "msp": lambda: ReviewAction.objects.create(
            review=RelationshipReview.objects.create(
                region=version.mou.region,
                msp=msp,
                held_on=datetime.date(2026, 1, 5),
                attendees="x",
                effectiveness=3,
            ),
            description="Send the audit",
            owner="o",
            due_on=datetime.date(2026, 2, 5),
        ),
        "cap_exceptions": lambda: exception.delete(),
        "breaches": lambda: logged_breach(camden, reporter=regional_lead),
        "datasharing": lambda: ReturnPeriod.objects.create(
            region=version.mou.region,
            year=2026,
            quarter=1,
            opens_on=datetime.date(2026, 4, 1),
            due_on=datetime.date(2026, 4, 29),
            closes_on=datetime.date(2026, 5, 27),
        ),
    }
    assert set(writes) == set(WATCHED_APPS)
    for app, write in writes.items():
        token = current_token()
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert current_token() != token, app


def test_a_delete_gives_a_new_token(regional_lead, history, django_capture_on_commit_callbacks):
    token = current_token()
    with django_capture_on_commit_callbacks(execute=True):
        history["F"].parties.first().delete()
    assert current_token() != token


def test_a_new_day_computes_afresh(client, dcs, regional_lead, history, monkeypatch):
    today = timezone.localdate()
    due_today = logged_breach(local_authority("202"), reporter=regional_lead)
    _set(due_today, state="under_review", due_on=today)
    client.force_login(dcs)
    assert _figures(client)["deadlines"].rows[0] == ["Overdue", 1]
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert _figures(client)["deadlines"].rows[0] == ["Overdue", 2]


def test_a_failed_token_update_loses_no_change_and_no_later_callback(
    regional_lead, history, django_capture_on_commit_callbacks, monkeypatch
):
    def broken():
        raise RuntimeError("no token for you")

    monkeypatch.setattr("dashboards.cache.uuid.uuid4", broken)
    later = []
    with django_capture_on_commit_callbacks(execute=True):
        logged_breach(local_authority("202"), reporter=regional_lead)
        transaction.on_commit(lambda: later.append("notified"))
    assert later == ["notified"]


def test_expiring_cap_exceptions_gives_a_new_token(
    dcs, reference_data, django_capture_on_commit_callbacks
):
    from cap_exceptions.services import exceptions_expire

    exception = cap_exception(local_authority("202"), requested_by=dcs)
    CapException.objects.filter(pk=exception.pk).update(status=ExceptionStatus.APPROVED)
    token = current_token()
    with django_capture_on_commit_callbacks(execute=True):
        run = exceptions_expire(as_of=exception.expires_on + datetime.timedelta(days=1))
    assert run.expired == [exception.reference]
    assert current_token() != token


def test_one_persons_highlight_is_not_cached_for_another(client, dcs, regional_lead, history):
    client.force_login(dcs)
    assert _figures(client)["per-la"].highlight == "Camden"
    client.force_login(regional_lead)  # the same figures, from the cache
    assert _figures(client)["per-la"].highlight is None
