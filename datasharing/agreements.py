"""The region's data sharing agreement: writes (versions drafted and published, parties joining
and leaving) and the one read every shared figure asks: which LAs were party to an agreement in
force on a quarter's last day (`sharing_las`). Each write checks the actor's role for the
region and runs in a transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from datasharing.models import AgreementParty, SharingAgreement
from datasharing.permissions import can_manage_sharing, require
from kernel.uploads import safe_download_name
from mou.models import LocalAuthority, Region, VersionState, VersionStatus
from msp.models import MSP

AGREEMENT_FIELDS = (
    "label",
    "purpose",
    "lawful_basis",
    "data_categories",
    "retention",
    "effective_from",
    "review_due",
)


def _label_taken(region: Region, label: str, *, other_than: int | None = None) -> bool:
    same = SharingAgreement.objects.filter(region=region, label=label.strip())
    if other_than is not None:
        same = same.exclude(pk=other_than)
    return same.exists()


@transaction.atomic
def agreement_create(
    *, region: Region, fields: Mapping[str, object], actor: User
) -> SharingAgreement:
    """A draft version of the region's agreement."""
    require(can_manage_sharing(actor, region))
    label = str(fields["label"]).strip()
    if _label_taken(region, label):
        raise ValidationError({"label": f"{region.name} already has a version {label}"})
    agreement = SharingAgreement(region=region, **{**fields, "label": label})
    _check_dates(agreement)
    agreement.save()
    return agreement


def _check_dates(agreement: SharingAgreement) -> None:
    if agreement.review_due <= agreement.effective_from:  # type: ignore[operator]
        raise ValidationError({"review_due": "The review must be due after the agreement starts"})


def _locked(agreement: SharingAgreement) -> SharingAgreement:
    return (
        SharingAgreement.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_update(
    *,
    agreement: SharingAgreement,
    fields: Mapping[str, object],
    document: File | None = None,
    actor: User,
) -> SharingAgreement:
    """Change a draft's details and, optionally, its document (an UploadField file)."""
    agreement = _locked(agreement)
    require(can_manage_sharing(actor, agreement.region))
    if not agreement.is_draft:
        raise ValidationError("A published agreement does not change: draft a new version")
    label = str(fields.get("label", agreement.label)).strip()
    if _label_taken(agreement.region, label, other_than=agreement.pk):
        raise ValidationError({"label": f"{agreement.region.name} already has a version {label}"})
    for name, value in {**fields, "label": label}.items():
        setattr(agreement, name, value)
    if document is not None:
        agreement.document = document
        agreement.document_name = safe_download_name(document.name)
        agreement.document_kind = getattr(document, "upload_kind", "")
    _check_dates(agreement)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_publish(*, agreement: SharingAgreement, actor: User) -> SharingAgreement:
    """Publish a draft: from its start date it governs sharing in the region, and the version
    before it ends that day. It may not start on or before the current version's start."""
    agreement = _locked(agreement)
    require(can_manage_sharing(actor, agreement.region))
    if not agreement.is_draft:
        raise ValidationError("This version is already published")
    published = SharingAgreement.objects.select_for_update().filter(
        region=agreement.region, status=VersionStatus.PUBLISHED
    )
    later = published.filter(effective_from__gte=agreement.effective_from).first()
    if later is not None:
        raise ValidationError(
            {
                "effective_from": f"Version {later.label} starts on "
                f"{later.effective_from:%-d %B %Y}: this one must start after it"
            }
        )
    published.filter(effective_to__isnull=True).update(effective_to=agreement.effective_from)
    agreement.status = VersionStatus.PUBLISHED
    agreement.published_at, agreement.published_by = timezone.now(), actor
    agreement.save()
    return agreement


@transaction.atomic
def party_join(
    *,
    agreement: SharingAgreement,
    local_authority: LocalAuthority | None = None,
    msp: MSP | None = None,
    signed_on: datetime.date,
    signed_by_name: str,
    evidence: File | None = None,
    actor: User,
) -> AgreementParty:
    """Record that an LA of the region (or an MSP) signed the agreement."""
    agreement = _locked(agreement)
    require(can_manage_sharing(actor, agreement.region))
    if (local_authority is None) == (msp is None):
        raise ValueError("A party is an LA or an MSP")
    if agreement.state == VersionState.ENDED:
        raise ValidationError("This version has ended: parties join the version in force")
    if local_authority is not None and local_authority.region_id != agreement.region_id:
        raise ValidationError(
            {"local_authority": f"{local_authority} is not in {agreement.region.name}"}
        )
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "The date signed must be today or in the past"})
    existing = agreement.parties.filter(local_authority=local_authority, msp=msp)
    if existing.exists():
        name = local_authority or msp
        raise ValidationError(
            {"local_authority" if local_authority else "msp": f"{name} is already a party"}
        )
    party = AgreementParty(
        agreement=agreement,
        local_authority=local_authority,
        msp=msp,
        signed_on=signed_on,
        signed_by_name=signed_by_name.strip(),
        recorded_by=actor,
    )
    if evidence is not None:
        party.evidence = evidence
        party.evidence_name = safe_download_name(evidence.name)
        party.evidence_kind = getattr(evidence, "upload_kind", "")
    party.save()
    return party


@transaction.atomic
def party_leave(
    *, party: AgreementParty, left_on: datetime.date, reason: str, actor: User
) -> AgreementParty:
    """A party leaves: from `left_on` its returns are no longer shared."""
    party = (
        AgreementParty.objects.select_for_update(of=("self",))
        .select_related("agreement__region", "local_authority", "msp")
        .get(pk=party.pk)
    )
    require(can_manage_sharing(actor, party.agreement.region))
    if party.left_on is not None:
        raise ValidationError(f"{party.name} left on {party.left_on:%-d %B %Y}")
    errors = {}
    if left_on < party.signed_on:
        errors["left_on"] = (
            f"The date left must be on or after it signed ({party.signed_on:%-d %B %Y})"
        )
    if not reason.strip():
        errors["reason"] = "Enter why it is leaving"
    if errors:
        raise ValidationError(errors)
    party.left_on, party.leaving_reason = left_on, reason.strip()
    party.save(update_fields=["left_on", "leaving_reason"])
    return party


def sharing_las(
    local_authorities: Iterable[int], days: Iterable[datetime.date]
) -> set[tuple[int, datetime.date]]:
    """(LA, day) for each LA that was party, on that day, to an agreement of its region in
    force that day: whose returns for the quarter ending that day are shared beyond it. One
    query whatever the number of LAs and days."""
    la_ids, days = sorted(set(local_authorities)), sorted(set(days))
    if not la_ids or not days:
        return set()
    parties = AgreementParty.objects.filter(
        local_authority_id__in=la_ids,
        agreement__status=VersionStatus.PUBLISHED,
        agreement__effective_from__lte=days[-1],
        signed_on__lte=days[-1],
    ).select_related("agreement")
    shared: set[tuple[int, datetime.date]] = set()
    for party in parties:
        la_id = party.local_authority_id
        for day in days:
            in_force = party.agreement.state_on(day) == VersionState.IN_FORCE
            if la_id is not None and in_force and party.is_party_on(day):
                shared.add((la_id, day))
    return shared
