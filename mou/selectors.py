"""Reads for MOU pages that combine several models, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import FilteredRelation, Q

from accounts.models import User
from mou.models import (
    MOU,
    REVIEW_DUE_WITHIN,
    EscalationLevel,
    JobType,
    LocalAuthority,
    MOURule,
    MOUVersion,
    PriceCap,
    Signatory,
    SignatoryStatus,
    VersionState,
    VersionStatus,
)
from mou.permissions import review_regions

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
        .select_related("signatory", "signatory__mou_owner")  # type: ignore[misc]  # a FilteredRelation the plugin misses
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
class Side:
    """One item (a rule, a level, a cap) as one version has it: its value and its wording."""

    value: str
    wording: str


NOT_IN_VERSION = Side("", "Not in this version")


@dataclass(frozen=True)
class Difference:
    what: str
    a: Side
    b: Side

    @property
    def changed(self) -> bool:
        return self.a != self.b

    @property
    def value_changed(self) -> bool:
        return self.a.value != self.b.value

    @property
    def wording_changed(self) -> bool:
        return self.a.wording != self.b.wording


@dataclass
class Section:
    title: str
    rows: list[Difference]

    @property
    def changed(self) -> list[Difference]:
        return [row for row in self.rows if row.changed]

    @property
    def unchanged(self) -> list[Difference]:
        return [row for row in self.rows if not row.changed]


@dataclass
class Comparison:
    sections: list[Section]

    @property
    def changed_count(self) -> int:
        return sum(len(section.changed) for section in self.sections)

    def rows(self, title: str) -> list[Difference]:
        return next(section.rows for section in self.sections if section.title == title)


def default_comparison(
    versions: list[MOUVersion], *, today: date
) -> tuple[MOUVersion, MOUVersion] | None:
    """What the compare page opens with: the version in force today against the newest draft or
    scheduled version (else the newest other version). `versions` newest first."""
    in_force = next((v for v in versions if v.is_in_force_on(today)), None)
    if in_force is None:
        return (versions[1], versions[0]) if len(versions) > 1 else None
    others = [v for v in versions if v is not in_force]
    coming = [
        v for v in others if v.state_on(today) in (VersionState.DRAFT, VersionState.SCHEDULED)
    ]
    candidates = coming or others
    return (in_force, candidates[0]) if candidates else None


def compare_versions(a: MOUVersion, b: MOUVersion) -> Comparison:
    """Rules, ladder and caps of two versions side by side (three queries each), value and
    wording apart, each row marked when it differs."""

    def rules(v: MOUVersion) -> dict[str, Side]:
        out: dict[str, Side] = {}
        for rule in MOURule.objects.filter(version=v):
            key = (
                rule.get_kind_display()
                if rule.kind != "regional"
                else f"Regional: {rule.wording[:60]}"
            )
            out[key] = Side(rule.value_display, rule.wording)
        return out

    def ladder(v: MOUVersion) -> dict[str, Side]:
        return {
            f"Level {lv.order}": Side(
                f"{lv.deadline_working_days} working days",
                f"{lv.name}: {lv.get_responsible_display()}",
            )
            for lv in EscalationLevel.objects.filter(version=v)
        }

    def caps(v: MOUVersion) -> dict[str, Side]:
        return {
            f"{c.get_job_type_display()} ({c.get_engagement_type_display()})": Side(
                f"£{c.max_hourly_rate}", f"Includes {', '.join(c.components)}"
            )
            for c in PriceCap.objects.filter(version=v)
        }

    def side_by_side(left: dict[str, Side], right: dict[str, Side]) -> list[Difference]:
        keys = list(dict.fromkeys([*left, *right]))
        return [
            Difference(k, left.get(k, NOT_IN_VERSION), right.get(k, NOT_IN_VERSION)) for k in keys
        ]

    return Comparison(
        [
            Section("Rules", side_by_side(rules(a), rules(b))),
            Section("Escalation ladder", side_by_side(ladder(a), ladder(b))),
            Section("Price caps", side_by_side(caps(a), caps(b))),
        ]
    )


def reviews_due(user: User, *, today: date) -> list[MOUVersion]:
    """Versions in force or scheduled whose annual review is due (within REVIEW_DUE_WITHIN) or
    past, in the regions whose reviews are this person's (mou.permissions.review_regions): one
    query, none for a person with no such region."""
    scope = review_regions(user)
    if not scope.national and not scope.region_ids:
        return []
    versions = (
        MOUVersion.objects.published()
        .filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=today),
            review_due__lte=today + REVIEW_DUE_WITHIN,
        )
        .select_related("mou__region")
        .order_by("review_due", "mou__region__name")
    )
    if not scope.national:
        versions = versions.filter(mou__region_id__in=scope.region_ids)
    return list(versions)


@dataclass(frozen=True)
class Change:
    at: datetime
    what: str  # a sentence naming who did it: "Tom Gallagher published version 2026.1"


def _who(record: Any) -> str:  # a historical record (simple_history is untyped)
    return str(record.history_user) if record.history_user else "The portal"


def _day(value: date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


# A draft's details as people call them, for "changed the details of ..." sentences.
VERSION_DETAILS = {
    "label": "name",
    "effective_from": "start date",
    "review_due": "review date",
    "summary_of_changes": "summary of changes",
    "exception_max_months": "longest cap exception",
    "exception_second_approver": "second approver",
    "document_name": "document",
}


def _version_sentence(record: Any, before: Any | None) -> str:
    who, label = _who(record), record.label
    if record.history_type == "+":
        return f"{who} created draft version {label}"
    if record.history_type == "-":
        return f"{who} deleted version {label}"
    if before is None:
        return f"{who} changed version {label}"
    if before.status != record.status:
        if record.status == VersionStatus.PUBLISHED:
            return f"{who} published version {label}, in force from {_day(record.effective_from)}"
        return f"{who} withdrew version {label} before it took effect: it is a draft again"
    if before.effective_to != record.effective_to:
        if record.effective_to is None:
            return f"{who} took away the end date of version {label}: it is in force with no end"
        return (
            f"{who} published a later version, so version {label} ends on "
            f"{_day(record.effective_to)}"
        )
    changed = [
        name
        for field, name in VERSION_DETAILS.items()
        if getattr(before, field) != getattr(record, field)
    ]
    if not changed:
        return f"{who} saved version {label} with no change"
    return f"{who} changed the {_and(changed)} of draft version {label}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


PART_VERBS = {"+": ("added", "to"), "~": ("changed", "in"), "-": ("removed", "from")}


def mou_changes(mou: MOU, *, limit: int = 40) -> list[Change]:
    """Who changed what in this MOU and when, newest first, as sentences from field history (five
    queries, and one for the MOU's versions unless they were prefetched)."""
    changes: list[Change] = []
    # Every record of the MOU's versions (a few per version), so each change is compared with
    # the record before it: that is how "published" is told from "changed".
    previous: dict[int, Any] = {}
    versions = MOUVersion.history.filter(mou_id=mou.pk).select_related("history_user")
    for r in versions.order_by("history_date", "history_id"):
        changes.append(Change(r.history_date, _version_sentence(r, previous.get(r.id))))
        previous[r.id] = r
    version_labels = {v.pk: v.label for v in mou.versions.all()}  # prefetched by mou_detail
    in_mou = {"version_id__in": list(version_labels)}

    def part(r: Any, thing: str) -> str:
        verb, preposition = PART_VERBS[r.history_type]
        label = version_labels.get(r.version_id, "?")
        return f"{_who(r)} {verb} {thing} {preposition} version {label}"

    def newest(history: Any, *related: str) -> Any:
        return (
            history.filter(**in_mou)
            .select_related("history_user", *related)
            .order_by("-history_date")[:limit]
        )

    for r in newest(MOURule.history):
        changes.append(Change(r.history_date, part(r, f"the rule “{r.get_kind_display()}”")))
    for r in newest(EscalationLevel.history):
        changes.append(Change(r.history_date, part(r, f"escalation level {r.order} ({r.name})")))
    for r in newest(PriceCap.history):
        cap = (
            f"the price cap for {r.get_job_type_display().lower()} "
            f"({r.get_engagement_type_display().lower()}), £{r.max_hourly_rate},"
        )
        changes.append(Change(r.history_date, part(r, cap)))
    for r in newest(Signatory.history, "local_authority"):
        label = version_labels.get(r.version_id, "?")
        if r.history_type == "-":
            what = f"{_who(r)} removed {r.local_authority.name} from the signatories of version {label}"
        else:
            what = (
                f"{_who(r)} recorded {r.local_authority.name} as "
                f"{r.get_status_display().lower()} for version {label}"
            )
        changes.append(Change(r.history_date, what))
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
