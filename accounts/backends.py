"""Signing in and the signed-in person, as Django's ModelBackend does, without reading the
person's row on every request when the shared cache is on.

With settings.ROLES_CACHE each server process keeps the rows of people it served recently, for
their stamp (accounts.scope: it changes after commit whenever the person, a membership or a
device changes, however the change is made) and for at most ROLES_CACHE_SECONDS. The stamp is
read with the person's roles in the one cache read a request makes, so a deactivated person
or a changed password signs them out on the very next request, on every server. The rows stay
in the process's memory: the shared cache never holds a password hash. When the cache holds
no stamp (it is down, or the person is new to it) the row is read from the database."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts.scope import ROLES_CACHE_SECONDS, person_stamp_key, roles_read

KEPT = 2000  # rows a process keeps at most (the oldest go first)
_rows: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        if not getattr(settings, "ROLES_CACHE", False):
            return super().get_user(user_id)
        from accounts.models import User

        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = roles_read(pk)
        stamp = found.get(person_stamp_key(pk))
        kept = _kept(pk, stamp) if stamp else None
        if kept is None:
            user = super().get_user(pk)
            if user is None:
                return None
            if stamp:
                _keep(pk, stamp, user)
        else:
            user = User.from_db("default", list(kept), list(kept.values()))
            if not self.user_can_authenticate(user):
                return None
        user._roles_read = found  # the person's roles come from the same read (accounts.scope)
        return user


def _kept(pk: int, stamp: str) -> dict[str, Any] | None:
    with _lock:
        kept = _rows.get((pk, stamp))
    if kept is None or kept[0] < time.monotonic():
        return None
    return kept[1]


def _keep(pk: int, stamp: str, user) -> None:
    values = {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}
    with _lock:
        if len(_rows) >= KEPT:
            for key in list(_rows)[: KEPT // 10]:
                del _rows[key]
        _rows[(pk, stamp)] = (time.monotonic() + ROLES_CACHE_SECONDS, values)


def forget_rows() -> None:
    """Empty this process's rows (tests)."""
    with _lock:
        _rows.clear()
