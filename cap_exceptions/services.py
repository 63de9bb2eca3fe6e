"""Writes for cap exceptions. Each checks the actor's role for the LA itself (actor=None is the
system), records an event on the exception's history and sends email only after commit."""

from __future__ import annotations

import calendar
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cap_exceptions.models import CapException, CapExceptionEvent, EventKind, ExceptionStatus
from cap_exceptions.notifications import notify
from cap_exceptions.permissions import (
    can_decide,
    can_request,
    is_first_decider,
    needs_second_approval,
)
from kernel.working_days import add_working_days
from mou.models import LocalAuthority, MOUVersion, PriceCap
from msp.models import MSP, Agency

REMINDER_WORKING_DAYS = 20


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _event(exception: CapException, kind: str, actor: User | None, note: str = "") -> None:
    CapExceptionEvent.objects.create(exception=exception, kind=kind, actor=actor, note=note)


def _after_commit(kind: str, exception: CapException) -> None:
    transaction.on_commit(partial(notify, kind, exception_id=exception.pk))


@dataclass
class Request:
    local_authority: LocalAuthority
    job_type: str
    engagement_type: str
    agency: Agency
    msp: MSP | None
    engagement_reference: str
    rate: Decimal
    reason: str
    starts_on: datetime.date
    expires_on: datetime.date
    exit_plan: str


def cap_in_force(
    local_authority: LocalAuthority, job_type: str, engagement_type: str, on: datetime.date
) -> tuple[MOUVersion, PriceCap]:
    """The MOU version and cap in force for the LA's region on a date; explains what is missing."""
    version = MOUVersion.objects.in_force_in_region(local_authority.region, on=on)
    if version is None:
        raise ValidationError(
            {"starts_on": f"No {local_authority.region.name} MOU is in force on {on:%-d %B %Y}"}
        )
    cap = PriceCap.objects.in_force(
        region=local_authority.region, job_type=job_type, engagement_type=engagement_type, on=on
    )
    if cap is None:
        raise ValidationError(
            {
                "job_type": f"The {local_authority.region.name} MOU sets no cap for this job and engagement type "
                f"on {on:%-d %B %Y}, so no exception is needed"
            }
        )
    return version, cap


@transaction.atomic
def exception_request(
    *, request: Request, actor: User, renewal_of: CapException | None = None
) -> CapException:
    la = request.local_authority
    if not can_request(actor, la):
        raise PermissionDenied
    version, cap = cap_in_force(la, request.job_type, request.engagement_type, request.starts_on)
    errors: dict[str, str] = {}
    if request.rate <= cap.max_hourly_rate:
        errors["rate"] = (
            f"The rate agreed is at or below the cap of £{cap.max_hourly_rate}: no exception is needed"
        )
    if request.expires_on <= request.starts_on:
        errors["expires_on"] = "The expiry date must be after the start date"
    elif request.expires_on > add_months(request.starts_on, version.exception_max_months):
        errors["expires_on"] = (
            f"An exception can last at most {version.exception_max_months} months: expire it by "
            f"{add_months(request.starts_on, version.exception_max_months):%-d %B %Y}"
        )
    if errors:
        raise ValidationError(errors)
    exception = CapException.objects.create(
        reference=f"new-{uuid.uuid4().hex[:16]}",  # replaced below, once the row has its number
        local_authority=la,
        mou_version=version,
        job_type=request.job_type,
        engagement_type=request.engagement_type,
        agency=request.agency,
        msp=request.msp,
        engagement_reference=request.engagement_reference.strip(),
        rate=request.rate,
        cap_rate=cap.max_hourly_rate,
        reason=request.reason,
        starts_on=request.starts_on,
        expires_on=request.expires_on,
        exit_plan=request.exit_plan,
        requested_by=actor,
        renewal_of=renewal_of,
        renewal_number=(renewal_of.renewal_number + 1) if renewal_of else 0,
    )
    exception.reference = f"{la.region.code}-CX-{exception.pk:05d}"  # unique and never reused
    exception.save(update_fields=["reference"])
    _event(
        exception,
        EventKind.RENEWAL_REQUESTED if renewal_of else EventKind.REQUESTED,
        actor,
        f"Renews {renewal_of.reference}" if renewal_of else "",
    )
    _after_commit("requested", exception)
    return exception


def _locked(exception: CapException) -> CapException:
    return (
        CapException.objects.select_for_update(of=("self",))
        .select_related("local_authority__region", "mou_version", "requested_by")
        .get(pk=exception.pk)
    )


def _explain_decider(actor: User, exception: CapException) -> None:
    if exception.status != ExceptionStatus.REQUESTED:
        raise ValidationError(f"This exception is already {exception.get_status_display().lower()}")
    if actor.pk == exception.requested_by_id:
        raise ValidationError("You cannot decide on a request you made yourself")
    if exception.dcs_approved_at is None:
        if not is_first_decider(actor, exception):
            raise ValidationError(
                f"Only the director of children's services of {exception.local_authority} can decide this"
            )
    elif actor.pk == exception.dcs_approved_by_id:
        raise ValidationError("A different person must give the second approval")
    elif not can_decide(actor, exception):
        raise ValidationError(
            f"Only a regional lead of {exception.local_authority.region} can give the second approval"
        )


@transaction.atomic
def exception_approve(*, exception: CapException, actor: User, note: str = "") -> CapException:
    """The DCS approves; where the MOU version asks for it, a regional lead approves second. Final
    approval reports the exception to the region (its leads are emailed; it is on their register)."""
    exception = _locked(exception)  # two people deciding at once
    _explain_decider(actor, exception)
    now = timezone.now()
    if exception.dcs_approved_at is None:
        exception.dcs_approved_by, exception.dcs_approved_at = actor, now
        if needs_second_approval(exception):
            exception.save(update_fields=["dcs_approved_by", "dcs_approved_at"])
            _event(exception, EventKind.DCS_APPROVED, actor, note)
            _after_commit("second_approval", exception)
            return exception
    else:
        exception.second_approved_by, exception.second_approved_at = actor, now
    exception.status = ExceptionStatus.APPROVED
    exception.reported_to_region_at = now
    exception.save()
    _event(exception, EventKind.APPROVED, actor, note)
    _after_commit("approved", exception)
    return exception


@transaction.atomic
def exception_refuse(*, exception: CapException, actor: User, reason: str) -> CapException:
    exception = _locked(exception)
    _explain_decider(actor, exception)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the exception is refused"})
    exception.status = ExceptionStatus.REFUSED
    exception.refused_by, exception.refused_at, exception.refusal_reason = (
        actor,
        timezone.now(),
        reason.strip(),
    )
    exception.save()
    _event(exception, EventKind.REFUSED, actor, reason.strip())
    _after_commit("refused", exception)
    return exception


@transaction.atomic
def exception_end_early(
    *, exception: CapException, actor: User, ended_on: datetime.date, reason: str
) -> CapException:
    exception = _locked(exception)
    if not can_request(actor, exception.local_authority):
        raise PermissionDenied
    if exception.status != ExceptionStatus.APPROVED:
        raise ValidationError("Only an approved exception can be ended early")
    errors = {}
    if ended_on < exception.starts_on or ended_on > exception.expires_on:
        errors["ended_on"] = "The end date must be between the start date and the expiry date"
    if not reason.strip():
        errors["reason"] = "Enter why the exception ended early"
    if errors:
        raise ValidationError(errors)
    exception.status, exception.ended_on, exception.end_reason = (
        ExceptionStatus.ENDED_EARLY,
        ended_on,
        reason.strip(),
    )
    exception.save()
    _event(exception, EventKind.ENDED_EARLY, actor, reason.strip())
    return exception


@dataclass
class ExpiryRun:
    expired: list[str]
    reminded: list[str]


def exceptions_expire(*, as_of: datetime.date, dry_run: bool = False) -> ExpiryRun:
    """Mark approved exceptions past their expiry as expired, and remind the LA 20 working days
    before expiry. Safe to run twice, or twice at once: each change is a conditional update, so
    only one run makes it. Used by `manage.py expire_cap_exceptions`."""
    run = ExpiryRun([], [])
    due = CapException.objects.filter(status=ExceptionStatus.APPROVED, expires_on__lt=as_of)
    for exception in due:
        if dry_run:
            run.expired.append(exception.reference)
            continue
        with transaction.atomic():
            if CapException.objects.filter(pk=exception.pk, status=ExceptionStatus.APPROVED).update(
                status=ExceptionStatus.EXPIRED
            ):
                _event(
                    exception,
                    EventKind.EXPIRED,
                    None,
                    f"Expired on {exception.expires_on:%-d %B %Y}",
                )
                run.expired.append(exception.reference)
    horizon = add_working_days(as_of, REMINDER_WORKING_DAYS)
    soon = CapException.objects.filter(
        status=ExceptionStatus.APPROVED,
        expires_on__gte=as_of,
        expires_on__lte=horizon,
        expiry_reminder_sent_on__isnull=True,
    )
    for exception in soon:
        if dry_run:
            run.reminded.append(exception.reference)
            continue
        with transaction.atomic():
            claimed = CapException.objects.filter(
                pk=exception.pk, expiry_reminder_sent_on__isnull=True
            ).update(expiry_reminder_sent_on=as_of)
            if claimed:
                _event(
                    exception,
                    EventKind.REMINDED,
                    None,
                    f"Expires on {exception.expires_on:%-d %B %Y}",
                )
                _after_commit("reminder", exception)
                run.reminded.append(exception.reference)
    return run
