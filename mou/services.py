"""Writes for the mou app."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.selectors import people_with
from kernel.history import HistoryStamps
from kernel.mail import portal_link, send_each
from kernel.uploads import safe_download_name
from mou.models import (
    MOU,
    RULE_DEFAULTS,
    EscalationLevel,
    LocalAuthority,
    MOURule,
    MOUVersion,
    PriceCap,
    Region,
    Responsible,
    RuleKind,
    RuleSource,
    Signatory,
    SignatoryStatus,
    VersionState,
    VersionStatus,
)
from mou.permissions import require_mou_manager

_Stamped = TypeVar("_Stamped", bound=HistoryStamps)
_VersionPart = TypeVar("_VersionPart", MOURule, EscalationLevel, PriceCap)

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@transaction.atomic
def reference_data_load() -> LoadResult:
    """Make regions and local authorities match the CSV files in mou/data (idempotent).

    Keyed on region code and DfE LA code, so a renamed LA is updated, not duplicated. Saves row by
    row so field history records each change. Used by `load_reference_data`, `make run` and the
    test fixtures (browser tests empty the tables, so the data cannot live in a migration alone).
    """
    result = LoadResult()
    regions = {r.code: r for r in Region.objects.all()}
    regions_by_name: dict[str, Region] = {}
    for row in _rows("regions.csv"):
        region = regions.get(row["code"])
        if region is None:
            region = Region.objects.create(
                code=row["code"], name=row["name"], riia_name=row["riia_name"]
            )
            result.created.append(f"region {region.name}")
        elif region.name != row["name"]:
            region.name = row["name"]
            region.save(update_fields=["name"])
            result.updated.append(f"region {region.name}")
        regions_by_name[region.name] = region

    existing = {la.la_code: la for la in LocalAuthority.objects.all()}
    for row in _rows("local_authorities.csv"):
        region = regions_by_name[row["region"]]
        wanted = {"ons_code": row["ons_code"], "name": row["name"], "region": region}
        la = existing.get(row["la_code"])
        if la is None:
            LocalAuthority.objects.create(la_code=row["la_code"], **wanted)
            result.created.append(f"{row['la_code']} {row['name']}")
            continue
        changed = [
            name
            for name, value in wanted.items()
            if (la.region_id != region.pk if name == "region" else getattr(la, name) != value)
        ]
        if changed:
            for name in changed:
                setattr(la, name, wanted[name])
            la.save(update_fields=changed)
            result.updated.append(f"{la.la_code} {la.name}")
    return result


# The MOU registry. Every write checks the actor may manage the MOU's region (actor=None is the
# system), runs in a transaction and names the actor in field history.

DEFAULT_LADDER = [
    (1, "Regional workforce group", Responsible.REGIONAL_LEADS, 10),
    (2, "DCS of the local authority concerned", Responsible.LA_DCS, 10),
    (3, "Regional DCS board", Responsible.REGION_DCS_BOARD, 15),
    (4, "National team", Responsible.NATIONAL_TEAM, 20),
]


def _stamp(obj: _Stamped, actor: User | None) -> _Stamped:
    obj._history_user = actor
    return obj


def _require_draft(version: MOUVersion) -> None:
    if not version.is_draft:
        raise ValidationError(
            "Only a draft version can be changed. Create a new draft to change a published one."
        )


def _draft_for_change(version: MOUVersion, actor: User | None) -> MOUVersion:
    """The version as it is now, locked until the caller's transaction ends, if it is still a
    draft. The object a page loaded may be stale: someone may have published it since, and an
    edit checked (or saved) on that object would put the published version back to draft.
    Publishing locks the same row, so an edit and a publish of one version take turns."""
    require_mou_manager(actor, version.mou)
    current = MOUVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(current)
    return current


def _full_clean(obj: models.Model, exclude: set[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_constraints=False)


@transaction.atomic
def mou_version_create_draft(
    *,
    mou: MOU,
    label: str,
    effective_from: datetime.date,
    review_due: datetime.date,
    summary_of_changes: str = "",
    actor: User | None,
) -> MOUVersion:
    """A new draft, starting from the rules, ladder and caps of the newest published version (a
    scheduled one if there is one: the next version builds on it), or the national rules and the
    default ladder for a first version."""
    require_mou_manager(actor, mou)
    if MOUVersion.objects.filter(mou=mou, label__iexact=label).exists():
        raise ValidationError({"label": f"{mou.region.name} already has a version called {label}"})
    version = _stamp(
        MOUVersion(
            mou=mou,
            label=label,
            effective_from=effective_from,
            review_due=review_due,
            summary_of_changes=summary_of_changes,
        ),
        actor,
    )
    source = mou.versions.published().order_by("-effective_from").first()
    if source is not None:  # keep the region's exception settings unless changed
        version.exception_max_months = source.exception_max_months
        version.exception_second_approver = source.exception_second_approver
    _full_clean(version, exclude={"document"})
    version.save()
    if source is not None:
        for rule in source.rules.all():
            _stamp(
                MOURule(
                    version=version,
                    kind=rule.kind,
                    source=rule.source,
                    value=rule.value,
                    wording=rule.wording,
                    order=rule.order,
                ),
                actor,
            ).save()
        for level in source.escalation_levels.all():
            _stamp(
                EscalationLevel(
                    version=version,
                    order=level.order,
                    name=level.name,
                    responsible=level.responsible,
                    deadline_working_days=level.deadline_working_days,
                ),
                actor,
            ).save()
        for cap in source.price_caps.all():
            cap.pk = None
            cap.version = version
            _stamp(cap, actor).save()
    else:
        for order, (kind, default) in enumerate(RULE_DEFAULTS.items(), start=1):
            _stamp(
                MOURule(
                    version=version,
                    kind=kind,
                    source=RuleSource.STATUTORY,
                    value=default.value,
                    wording=default.wording,
                    order=order,
                ),
                actor,
            ).save()
        for order, name, responsible, days in DEFAULT_LADDER:
            _stamp(
                EscalationLevel(
                    version=version,
                    order=order,
                    name=name,
                    responsible=responsible,
                    deadline_working_days=days,
                ),
                actor,
            ).save()
    return version


# A version's fields that only publishing (and superseding) sets.
PUBLISHING_OWNS = frozenset({"mou", "status", "effective_to", "published_at", "published_by"})


@transaction.atomic
def mou_version_update(
    *,
    version: MOUVersion,
    changes: dict[str, object],
    document: File | None = None,
    actor: User | None,
) -> MOUVersion:
    """Change a draft's details and, optionally, its document (an UploadField file).

    Applied to the row as it is now and saving only the fields changed, so a stale `version`
    never writes back its status, dates or another person's changes."""
    if owned := PUBLISHING_OWNS & set(changes):
        raise ValueError(f"Publishing sets {', '.join(sorted(owned))}, not an edit")
    current = _draft_for_change(version, actor)
    fields = list(changes)
    for name, value in changes.items():
        setattr(current, name, value)
    if document is not None:
        current.document = document
        current.document_name = safe_download_name(document.name)
        current.document_kind = getattr(document, "upload_kind", "")
        fields += ["document", "document_name", "document_kind"]
    _full_clean(current, exclude={"document"})
    _stamp(current, actor).save(update_fields=fields)
    for name in fields:  # the caller's object shows what was saved
        setattr(version, name, getattr(current, name))
    return current


@dataclass(frozen=True)
class PublishWarning:
    """Something an admin is asked to confirm before publishing (the page asks again)."""

    code: str
    message: str


def mou_version_publish_warnings(
    version: MOUVersion, *, today: datetime.date | None = None
) -> list[PublishWarning]:
    """What to warn of before publishing `version` (two queries)."""
    today = today or timezone.localdate()
    warnings = []
    if version.effective_from < today:
        warnings.append(
            PublishWarning(
                "start_in_past",
                f"It takes effect on {version.effective_from:%-d %B %Y}, which is in the past: "
                "breaches and exceptions already recorded from that date keep the rules they "
                "were recorded under",
            )
        )
    if not version.signatories.filter(status=SignatoryStatus.SIGNED).exists():
        warnings.append(
            PublishWarning("no_signatories", "No local authority has signed this version yet")
        )
    if not version.document:
        warnings.append(PublishWarning("no_document", "No MOU document is attached"))
    return warnings


@transaction.atomic
def mou_version_publish(*, version: MOUVersion, actor: User | None) -> MOUVersion:
    """Publish a draft. It is scheduled until its start date and in force from then: nothing is
    flipped on that day, the state is worked out from the dates. The published version that is
    open-ended now ends the day the new one takes effect. Refuses dates that would overlap a
    published version (the database refuses them too)."""
    mou = MOU.objects.select_for_update().get(pk=version.mou_id)  # two admins publishing at once
    require_mou_manager(actor, mou)
    # Checked on the row as it is now, locked: the object the page loaded may be stale.
    version = MOUVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    published = list(mou.versions.published().order_by("-effective_from"))
    for other in published:
        if version.effective_from <= other.effective_from:
            raise ValidationError(
                {
                    "effective_from": f"The new version must take effect after {other.label} "
                    f"takes effect on {other.effective_from:%-d %B %Y}"
                }
            )
        if other.effective_to and version.effective_from < other.effective_to:
            raise ValidationError(
                {
                    "effective_from": f"The new version must take effect on or after "
                    f"{other.effective_to:%-d %B %Y}, when {other.label} ended"
                }
            )
    if version.effective_to is not None:
        raise ValidationError({"effective_to": "A version to publish must be open-ended"})
    if not version.rules.exists():
        raise ValidationError("A version needs its rules before it can be published")
    previous = next((v for v in published if v.effective_to is None), None)
    if previous is not None:  # shortened first, so the two never overlap, even for a moment
        previous.effective_to = version.effective_from
        _stamp(previous, actor).save(update_fields=["effective_to"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    _stamp(version, actor).save(update_fields=["status", "published_at", "published_by"])
    return version


@transaction.atomic
def mou_version_withdraw(*, version: MOUVersion, actor: User | None) -> MOUVersion:
    """Take a scheduled version back to draft before it starts. The version it would have ended
    is open-ended again. Refused once it is in force, or once a cap exception has been approved
    against its caps (breaches cannot be dated in the future, so none points at it)."""
    mou = MOU.objects.select_for_update().get(pk=version.mou_id)
    require_mou_manager(actor, mou)
    version = MOUVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != VersionState.SCHEDULED:
        raise ValidationError("Only a scheduled version can be withdrawn, before it takes effect")
    if version.breaches.exists() or version.cap_exceptions.exists():
        raise ValidationError(
            "Records already point at this version (a breach or a cap exception dated from its "
            "start): it cannot be withdrawn"
        )
    version.status = VersionStatus.DRAFT
    version.published_at = None
    version.published_by = None
    _stamp(version, actor).save(update_fields=["status", "published_at", "published_by"])
    previous = mou.versions.published().filter(effective_to=version.effective_from).first()
    if previous is not None:
        previous.effective_to = None
        _stamp(previous, actor).save(update_fields=["effective_to"])
    return version


def _save_part(
    obj: _VersionPart, *, version: MOUVersion, actor: User | None, unique_message: str
) -> _VersionPart:
    """Save a rule, level or cap of `version`, which the caller got from _draft_for_change."""
    obj.version = version
    _full_clean(obj, exclude={"version"})
    try:
        with transaction.atomic():
            _stamp(obj, actor).save()
    except IntegrityError as error:
        raise ValidationError(unique_message) from error
    return obj


@transaction.atomic
def mou_rule_save(*, version: MOUVersion, rule: MOURule, actor: User | None) -> MOURule:
    version = _draft_for_change(version, actor)
    if rule.kind == RuleKind.REGIONAL:
        rule.source = RuleSource.REGIONAL
        rule.value = None
    elif rule.pk is None:
        rule.source = RuleSource.REGIONAL
    if rule.pk is None:
        rule.order = (version.rules.aggregate(m=Max("order"))["m"] or 0) + 1
    return _save_part(
        rule,
        version=version,
        actor=actor,
        unique_message=f"This version already has a rule for {rule.get_kind_display().lower()}",
    )


@transaction.atomic
def mou_rule_remove(*, rule: MOURule, actor: User | None) -> None:
    _draft_for_change(rule.version, actor)
    if rule.source == RuleSource.STATUTORY:
        raise ValidationError("A statutory rule cannot be removed")
    _stamp(rule, actor).delete()


@transaction.atomic
def escalation_level_save(
    *, version: MOUVersion, level: EscalationLevel, actor: User | None
) -> EscalationLevel:
    return _save_part(
        level,
        version=_draft_for_change(version, actor),
        actor=actor,
        unique_message=f"This ladder already has a level {level.order}",
    )


@transaction.atomic
def escalation_level_remove(*, level: EscalationLevel, actor: User | None) -> None:
    version = _draft_for_change(level.version, actor)
    if version.escalation_levels.count() == 1:
        raise ValidationError("The ladder needs at least one level")
    _stamp(level, actor).delete()


@transaction.atomic
def price_cap_save(*, version: MOUVersion, cap: PriceCap, actor: User | None) -> PriceCap:
    return _save_part(
        cap,
        version=_draft_for_change(version, actor),
        actor=actor,
        unique_message=f"This version already has a cap for {cap.get_job_type_display().lower()} "
        f"({cap.get_engagement_type_display().lower()})",
    )


@transaction.atomic
def price_cap_remove(*, cap: PriceCap, actor: User | None) -> None:
    _draft_for_change(cap.version, actor)
    _stamp(cap, actor).delete()


def possible_mou_owners(local_authority: LocalAuthority) -> QuerySet[User]:
    """Who may own the MOU in an LA: its active people who act for it (its DCS and workforce
    leads), asked of the role policy."""
    return people_with(Capability.ACT_FOR_LA, local_authority_id=local_authority.pk).order_by(
        "name"
    )


def _email_owners(signatories: list[Signatory], version: MOUVersion) -> None:
    """Each owner of a signatory of a published version is told: invited ones are
    asked to sign, signed ones that their signature carried over."""
    if not version.is_published:
        return
    for kind in ("invited", "signed"):
        owners = [s for s in signatories if s.status == kind and s.mou_owner_id]
        if not owners:
            continue
        emails = sorted(
            {s.mou_owner.email for s in owners if s.mou_owner and s.mou_owner.is_active}
        )
        send_each(
            subject=f"{version.mou.region.name} MOU version {version.label}: "
            + ("please sign" if kind == "invited" else "your signature carried over"),
            template="mou/email/signatory",
            context={
                "kind": kind,
                "version": version,
                "link": portal_link(version.get_absolute_url()),
                "portal_name": settings.PORTAL_NAME,
            },
            to=emails,
        )


@transaction.atomic
def signatory_save(
    *, version: MOUVersion, signatory: Signatory, evidence: File | None = None, actor: User | None
) -> Signatory:
    """Add or update a local authority's signature of a version."""
    require_mou_manager(actor, version.mou)
    signatory.version = version
    if signatory.local_authority.region_id != version.mou.region_id:
        raise ValidationError(
            {
                "local_authority": f"{signatory.local_authority} is not in {version.mou.region.name}: "
                "only local authorities of the region can sign its MOU"
            }
        )
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if signatory.signed_on and signatory.signed_on > today:
        errors["signed_on"] = "The date signed must be today or in the past"
    if signatory.status == SignatoryStatus.SIGNED:
        if not signatory.signed_on:
            errors.setdefault("signed_on", "Enter the date the MOU was signed")
        if not signatory.signed_by_name:
            errors["signed_by_name"] = "Enter the name of the person who signed"
        if not signatory.signed_by_role:
            errors["signed_by_role"] = "Enter the role of the person who signed"
    if signatory.status == SignatoryStatus.WITHDRAWN:
        if not signatory.withdrawn_on:
            errors["withdrawn_on"] = "Enter the date the local authority withdrew"
        elif signatory.withdrawn_on > today:
            errors["withdrawn_on"] = "The date of withdrawal must be today or in the past"
        if not signatory.withdrawal_reason.strip():
            errors["withdrawal_reason"] = "Enter why the local authority withdrew"
    if (
        signatory.mou_owner_id
        and not possible_mou_owners(signatory.local_authority)
        .filter(pk=signatory.mou_owner_id)
        .exists()
    ):
        errors["mou_owner"] = (
            f"Choose a DCS or workforce lead of {signatory.local_authority} with a portal account"
        )
    if errors:
        raise ValidationError(errors)
    before = (
        Signatory.objects.filter(pk=signatory.pk).values_list("status", "mou_owner_id").first()
        if signatory.pk
        else None
    )
    if evidence is not None:
        signatory.evidence = evidence
        signatory.evidence_name = safe_download_name(evidence.name)
        signatory.evidence_kind = getattr(evidence, "upload_kind", "")
    try:
        with transaction.atomic():
            _stamp(signatory, actor).save()
    except IntegrityError as error:
        raise ValidationError(
            f"{signatory.local_authority} already has a record for this version"
        ) from error
    # Newly invited (or invited with a new owner): the owner is asked to sign.
    if signatory.status == SignatoryStatus.INVITED and before != (
        SignatoryStatus.INVITED,
        signatory.mou_owner_id,
    ):
        _email_owners([signatory], version)
    return signatory


@transaction.atomic
def signatories_mark_signed(
    *,
    version: MOUVersion,
    signed_on: datetime.date,
    signed_by_role: str,
    signers: list[tuple[LocalAuthority, str, File | None]],
    actor: User | None,
) -> int:
    """Several LAs signed on one date, each with who signed and its own evidence: all or none.
    Each is saved as `signatory_save` saves one, with the same checks."""
    for local_authority, name, evidence in signers:
        signatory = Signatory.objects.filter(
            version=version, local_authority=local_authority
        ).first() or Signatory(version=version, local_authority=local_authority)
        signatory.status = SignatoryStatus.SIGNED
        signatory.signed_on = signed_on
        signatory.signed_by_name = name
        signatory.signed_by_role = signed_by_role
        signatory_save(version=version, signatory=signatory, evidence=evidence, actor=actor)
    return len(signers)


@transaction.atomic
def signatories_carry_over(
    *, from_version: MOUVersion, to_version: MOUVersion, keep_signatures: bool, actor: User | None
) -> int:
    """Copy the local authorities of one version to another in one action: as invited, or, where
    the region says existing signatures carry over, as signed. Existing records are kept."""
    require_mou_manager(actor, to_version.mou)
    if from_version.mou_id != to_version.mou_id:
        raise ValidationError("Signatories can only be carried over within one MOU")
    existing = set(to_version.signatories.values_list("local_authority_id", flat=True))
    created: list[Signatory] = []
    for old in (
        from_version.signatories.select_related("mou_owner")
        .exclude(local_authority_id__in=existing)
        .exclude(status__in=[SignatoryStatus.DECLINED, SignatoryStatus.WITHDRAWN])
    ):
        carry = keep_signatures and old.status == SignatoryStatus.SIGNED
        new = Signatory(
            version=to_version,
            local_authority_id=old.local_authority_id,
            status=SignatoryStatus.SIGNED if carry else SignatoryStatus.INVITED,
            signed_on=old.signed_on if carry else None,
            signed_by_name=old.signed_by_name if carry else "",
            signed_by_role=old.signed_by_role if carry else "",
            mou_owner=old.mou_owner,
        )
        _stamp(new, actor).save()
        created.append(new)
    _email_owners(created, to_version)
    return len(created)
