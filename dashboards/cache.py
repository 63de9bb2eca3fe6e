"""Cached dashboard figures with correct invalidation.

Figures are computed from two years of breaches and cost tens of milliseconds each, but the data
they read changes far less often than dashboards are opened. Each computed figure is kept in the
cache under a key made of:

- the data token (`DataStamp`), a random value replaced after every committed write to a model of
  the apps the figures read (`WATCHED_APPS`): a figure cached before a change is not read once
  the new token is in place (milliseconds after the commit), whichever process serves the request;
- today's date (overdue, due this week and cap exceptions in force move with the calendar);
- what the figure is about: region, period, local authority, slug.

The token is replaced once the writing transaction commits, never inside it: the stamp's row lock
would otherwise be held for the whole transaction and order writers against each other. A reader
between the commit and the new token computes from the committed data, so nothing older than the
database is cached under the new token. Entries also expire after `FIGURE_SECONDS`, which bounds
the damage should a process die between a commit and its new token.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save

from dashboards.models import DataStamp

FIGURE_SECONDS = 15 * 60
# The apps whose models dashboard figures read. A new figure reading another app adds it here.
WATCHED_APPS = ("breaches", "cap_exceptions", "mou", "msp", "datasharing")
STAMP_PK = 1


def token_subquery() -> Subquery:
    """The current token as a subquery, so it is read with a row the page reads anyway."""
    return Subquery(DataStamp.objects.filter(pk=STAMP_PK).values("token")[:1])


def current_token() -> str:
    return DataStamp.objects.filter(pk=STAMP_PK).values_list("token", flat=True).first() or ""


def new_token() -> None:
    """Replace the token: every figure cached so far is out of date."""
    token = uuid.uuid4().hex
    if not DataStamp.objects.filter(pk=STAMP_PK).update(token=token):
        DataStamp.objects.update_or_create(pk=STAMP_PK, defaults={"token": token})


def data_changed(**_kwargs) -> None:
    """Signal receiver: a new token once the current transaction commits (at once outside one).
    A transaction saving several rows replaces it several times: a one-row update each, kept
    simple rather than tracking transactions."""
    # Robust: should the stamp's update fail, the change is saved and the callbacks after this
    # one (notifications) still run; figures then expire within FIGURE_SECONDS.
    transaction.on_commit(new_token, robust=True)


def watch_writes() -> None:
    """Connect `data_changed` to every save and delete of the watched apps' models (their
    field-history copies excepted: they are written with the model they copy)."""
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            uid = f"dashboards-data-changed-{model._meta.label_lower}"
            post_save.connect(data_changed, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(data_changed, sender=model, weak=False, dispatch_uid=uid)


def cached(token: str | None, about: Iterable[object], slugs: Iterable[str], compute: Callable):
    """{slug: compute(slug)} for each slug, from the cache where it holds them. `about` names
    what the figures depend on besides the data (today, region, period, LA)."""
    prefix = ":".join(["dashboards", token or "-", *(str(part) for part in about)])
    keys = {slug: f"{prefix}:{slug}" for slug in slugs}
    found = cache.get_many(keys.values())
    values = {}
    missing = {}
    for slug, key in keys.items():
        if key in found:
            values[slug] = found[key]
        else:
            values[slug] = missing[key] = compute(slug)
    if missing:
        cache.set_many(missing, FIGURE_SECONDS)
    return values
