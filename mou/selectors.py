"""Reads for MOU pages that combine several models, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import FilteredRelation, Q

from mou.models import (
    MOU,
    EscalationLevel,
    JobType,
    LocalAuthority,
    MOURule,
    MOUVersion,
    PriceCap,
    Signatory,
    SignatoryStatus,
)

# Outstanding first: what an admin still has to chase.
STATUS_ORDER: dict[str | None, int] = {
    None: 0,
    SignatoryStatus.INVITED: 1,
    SignatoryStatus.DECLINED: 2,
    SignatoryStatus.WITHDRAWN: 3,
    SignatoryStatus.SIGNED: 4,
}


@dataclass
class MatrixRow:
    local_authority: LocalAuthority
    signatory: Signatory | None

    @property
    def status(self) -> str | None:
        return self.signatory.status if self.signatory else None

    @property
    def status_label(self) -> str:
        return self.signatory.get_status_display() if self.signatory else "Not invited"


@dataclass
class Matrix:
    rows: list[MatrixRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def signed(self) -> int:
        return sum(1 for row in self.rows if row.status == SignatoryStatus.SIGNED)

    def count(self, status: str | None) -> int:
        return sum(1 for row in self.rows if row.status == status)


def signatory_matrix(version: MOUVersion) -> Matrix:
    """Every local authority of the region against its status for `version` (one query: the
    LAs joined to their signatory row for the version, if any)."""
    local_authorities = (
        LocalAuthority.objects.filter(region_id=version.mou.region_id)
        .annotate(
            signatory=FilteredRelation("signatures", condition=Q(signatures__version=version))
        )
        .select_related("signatory")  # type: ignore[misc]  # a FilteredRelation the plugin misses
    )
    # An LA with no row for the version gets no `signatory` attribute from the join.
    rows = [MatrixRow(la, getattr(la, "signatory", None)) for la in local_authorities]
    rows.sort(key=lambda row: (STATUS_ORDER[row.status], row.local_authority.name))
    return Matrix(rows)


def caps_by_job_type(version: MOUVersion) -> list[tuple[str, list[PriceCap]]]:
    caps = list(version.price_caps.all())
    return [
        (label, [c for c in caps if c.job_type == value])
        for value, label in JobType.choices
        if any(c.job_type == value for c in caps)
    ]


@dataclass(frozen=True)
class Difference:
    what: str
    a: str
    b: str

    @property
    def changed(self) -> bool:
        return self.a != self.b


def compare_versions(a: MOUVersion, b: MOUVersion) -> dict[str, list[Difference]]:
    """Rules, ladder and caps of two versions side by side, each row marked when it differs."""

    def rules(v: MOUVersion) -> dict[str, str]:
        out: dict[str, str] = {}
        for rule in MOURule.objects.filter(version=v):
            key = (
                rule.get_kind_display()
                if rule.kind != "regional"
                else f"Regional: {rule.wording[:60]}"
            )
            out[key] = (
                f"{rule.value_display} {rule.wording}".strip()
                if rule.value is not None
                else rule.wording
            )
        return out

    def ladder(v: MOUVersion) -> dict[str, str]:
        return {
            f"Level {lv.order}": f"{lv.name}: {lv.get_responsible_display()}, {lv.deadline_working_days} working days"
            for lv in EscalationLevel.objects.filter(version=v)
        }

    def caps(v: MOUVersion) -> dict[str, str]:
        return {
            f"{c.get_job_type_display()} ({c.get_engagement_type_display()})": f"£{c.max_hourly_rate} (includes {', '.join(c.components)})"
            for c in PriceCap.objects.filter(version=v)
        }

    def side_by_side(left: dict[str, str], right: dict[str, str]) -> list[Difference]:
        keys = list(dict.fromkeys([*left, *right]))
        return [
            Difference(k, left.get(k, "Not in this version"), right.get(k, "Not in this version"))
            for k in keys
        ]

    return {
        "Rules": side_by_side(rules(a), rules(b)),
        "Escalation ladder": side_by_side(ladder(a), ladder(b)),
        "Price caps": side_by_side(caps(a), caps(b)),
    }


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str
    what: str


VERBS = {"+": "added", "~": "changed", "-": "removed"}


def mou_changes(mou: MOU, *, limit: int = 40) -> list[Change]:
    """Who changed what in this MOU and when, newest first, from field history (five queries,
    and one for the MOU's versions unless they were prefetched)."""
    changes: list[Change] = []

    def who(record: Any) -> str:  # a historical record (simple_history is untyped)
        return str(record.history_user) if record.history_user else "The portal"

    versions = MOUVersion.history.filter(mou_id=mou.pk).select_related("history_user")
    for r in versions.order_by("-history_date")[:limit]:
        changes.append(
            Change(
                r.history_date,
                who(r),
                f"Version {r.label} {VERBS[r.history_type]} ({r.get_status_display().lower()})",
            )
        )
    version_labels = {v.pk: v.label for v in mou.versions.all()}  # prefetched by mou_detail
    in_mou = {"version_id__in": list(version_labels)}
    for r in (
        MOURule.history.filter(**in_mou)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        changes.append(
            Change(
                r.history_date,
                who(r),
                f"Rule {VERBS[r.history_type]} in {version_labels.get(r.version_id, '?')}: {r.get_kind_display()}",
            )
        )
    for r in (
        EscalationLevel.history.filter(**in_mou)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        changes.append(
            Change(
                r.history_date,
                who(r),
                f"Escalation level {r.order} {VERBS[r.history_type]} in {version_labels.get(r.version_id, '?')}: {r.name}",
            )
        )
    for r in (
        PriceCap.history.filter(**in_mou)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        changes.append(
            Change(
                r.history_date,
                who(r),
                f"Price cap {VERBS[r.history_type]} in {version_labels.get(r.version_id, '?')}: {r.get_job_type_display()} ({r.get_engagement_type_display()}) £{r.max_hourly_rate}",
            )
        )
    signatories = Signatory.history.filter(**in_mou).select_related(
        "history_user", "local_authority"
    )
    for r in signatories.order_by("-history_date")[:limit]:
        changes.append(
            Change(
                r.history_date,
                who(r),
                f"Signatory {VERBS[r.history_type]} for {version_labels.get(r.version_id, '?')}: {r.local_authority.name}, {r.get_status_display().lower()}",
            )
        )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
