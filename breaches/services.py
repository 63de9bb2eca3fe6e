"""Writes for breaches. Each checks who may make it (see breaches/permissions.py), runs in a
transaction, adds an event to the breach's timeline, and writes its emails to the outbox in
that transaction (sent once it commits)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from breaches.models import (
    RATE_TYPES,
    Breach,
    BreachEvent,
    BreachEvidence,
    BreachParty,
    BreachState,
    BreachType,
    EventKind,
    ReferenceCounter,
    rule_kind_for,
)
from breaches.notifications import notify
from breaches.permissions import can_log_in_region, can_see
from cap_exceptions.models import CapException
from kernel.uploads import safe_download_name
from kernel.working_days import add_working_days
from mou.models import LocalAuthority, MOURule, MOUVersion, PriceCap, Region
from msp.models import MSP, Agency, MSPContract

TRIAGE_WORKING_DAYS = 5


@dataclass
class NewBreach:
    """What a person logs. The type decides the rule (`breaches.models.rule_kind_for`) except for
    `other`, where `rule` is the one they chose; the region is the rule's when not given."""

    breach_type: str
    occurred_on: datetime.date
    description: str
    region: Region | None = None
    rule: MOURule | None = None
    worker_reference: str = ""
    local_authorities: list[LocalAuthority] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    msps: list[MSP] = field(default_factory=list)
    rate_paid: Decimal | None = None
    job_type: str = ""
    engagement_type: str = ""
    # The person logging says an approved cap exception that matches does not cover the breach.
    not_covered_by_exception: bool = False


def _next_reference(region: Region, year: int) -> str:
    """The next reference for the region and year, e.g. LDN-2026-0042: the counter row is locked,
    so two people logging at once get different numbers."""
    ReferenceCounter.objects.get_or_create(region=region, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(region=region, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{region.code}-{year}-{counter.last:04d}"


def cap_for(
    region: Region, *, job_type: str, engagement_type: str, on: datetime.date
) -> PriceCap | None:
    return PriceCap.objects.in_force(
        region=region, job_type=job_type, engagement_type=engagement_type, on=on
    )


def _rule_breached(new: NewBreach, version: MOUVersion) -> tuple[MOURule | None, str]:
    """The rule of `version` the new breach breaches, or why there is none."""
    kind = rule_kind_for(new.breach_type, rate_given=new.rate_paid is not None)
    on = f"{new.occurred_on:%-d %B %Y}"
    if kind is not None:
        rule = version.rules.filter(kind=kind).first()
        if rule is None:  # every version is made with its statutory rules
            return None, f"Version {version.label}, in force on {on}, has no rule for this type"
        return rule, ""
    if new.rule is None:
        return None, "Choose the rule breached"
    if new.rule.version_id != version.pk:
        return None, (
            f"That rule is from version {new.rule.version.label}; on {on} version "
            f"{version.label} was in force. Choose one of its rules."
        )
    return new.rule, ""


def _cap_breached(
    new: NewBreach, region: Region, version: MOUVersion | None, errors: dict[str, str]
) -> PriceCap | None:
    """For a type with a rate: the cap row in force that the rate paid is above. A rate above
    the cap needs the rate, job and engagement type; advertising and project teams need them
    only when a rate is given."""
    if new.breach_type not in RATE_TYPES:
        return None
    if new.breach_type != BreachType.RATE_ABOVE_CAP and new.rate_paid is None:
        return None
    if new.rate_paid is None:
        errors["rate_paid"] = "Enter the hourly rate paid"
    if not new.job_type:
        errors["job_type"] = "Select the job type"
    if not new.engagement_type:
        errors["engagement_type"] = "Select the engagement type"
    if version is None or not (new.job_type and new.engagement_type):
        return None
    cap = cap_for(
        region, job_type=new.job_type, engagement_type=new.engagement_type, on=new.occurred_on
    )
    if cap is None:
        errors["job_type"] = "The MOU in force then sets no cap for this job and engagement type"
    elif new.rate_paid is not None and new.rate_paid <= cap.max_hourly_rate:
        errors["rate_paid"] = f"£{new.rate_paid} is not above the cap of £{cap.max_hourly_rate}"
    return cap


def _covering_exception(new: NewBreach) -> CapException | None:
    """An approved cap exception that covers the rate breach's engagement, if any: for one of
    its LAs and one of its agencies (CapExceptionQuerySet.covering says what cover is)."""
    if new.rate_paid is None or not (new.local_authorities and new.agencies):
        return None
    for la in new.local_authorities:
        for agency in new.agencies:
            exception = (
                CapException.objects.covering(
                    local_authority=la,
                    agency=agency,
                    job_type=new.job_type,
                    engagement_type=new.engagement_type,
                    rate=new.rate_paid,
                    on=new.occurred_on,
                )
                .select_related("local_authority", "agency")
                .first()
            )
            if exception is not None:
                return exception
    return None


def _covered_message(exception: CapException) -> str:
    return (
        f"{exception.reference} is an approved exception to the cap for {exception.local_authority}, "
        f"{exception.agency}, a {exception.get_job_type_display().lower()} "
        f"({exception.get_engagement_type_display()}) at up to £{exception.rate} an hour, from "
        f"{exception.starts_on:%-d %B %Y} to {exception.last_day:%-d %B %Y}: it covers this "
        "engagement on that date. Tick the box only if this breach is not covered by it"
    )


@transaction.atomic
def breach_log(*, new: NewBreach, actor: User, evidence: File | None = None) -> Breach:
    """Log a breach against at least one party, with the rule of the MOU version in force in the
    region on the day it happened: the rule its type breaches, or for `other` the one chosen."""
    region = new.region or (new.rule.version.mou.region if new.rule is not None else None)
    if region is None:
        raise ValueError("A new breach needs its region or its rule")
    if not can_log_in_region(actor, region.pk):
        raise PermissionDenied
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if new.occurred_on > today:
        errors["occurred_on"] = "The date it happened must be today or in the past"
    version = MOUVersion.objects.in_force_in_region(region, on=new.occurred_on)
    rule = None
    if version is None:
        errors.setdefault(
            "occurred_on", f"No {region.name} MOU was in force on {new.occurred_on:%-d %B %Y}"
        )
    else:
        rule, rule_error = _rule_breached(new, version)
        if rule_error:
            errors["rule"] = rule_error
    if not (new.local_authorities or new.agencies or new.msps):
        errors["local_authorities"] = (
            "Choose at least one party: a local authority, an agency or an MSP"
        )
    outside = [la for la in new.local_authorities if la.region_id != region.pk]
    if outside:
        errors["local_authorities"] = f"{outside[0]} is not in {region.name}"
    for msp in new.msps:
        contracted = MSPContract.objects.current(on=new.occurred_on).filter(
            msp=msp, local_authority__region=region
        )
        if not contracted.exists():
            errors["msps"] = (
                f"{msp} had no contract with a {region.name} local authority on "
                f"{new.occurred_on:%-d %B %Y}. Choose the MSP that served the region then, "
                "or raise the breach against the agency or local authority."
            )
    cap = _cap_breached(new, region, version, errors)
    if errors or version is None or rule is None:  # no version or rule: an error says why
        raise ValidationError(errors)
    overridden = _covering_exception(new) if cap else None
    if overridden is not None and not new.not_covered_by_exception:
        raise ValidationError({"not_covered_by_exception": _covered_message(overridden)})
    reported_on = timezone.localdate()
    breach = Breach.objects.create(
        reference=_next_reference(region, reported_on.year),
        region=region,
        mou_version=version,
        rule=rule,
        breach_type=new.breach_type,
        occurred_on=new.occurred_on,
        description=new.description.strip(),
        worker_reference=new.worker_reference.strip(),
        rate_paid=new.rate_paid if cap else None,
        job_type=new.job_type if cap else "",
        engagement_type=new.engagement_type if cap else "",
        cap_rate=cap.max_hourly_rate if cap else None,
        price_cap=cap,
        overridden_exception=overridden,
        state=BreachState.REPORTED,
        due_on=add_working_days(reported_on, TRIAGE_WORKING_DAYS),
        reported_by=actor,
    )
    BreachParty.objects.bulk_create(
        [BreachParty(breach=breach, local_authority=la) for la in new.local_authorities]
        + [BreachParty(breach=breach, agency=a) for a in new.agencies]
        + [BreachParty(breach=breach, msp=m) for m in new.msps]
    )
    BreachEvent.objects.create(
        breach=breach,
        kind=EventKind.LOGGED,
        to_state=BreachState.REPORTED,
        actor=actor,
        # The exception is named on the breach's page, to those who may see it; not here.
        note="Logged although an approved cap exception matched: the person logging said it "
        "does not cover this breach"
        if overridden
        else "",
    )
    if evidence is not None:
        _evidence_add(breach, evidence, actor)
    notify("logged", breach_id=breach.pk)
    return breach


def _evidence_add(breach: Breach, upload: File, actor: User) -> BreachEvidence:
    item = BreachEvidence.objects.create(
        breach=breach,
        file=upload,
        name=safe_download_name(upload.name),
        kind=getattr(upload, "upload_kind", ""),
        uploaded_by=actor,
    )
    BreachEvent.objects.create(breach=breach, kind=EventKind.EVIDENCE, actor=actor, note=item.name)
    return item


@transaction.atomic
def breach_evidence_add(*, breach: Breach, upload: File, actor: User) -> BreachEvidence:
    if not can_see(actor, breach):
        raise PermissionDenied
    return _evidence_add(breach, upload, actor)


@transaction.atomic
def breach_comment(*, breach: Breach, text: str, actor: User) -> BreachEvent:
    """Anyone who can see a breach may comment on it."""
    if not can_see(actor, breach):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": "Enter a comment"})
    return BreachEvent.objects.create(
        breach=breach, kind=EventKind.COMMENT, actor=actor, note=text.strip()
    )
