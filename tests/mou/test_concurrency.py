"""Publishing and editing one draft at the same moment: tested on PostgreSQL with real connections.

SQLite cannot show this (it has no row locks), so these run only on PostgreSQL, which CI uses.
"""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from accounts.roles import Role
from mou import services
from mou.models import MOUVersion, VersionStatus
from tests.factories import mou_version, person_with_role, region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks (CI runs it)"
    ),
]
D = datetime.date
WAIT = 20  # seconds: far longer than either step takes


def _in_thread(target, results: dict, name: str) -> threading.Thread:
    """Run target in its own thread, so on its own database connection."""

    def run():
        try:
            results[name] = target()
        except Exception as error:
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for_a_blocked_connection() -> None:
    """Until another connection of this database waits for a lock another holds."""
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no connection waited for the lock")


@pytest.fixture
def setup(reference_data):
    first = mou_version("LDN")
    draft = services.mou_version_create_draft(
        mou=first.mou,
        label="2026.1",
        effective_from=D(2026, 4, 1),
        review_due=D(2027, 4, 1),
        actor=None,
    )
    london = region("LDN")
    return (
        draft,
        person_with_role(Role.ADMIN, region=london),
        person_with_role(Role.ADMIN, region=london),
    )


def _in_force_after_publishing():
    return MOUVersion.objects.in_force_in_region(region("LDN"), on=D(2026, 5, 1))


def test_an_edit_made_while_a_publish_holds_its_lock_cannot_undo_it(setup):
    draft, publisher, editor = setup
    stale = MOUVersion.objects.get(pk=draft.pk)  # the editor's page, loaded while a draft
    published, release = threading.Event(), threading.Event()
    results: dict = {}

    def publish():
        with transaction.atomic():  # hold the publish's locks until told to commit
            version = services.mou_version_publish(
                version=MOUVersion.objects.get(pk=draft.pk), actor=publisher
            )
            published.set()
            assert release.wait(WAIT)
        return version

    def edit():
        assert published.wait(WAIT)
        return services.mou_version_update(
            version=stale, changes={"summary_of_changes": "Late edit"}, actor=editor
        )

    threads = [_in_thread(publish, results, "publish"), _in_thread(edit, results, "edit")]
    try:
        assert published.wait(WAIT), results
        _wait_for_a_blocked_connection()  # the edit waits for the publish to finish
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)

    assert isinstance(results["publish"], MOUVersion), results
    assert isinstance(results["edit"], ValidationError), results
    assert "Only a draft version can be changed" in results["edit"].messages[0]
    draft.refresh_from_db()
    assert (draft.status, draft.effective_to, draft.summary_of_changes) == (
        VersionStatus.PUBLISHED,
        None,
        "",
    )
    in_force = _in_force_after_publishing()
    assert in_force == draft


def test_a_publish_waits_for_an_edit_in_progress_and_publishes_what_it_saved(setup):
    draft, publisher, editor = setup
    edited, release = threading.Event(), threading.Event()
    results: dict = {}

    def edit():
        with transaction.atomic():  # hold the edit's lock until told to commit
            version = services.mou_version_update(
                version=MOUVersion.objects.get(pk=draft.pk),
                changes={"summary_of_changes": "Caps raised"},
                actor=editor,
            )
            edited.set()
            assert release.wait(WAIT)
        return version

    def publish():
        assert edited.wait(WAIT)
        return services.mou_version_publish(
            version=MOUVersion.objects.get(pk=draft.pk), actor=publisher
        )

    threads = [_in_thread(edit, results, "edit"), _in_thread(publish, results, "publish")]
    try:
        assert edited.wait(WAIT), results
        _wait_for_a_blocked_connection()  # the publish waits for the edit to finish
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)

    assert isinstance(results["edit"], MOUVersion), results
    assert isinstance(results["publish"], MOUVersion), results
    draft.refresh_from_db()
    assert (draft.status, draft.summary_of_changes) == (VersionStatus.PUBLISHED, "Caps raised")
    in_force = _in_force_after_publishing()
    assert in_force == draft
