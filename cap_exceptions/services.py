"""Writes for cap exceptions. Each checks the actor's role for the LA itself (actor=None is the
system), records an event on the exception's history and writes its emails to the outbox with the change
(sent once it commits)."""

from __future__ import annotations

import calendar
import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cap_exceptions.models import (
    LIVE_RENEWAL_STATES,
    CapException,
    CapExceptionEvent,
    EventKind,
    ExceptionStatus,
    expiring_soon,
)
from cap_exceptions.notifications import notify
from cap_exceptions.permissions import (
    can_decide,
    can_request,
    is_first_decider,
    needs_second_approval,
)
from mou.models import LocalAuthority, MOUVersion, PriceCap
from msp.models import MSP, Agency


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _event(exception: CapException, kind: str, actor: User | None, note: str = "") -> None:
    CapExceptionEvent.objects.create(exception=exception, kind=kind, actor=actor, note=note)


def _tell(kind: str, exception: CapException) -> None:
    notify(kind, exception_id=exception.pk)


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
    recorded_late_reason: str = ""


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


def latest_expiry(version: MOUVersion, starts_on: datetime.date) -> datetime.date:
    """The last expiry date the MOU version allows for an exception starting on a day."""
    return add_months(starts_on, version.exception_max_months)


def renewal_start(current: CapException) -> datetime.date:
    """A renewal runs on from the day after the current exception expires."""
    return current.expires_on + datetime.timedelta(days=1)


def renewal_refusal(current: CapException) -> str | None:
    """Why `current` cannot be renewed now, or None. Only an approved exception that is not
    ending early can be, and only once at a time: one renewal requested or approved."""
    if current.status != ExceptionStatus.APPROVED:
        return (
            f"{current.reference} is {current.get_status_display().lower()}: only an approved "
            "exception can be renewed. Ask for a new exception instead"
        )
    if current.ended_on is not None:
        return (
            f"{current.reference} ends early on {current.ended_on:%-d %B %Y}: it cannot be renewed"
        )
    live = current.renewals.filter(status__in=LIVE_RENEWAL_STATES).first()
    if live is not None:
        return f"{live.reference} already renews {current.reference}"
    return None


def _check_renewal(request: Request, current: CapException) -> None:
    refusal = renewal_refusal(current)
    if refusal:
        raise ValidationError(refusal)
    if request.local_authority.pk != current.local_authority_id:
        raise PermissionDenied
    if request.starts_on != renewal_start(current):
        raise ValidationError(
            {
                "starts_on": f"A renewal starts the day after {current.reference} expires: "
                f"{renewal_start(current):%-d %B %Y}"
            }
        )


@transaction.atomic
def exception_request(
    *, request: Request, actor: User, renewal_of: CapException | None = None
) -> CapException:
    la = request.local_authority
    if not can_request(actor, la):
        raise PermissionDenied
    if renewal_of is not None:
        renewal_of = _locked(renewal_of)  # two renewals asked for at once
        _check_renewal(request, renewal_of)
    version, cap = cap_in_force(la, request.job_type, request.engagement_type, request.starts_on)
    errors: dict[str, str] = {}
    if request.rate <= cap.max_hourly_rate:
        errors["rate"] = (
            f"The rate agreed is at or below the cap of £{cap.max_hourly_rate}: no exception is needed"
        )
    if request.expires_on <= request.starts_on:
        errors["expires_on"] = "The expiry date must be after the start date"
    elif request.expires_on > latest_expiry(version, request.starts_on):
        errors["expires_on"] = (
            f"An exception can last at most {version.exception_max_months} months: expire it by "
            f"{latest_expiry(version, request.starts_on):%-d %B %Y}"
        )
    elif request.expires_on < timezone.localdate() and not request.recorded_late_reason.strip():
        errors["recorded_late_reason"] = (
            f"The whole period ended on {request.expires_on:%-d %B %Y}: enter why it is being "
            "recorded after the fact"
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
        recorded_late_reason=request.recorded_late_reason.strip()
        if request.expires_on < timezone.localdate()
        else "",
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
        f"Renews {renewal_of.reference}" if renewal_of else exception.recorded_late_reason,
    )
    _tell("requested", exception)
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
    if exception.expires_on < timezone.localdate() and not exception.recorded_late_reason:
        raise ValidationError(
            f"The period asked for ended on {exception.expires_on:%-d %B %Y}, so it can no longer "
            "be approved. Refuse it; the local authority can record it after the fact with a new "
            "request that says why"
        )
    now = timezone.now()
    if exception.dcs_approved_at is None:
        exception.dcs_approved_by, exception.dcs_approved_at = actor, now
        if needs_second_approval(exception):
            exception.save(update_fields=["dcs_approved_by", "dcs_approved_at"])
            _event(exception, EventKind.DCS_APPROVED, actor, note)
            _tell("second_approval", exception)
            return exception
    else:
        exception.second_approved_by, exception.second_approved_at = actor, now
    exception.status = ExceptionStatus.APPROVED
    exception.reported_to_region_at = now
    exception.save()
    _event(exception, EventKind.APPROVED, actor, note)
    _tell("approved", exception)
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
    _tell("refused", exception)
    return exception


@transaction.atomic
def exception_withdraw(*, exception: CapException, actor: User) -> CapException:
    """The LA's people take back a request nobody has finished deciding (a renewal among them);
    whoever was asked to decide is told."""
    exception = _locked(exception)
    if not can_request(actor, exception.local_authority):
        raise PermissionDenied
    if exception.status != ExceptionStatus.REQUESTED:
        raise ValidationError(
            f"{exception.reference} is already {exception.get_status_display().lower()}: only a "
            "request still waiting for a decision can be withdrawn"
        )
    exception.status = ExceptionStatus.WITHDRAWN
    exception.save(update_fields=["status"])
    _event(exception, EventKind.WITHDRAWN, actor)
    _tell("withdrawn", exception)
    return exception


@transaction.atomic
def exception_end_early(
    *, exception: CapException, actor: User, ended_on: datetime.date, reason: str
) -> CapException:
    """The engagement ends before the expiry date. `ended_on` is the last day covered: a day
    already past ends the exception now; a day ahead leaves it approved until then, and the
    expiry command marks it ended early the day after. The LA, its DCS and the region's leads
    are told now."""
    exception = _locked(exception)
    if not can_request(actor, exception.local_authority):
        raise PermissionDenied
    if exception.status != ExceptionStatus.APPROVED:
        raise ValidationError("Only an approved exception can be ended early")
    if exception.ended_on is not None:
        raise ValidationError(
            f"{exception.reference} already ends early, on {exception.ended_on:%-d %B %Y}"
        )
    errors = {}
    if ended_on < exception.starts_on or ended_on >= exception.expires_on:
        errors["ended_on"] = (
            f"The end date must be on or after the start date, {exception.starts_on:%-d %B %Y}, "
            f"and before the expiry date, {exception.expires_on:%-d %B %Y}"
        )
    if not reason.strip():
        errors["reason"] = "Enter why the exception ended early"
    if errors:
        raise ValidationError(errors)
    exception.ended_on, exception.end_reason = ended_on, reason.strip()
    if ended_on < timezone.localdate():
        exception.status = ExceptionStatus.ENDED_EARLY
    exception.save()
    _event(
        exception, EventKind.ENDED_EARLY, actor, f"Ends on {ended_on:%-d %B %Y}: {reason.strip()}"
    )
    _tell("ended_early", exception)
    return exception


@dataclass
class ExpiryRun:
    expired: list[str]
    ended: list[str]
    reminded: list[str]


def _close(exception: CapException, to: str, note: str) -> bool:
    """Move an approved exception to `to` unless another run already has (a conditional
    update), recording the event. Whether this run made the change."""
    with transaction.atomic():
        changed = CapException.objects.filter(
            pk=exception.pk, status=ExceptionStatus.APPROVED
        ).update(status=to)
        if changed and to == ExceptionStatus.EXPIRED:
            _event(exception, EventKind.EXPIRED, None, note)
            _tell("expired", exception)
        return bool(changed)


def exceptions_expire(*, as_of: datetime.date, dry_run: bool = False) -> ExpiryRun:
    """Mark approved exceptions past their expiry as expired (telling the LA, its DCS and the
    region's leads), those past an early end as ended early (they were told when it was
    recorded), and remind the LA 20 working days before expiry. Safe to run twice, or twice at
    once: each change is a conditional update, so only one run makes it. Used by
    `manage.py expire_cap_exceptions`."""
    run = ExpiryRun([], [], [])
    approved = CapException.objects.filter(status=ExceptionStatus.APPROVED)
    for exception in approved.filter(ended_on__isnull=True, expires_on__lt=as_of):
        if dry_run or _close(
            exception, ExceptionStatus.EXPIRED, f"Expired on {exception.expires_on:%-d %B %Y}"
        ):
            run.expired.append(exception.reference)
    for exception in approved.filter(ended_on__lt=as_of):
        if dry_run or _close(exception, ExceptionStatus.ENDED_EARLY, ""):
            run.ended.append(exception.reference)
    soon = approved.filter(expiring_soon(as_of), expiry_reminder_sent_on__isnull=True)
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
                _tell("reminder", exception)
                run.reminded.append(exception.reference)
    return run
