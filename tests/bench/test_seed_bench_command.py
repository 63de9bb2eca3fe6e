"""`manage.py seed_bench` never fills a database by mistake."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from breaches.models import Breach
from tests.factories import logged_breach

pytestmark = pytest.mark.django_db


def test_seed_bench_refuses_a_database_not_named_for_the_benchmark():
    with pytest.raises(CommandError, match="does not end with '_bench'"):
        call_command("seed_bench", "--scale", "0.01", stdout=StringIO())
    assert not Breach.objects.exists()
    assert not User.objects.exists()


def test_seed_bench_refuses_a_bench_database_that_already_holds_breaches(
    monkeypatch, regional_lead, camden
):
    monkeypatch.setattr("bench.management.commands.seed_bench.is_bench_database", lambda _: True)
    logged_breach(camden, reporter=regional_lead)
    with pytest.raises(CommandError, match=r"already holds breaches\. Use --reset"):
        call_command("seed_bench", "--scale", "0.01", stdout=StringIO())
    assert Breach.objects.count() == 1
