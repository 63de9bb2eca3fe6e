from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_when_not_in_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_a_person_for_every_role_and_runs_twice(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() == 7
    assert Membership.objects.count() == 7
    assert "Demo-portal-2026!" in out.getvalue()
    lead = User.objects.get(email="regional.lead@example.org")
    assert lead.check_password("Demo-portal-2026!")
    assert str(lead.memberships.get()) == "Regional lead, London"


def test_seed_demo_with_force_runs_when_not_in_debug(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.count() == 7


def test_seed_demo_adds_an_mou_for_every_region_with_illustrative_caps(settings):
    from mou.models import MOU, PriceCap, Signatory, VersionStatus

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert MOU.objects.count() == 9
    for mou in MOU.objects.all():
        assert mou.versions.filter(status=VersionStatus.ACTIVE).count() == 1
    assert PriceCap.objects.exists()
    assert not PriceCap.objects.filter(illustrative=False).exists()
    assert set(Signatory.objects.values_list("status", flat=True)) >= {
        "signed",
        "invited",
        "declined",
    }
    london = MOU.objects.get(region__code="LDN").versions.get(status=VersionStatus.ACTIVE)
    assert london.rules.get(kind="non_engagement_months").value == 6


def test_seed_demo_adds_a_supply_chain_covering_every_region(settings):
    from mou.models import Region
    from msp.models import MSP, Agency, MSPContract

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert MSP.objects.count() >= 3
    assert Agency.objects.count() >= 40
    covered = set(
        MSPContract.objects.current().values_list("local_authority__region__code", flat=True)
    )
    assert covered == set(Region.objects.values_list("code", flat=True))
    assert all(msp.company_number for msp in MSP.objects.all())


def test_seed_demo_adds_cap_exceptions_in_london_without_emailing_anyone(settings):
    from django.core import mail

    from cap_exceptions.models import CapException

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    statuses = list(CapException.objects.values_list("status", flat=True))
    assert len(statuses) == 5
    assert {"approved", "refused", "requested"} <= set(statuses)
    assert set(CapException.objects.values_list("local_authority__region__code", flat=True)) == {
        "LDN"
    }
    assert mail.outbox == []


def test_seed_demo_gives_every_region_two_years_of_resolved_history(settings):
    from django.utils import timezone

    from breaches.models import Breach, BreachEvent
    from kernel.working_days import working_days_between
    from mou.models import Region

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    history = Breach.objects.filter(description__startswith="Demo history")
    assert history.count() == 2 * 153
    assert set(history.values_list("region", flat=True)) == set(
        Region.objects.values_list("pk", flat=True)
    )
    for breach in history.select_related("level")[:50]:
        reported = timezone.localtime(breach.reported_at).date()
        resolved = timezone.localtime(breach.resolved_at).date()
        assert breach.working_days_taken == working_days_between(reported, resolved)
        escalations = BreachEvent.objects.filter(breach=breach, kind="escalated")
        assert sorted(escalations.values_list("to_level", flat=True)) == list(
            range(2, breach.level.order + 1)
        )
    references = list(Breach.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
