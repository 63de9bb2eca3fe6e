"""The registry half of the benchmark's data set: MSPs and agencies, 5,000 people, each region's
MOU with three versions over ten years, signatories, contracts, standings, cap exceptions and
supplier reviews. Small enough for bulk_create, with field history written as the real services
would leave it (dated when each record was made, by whom).

`Registry` also keeps what the breaches need to know about all this (timelines.py): who leads
each region, each LA's DCS and MSP, each version's rules, ladder and caps.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.utils import bulk_create_with_history

from accounts.models import Membership, User
from accounts.roles import TWO_FACTOR_REQUIRED_ROLES, Role
from bench.rows import cumulative, stamped, weighted
from bench.shape import (
    AGENCIES,
    BENCH_PEOPLE,
    LONDON,
    ONE_DAY,
    PEOPLE,
    YEARS,
)
from bench.words import (
    AGENCY_KINDS,
    CAP_RATES,
    FIRST_NAMES,
    LAST_NAMES,
    MSP_NAMES,
    PLACES,
)
from breaches.transitions import Rung
from cap_exceptions.models import CapException, CapExceptionEvent, ExceptionStatus
from cap_exceptions.models import EventKind as ExceptionEventKind
from mou.models import (
    MOU,
    RULE_DEFAULTS,
    EngagementType,
    EscalationLevel,
    JobType,
    LocalAuthority,
    MOURule,
    MOUVersion,
    PriceCap,
    Region,
    RuleKind,
    RuleSource,
    SecondApprover,
    Signatory,
    SignatoryStatus,
    VersionStatus,
)
from mou.services import DEFAULT_LADDER, reference_data_load
from msp.models import (
    MSP,
    Agency,
    AgencyStanding,
    ChainMembership,
    Effectiveness,
    EscalationContact,
    MSPContract,
    RelationshipReview,
    ReviewAction,
    StandingStatus,
    ValueBand,
)


@dataclass
class VersionFacts:
    """What a breach needs from the MOU version in force when it happened."""

    pk: int
    start: datetime.date
    end: datetime.date | None
    ladder: list[Rung]  # the escalation levels in order
    rules: dict[str, int]  # kind -> rule id
    caps: dict[tuple[str, str], Decimal]  # (job type, engagement type) -> the cap's rate
    cap_ids: dict[tuple[str, str], int]  # the same keys -> the cap row's id
    second_approver: str
    max_months: int


@dataclass
class People:
    """Who holds which role where, as user ids."""

    national_admins: list[int] = field(default_factory=list)
    leads: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    dcs: dict[int, int] = field(default_factory=dict)  # LA id -> person
    workforce: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    msp_contacts: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    names: dict[int, str] = field(default_factory=dict)


class Registry:
    """The registry, made step by step inside build_bench_data's transaction."""

    def __init__(self, *, seed: int) -> None:
        # Synthetic data, not secrets: a seeded generator makes it repeatable.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.first_day = self.today - datetime.timedelta(days=round(365.25 * YEARS))
        self.counts: dict[str, int] = {}
        self.people = People()
        self.versions: dict[int, list[VersionFacts]] = defaultdict(list)  # region id -> by start

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)

    def add_reference_data(self) -> None:
        """The 9 regions and 153 LAs, as `load_reference_data` loads them."""
        reference_data_load()
        self.regions = list(Region.objects.order_by("code"))
        self.las = list(LocalAuthority.objects.select_related("region").order_by("la_code"))
        self.las_by_region: dict[int, list[LocalAuthority]] = defaultdict(list)
        for la in self.las:
            self.las_by_region[la.region_id].append(la)

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # MSPs and agencies --------------------------------------------------------------------------

    def add_supply_chain(self) -> None:
        rng = self.rng
        since = self.at(self.first_day, 9)
        msps = [
            MSP(
                name=name,
                company_number=f"BM{n:06d}",
                kind=kind,
                framework="National temporary workforce framework" if n % 2 else "",
                contacts=f"Account manager: accounts{n}@example.org",
            )
            for n, (name, kind) in enumerate(MSP_NAMES, start=1)
        ]
        self.msps = bulk_create_with_history(stamped(msps, since, None), MSP)
        names = [f"{place} {kind}" for kind in AGENCY_KINDS for place in PLACES]
        agencies = [
            Agency(
                name=names[n % len(names)],
                company_number=f"BN{n:06d}",
                contacts=f"Compliance team: compliance{n}@example.org",
            )
            for n in range(AGENCIES)
        ]
        self.agencies = bulk_create_with_history(
            stamped(agencies, since, None), Agency, batch_size=1000
        )
        # A few agencies take most placements, and most breaches.
        self.agency_weights = list(
            cumulative([1 / (rank + 20) for rank in range(len(self.agencies))])
        )
        chain = []
        for agency in self.agencies:
            for msp in rng.sample(self.msps, rng.choices([1, 2, 3], [6, 3, 1])[0]):
                start = self.first_day + datetime.timedelta(days=rng.randint(0, 3300))
                end = None
                if rng.random() < 0.15:
                    end = min(start + datetime.timedelta(days=rng.randint(90, 1500)), self.today)
                chain.append(
                    ChainMembership(
                        msp=msp,
                        agency=agency,
                        tier=1 if rng.random() < 0.3 else 2,
                        from_date=start,
                        to_date=end,
                    )
                )
        bulk_create_with_history(stamped(chain, since, None), ChainMembership, batch_size=1000)
        self.count("MSPs", len(self.msps))
        self.count("agencies", len(self.agencies))
        self.count("chain memberships", len(chain))

    # People -------------------------------------------------------------------------------------

    def add_people(self) -> None:
        """5,000 people in a realistic mix of roles, sharing one password hash. The bench people
        come first; they and the two-factor roles get a confirmed authenticator app."""
        rng = self.rng
        la_by_code = {la.la_code: la for la in self.las}
        region_by_code = {r.code: r for r in self.regions}
        plan: list[tuple[str, str, str, dict]] = []  # email, name, role, scope
        for person in BENCH_PEOPLE.values():
            scope: dict = {}
            if person.region:
                scope["region"] = region_by_code[person.region]
            if person.local_authority:
                scope["local_authority"] = la_by_code[person.local_authority]
            plan.append((person.email, person.name, person.role, scope))
        taken_las = {p.local_authority for p in BENCH_PEOPLE.values() if p.role == Role.DCS}
        extra: list[tuple[str, dict]] = []
        extra += [(Role.ADMIN, {})] * 7
        for region in self.regions:
            extra += [(Role.ADMIN, {"region": region})] * 2
            extra += [(Role.REGIONAL_LEAD, {"region": region})] * (5 if region.code == "LDN" else 6)
        extra += [
            (Role.DCS, {"local_authority": la}) for la in self.las if la.la_code not in taken_las
        ]
        for msp in self.msps:
            extra += [(Role.MSP_CONTACT, {"msp": msp})] * 40
        extra += [(Role.OBSERVER, {})] * 59
        workforce = PEOPLE - len(plan) - len(extra)
        extra += [
            (Role.LA_WORKFORCE_LEAD, {"local_authority": self.las[n % len(self.las)]})
            for n in range(max(workforce, len(self.las)))
        ]
        for n, (role, scope) in enumerate(extra, start=1):
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 7) % len(LAST_NAMES)]}"
            plan.append((f"person{n:05d}@bench.example.org", name, role, scope))

        # Nobody signs in with a password: the benchmark makes sessions directly.
        password = make_password(secrets.token_urlsafe(32))
        joined = self.at(self.first_day, 9)
        users = [
            User(
                email=email,
                name=name,
                password=password,
                date_joined=joined + datetime.timedelta(days=rng.randint(0, 3000)),
            )
            for email, name, _role, _scope in plan
        ]
        users = bulk_create_with_history(stamped(users, joined, None), User, batch_size=1000)
        memberships = [
            Membership(user=user, role=role, **scope)
            for user, (_e, _n, role, scope) in zip(users, plan, strict=True)
        ]
        bulk_create_with_history(stamped(memberships, joined, None), Membership, batch_size=1000)
        bench_emails = {p.email for p in BENCH_PEOPLE.values()}
        devices = [
            TOTPDevice(user=user, name="Authenticator app", confirmed=True)
            for user, (email, _n, role, _s) in zip(users, plan, strict=True)
            if role in TWO_FACTOR_REQUIRED_ROLES or email in bench_emails
        ]
        TOTPDevice.objects.bulk_create(devices)
        people = self.people
        for user, (_e, name, role, scope) in zip(users, plan, strict=True):
            people.names[user.pk] = name
            if role == Role.ADMIN and not scope:
                people.national_admins.append(user.pk)
            elif role == Role.REGIONAL_LEAD:
                people.leads[scope["region"].pk].append(user.pk)
            elif role == Role.DCS:
                people.dcs[scope["local_authority"].pk] = user.pk
            elif role == Role.LA_WORKFORCE_LEAD:
                people.workforce[scope["local_authority"].pk].append(user.pk)
            elif role == Role.MSP_CONTACT:
                people.msp_contacts[scope["msp"].pk].append(user.pk)
        self.users = {user.pk: user for user in users}
        self.count("people", len(users))
        self.count("memberships", len(memberships))
        self.count("authenticator apps", len(devices))

    # MOUs ---------------------------------------------------------------------------------------

    def add_mous(self) -> None:
        """Three versions per region over the ten years (two superseded, one active), each with
        the national rules, a ladder, price caps and signatories."""
        rng = self.rng
        admin = self.users[self.people.national_admins[0]]
        mous = [
            MOU(region=region, title=f"{region.name} agency social work MOU")
            for region in self.regions
        ]
        first = self.at(self.first_day - datetime.timedelta(days=120), 9)
        mous = bulk_create_with_history(stamped(mous, first, admin), MOU)
        plans = []
        for mou in mous:
            start = (self.first_day - datetime.timedelta(days=60 + rng.randint(0, 60))).replace(
                day=1
            )
            starts = [
                start,
                (start + datetime.timedelta(days=1270 + rng.randint(0, 120))).replace(day=1),
                (start + datetime.timedelta(days=2540 + rng.randint(0, 120))).replace(day=1),
            ]
            for n, begins in enumerate(starts):
                last = n == len(starts) - 1
                review = begins.replace(year=begins.year + 1)
                while last and review <= self.today:
                    review = review.replace(year=review.year + 1)
                published = self.at(begins - datetime.timedelta(days=14), 10)
                version = MOUVersion(
                    mou=mou,
                    label=f"{begins.year}.1",
                    status=VersionStatus.PUBLISHED,
                    effective_from=begins,
                    effective_to=None if last else starts[n + 1],
                    review_due=review,
                    summary_of_changes="" if n == 0 else "Caps uprated; rules reviewed.",
                    exception_max_months=12 if mou.region.code in ("LDN", "NW") else 6,
                    exception_second_approver=SecondApprover.REGIONAL_LEAD
                    if mou.region.code in ("LDN", "SE", "WM")
                    else SecondApprover.NONE,
                    published_at=published,
                    published_by=admin,
                )
                version._history_date, version._history_user = published, admin
                plans.append((mou, n, version))
        versions = bulk_create_with_history([v for _m, _n, v in plans], MOUVersion)
        rules, levels, caps = [], [], []
        for (mou, n, _plan), version in zip(plans, versions, strict=True):
            code = mou.region.code
            for order, (kind, default) in enumerate(RULE_DEFAULTS.items(), start=1):
                value = default.value
                source = RuleSource.STATUTORY
                if kind == RuleKind.NON_ENGAGEMENT_MONTHS and n >= 1 and code in ("LDN", "WM"):
                    value, source = (6 if code == "LDN" else 12), RuleSource.REGIONAL
                rules.append(
                    MOURule(
                        version=version,
                        kind=kind,
                        source=source,
                        value=value,
                        wording=default.wording,
                        order=order,
                    )
                )
            if code == "YH":
                rules.append(
                    MOURule(
                        version=version,
                        kind=RuleKind.REGIONAL,
                        source=RuleSource.REGIONAL,
                        wording="Agency workers spend an agreed amount of time on site each week.",
                        order=99,
                    )
                )
            slower = code in ("NE", "SW")
            for order, name, responsible, days in DEFAULT_LADDER:
                levels.append(
                    EscalationLevel(
                        version=version,
                        order=order,
                        name=name,
                        responsible=responsible,
                        deadline_working_days=days + (5 if slower else 0),
                    )
                )
            factor = Decimal("1.15") if code == "LDN" else Decimal("1.05") if code == "SE" else 1
            uprating = [Decimal("0.88"), Decimal("0.94"), Decimal("1.00")][n]
            for job_type, rate in CAP_RATES.items():
                for engagement, adjust in (
                    (EngagementType.LIMITED_COMPANY_UMBRELLA, Decimal(1)),
                    (EngagementType.PAYE, Decimal("0.88")),
                ):
                    caps.append(
                        PriceCap(
                            version=version,
                            job_type=job_type,
                            engagement_type=engagement,
                            max_hourly_rate=(rate * factor * uprating * adjust).quantize(
                                Decimal("0.01")
                            ),
                            includes_employer_ni=engagement
                            == EngagementType.LIMITED_COMPANY_UMBRELLA,
                            includes_holiday_pay=engagement
                            == EngagementType.LIMITED_COMPANY_UMBRELLA,
                            illustrative=True,
                        )
                    )
        stamp = {v.pk: v.published_at for v in versions}
        for objs, model in ((rules, MOURule), (levels, EscalationLevel), (caps, PriceCap)):
            for obj in objs:
                obj._history_date = stamp[obj.version.pk] - datetime.timedelta(days=20)
                obj._history_user = admin
            bulk_create_with_history(objs, model, batch_size=1000)
        self._signatories(plans, versions, admin)
        by_version: dict[int, dict] = defaultdict(
            lambda: {"rules": {}, "caps": {}, "cap_ids": {}, "levels": []}
        )
        for rule in rules:
            by_version[rule.version.pk]["rules"].setdefault(rule.kind, rule.pk)
        for cap in caps:
            key = (cap.job_type, cap.engagement_type)
            by_version[cap.version.pk]["caps"][key] = cap.max_hourly_rate
            by_version[cap.version.pk]["cap_ids"][key] = cap.pk
        for level in levels:
            by_version[level.version.pk]["levels"].append(level)
        for version in versions:
            parts = by_version[version.pk]
            ladder = sorted(parts["levels"], key=lambda lv: lv.order)
            self.versions[version.mou.region_id].append(
                VersionFacts(
                    pk=version.pk,
                    start=version.effective_from,
                    end=version.effective_to,
                    ladder=[
                        Rung(lv.pk, lv.order, lv.name, lv.responsible, lv.deadline_working_days)
                        for lv in ladder
                    ],
                    rules=parts["rules"],
                    caps=parts["caps"],
                    cap_ids=parts["cap_ids"],
                    second_approver=version.exception_second_approver,
                    max_months=version.exception_max_months,
                )
            )
        self.count("MOU versions", len(versions))
        self.count("MOU rules", len(rules))
        self.count("escalation levels", len(levels))
        self.count("price caps", len(caps))

    def _signatories(self, plans: list, versions: list[MOUVersion], admin: User) -> None:
        """Every LA on every version, most signed; on the active version a realistic mix of
        signed, invited, declined and withdrawn."""
        rng = self.rng
        rows = []
        for (mou, _n, _plan), version in zip(plans, versions, strict=True):
            active = version.effective_to is None
            for la in self.las_by_region[mou.region_id]:
                status = SignatoryStatus.SIGNED
                if rng.random() > (0.86 if active else 0.95):
                    status = rng.choice(
                        [SignatoryStatus.INVITED, SignatoryStatus.DECLINED]
                        + ([SignatoryStatus.WITHDRAWN] if active else [])
                    )
                if not active and status == SignatoryStatus.INVITED:
                    status = SignatoryStatus.DECLINED  # nobody is still invited to an old version
                signed = status in (SignatoryStatus.SIGNED, SignatoryStatus.WITHDRAWN)
                signed_on = version.effective_from + datetime.timedelta(days=rng.randint(-45, 90))
                signed_on = min(signed_on, self.today)
                dcs_name = self.people.names.get(self.people.dcs.get(la.pk, 0), "")
                withdrawn = status == SignatoryStatus.WITHDRAWN
                signatory = Signatory(
                    version=version,
                    local_authority=la,
                    status=status,
                    signed_on=signed_on if signed else None,
                    signed_by_name=dcs_name if signed else "",
                    signed_by_role="Director of children's services" if signed else "",
                    withdrawn_on=min(signed_on + datetime.timedelta(days=200), self.today)
                    if withdrawn
                    else None,
                    withdrawal_reason="Left the regional arrangement" if withdrawn else "",
                )
                if version.published_at is None:
                    raise RuntimeError("Every bench MOU version is published")
                signatory._history_date, signatory._history_user = version.published_at, admin
                rows.append(signatory)
        bulk_create_with_history(rows, Signatory, batch_size=1000)
        self.count("signatories", len(rows))

    # Contracts, standings ------------------------------------------------------------------------

    def add_contracts_and_standings(self) -> None:
        rng = self.rng
        since = self.at(self.first_day, 9)
        contracts = []
        self.msp_of_la: dict[int, MSP] = {}
        for n, region in enumerate(self.regions):
            primary, secondary = self.msps[n % len(self.msps)], self.msps[(n + 1) % len(self.msps)]
            for la in self.las_by_region[region.pk]:
                msp = primary if rng.random() < 0.7 else secondary
                self.msp_of_la[la.pk] = msp
                starts = self.today - datetime.timedelta(days=rng.randint(300, 1800))
                contracts.append(
                    MSPContract(
                        msp=msp,
                        local_authority=la,
                        starts_on=starts,
                        value_band=rng.choice(ValueBand.values),
                    )
                )
                if rng.random() < 0.6:
                    before = self.msps[(n + 2) % len(self.msps)]
                    contracts.append(
                        MSPContract(
                            msp=before,
                            local_authority=la,
                            starts_on=starts - datetime.timedelta(days=rng.randint(900, 1800)),
                            ends_on=starts - ONE_DAY,
                            value_band=rng.choice(ValueBand.values),
                        )
                    )
        bulk_create_with_history(stamped(contracts, since, None), MSPContract)
        standings = []
        statuses = [StandingStatus.WARNED, StandingStatus.SUSPENDED, StandingStatus.REMOVED]
        for agency in rng.sample(self.agencies, len(self.agencies) // 8):
            for region in rng.sample(self.regions, rng.choice([1, 1, 2])):
                decided = self.today - datetime.timedelta(days=rng.randint(10, 1800))
                status = rng.choices(statuses, [6, 3, 1])[0]
                lead = rng.choice(self.people.leads[region.pk])
                standings.append(
                    AgencyStanding(
                        agency=agency,
                        region=region,
                        status=status,
                        reason="Repeated breaches of the MOU in the region.",
                        decided_on=decided,
                        decided_by_id=lead,
                    )
                )
                if status == StandingStatus.WARNED and rng.random() < 0.4:
                    standings.append(
                        AgencyStanding(
                            agency=agency,
                            region=region,
                            status=StandingStatus.ACTIVE,
                            reason="No further breaches in six months.",
                            decided_on=min(decided + datetime.timedelta(days=183), self.today),
                            decided_by_id=lead,
                        )
                    )
        bulk_create_with_history(stamped(standings, since, None), AgencyStanding)
        EscalationContact.objects.bulk_create(
            EscalationContact(region=region, person_id=self.people.leads[region.pk][0])
            for region in self.regions
        )
        self.count("MSP contracts", len(contracts))
        self.count("agency standings", len(standings))

    # Cap exceptions ------------------------------------------------------------------------------

    def version_on(self, region_id: int, day: datetime.date) -> VersionFacts:
        for version in reversed(self.versions[region_id]):
            if version.start <= day:
                return version
        raise ValueError(f"No version in force on {day}")

    def add_cap_exceptions(self) -> None:
        """About four per LA over three years: most approved (some in force today), some
        refused, expired, ended early or awaiting a decision."""
        rng = self.rng
        plans = []
        for la in self.las:
            for _ in range(rng.randint(2, 6)):
                starts = self.today - datetime.timedelta(days=rng.randint(5, 1000))
                version = self.version_on(la.region_id, starts)
                job_type = rng.choice(JobType.values)
                engagement = rng.choice(EngagementType.values)
                cap = version.caps[(job_type, engagement)]
                months = rng.randint(2, version.max_months)
                expires = starts + datetime.timedelta(days=30 * months)
                current = expires >= self.today
                roll = rng.random()
                if roll < 0.12:
                    status = ExceptionStatus.REFUSED
                elif current:
                    recent = starts > self.today - datetime.timedelta(days=30)
                    status = ExceptionStatus.REQUESTED if recent else ExceptionStatus.APPROVED
                else:
                    status = ExceptionStatus.ENDED_EARLY if roll > 0.85 else ExceptionStatus.EXPIRED
                plans.append((la, starts, expires, version, job_type, engagement, cap, status))
        exceptions = []
        for n, (la, starts, expires, version, job_type, engagement, cap, status) in enumerate(
            plans
        ):
            requested_at = self.at(starts - datetime.timedelta(days=rng.randint(5, 20)), 11)
            requester = rng.choice(self.people.workforce[la.pk])
            dcs = self.people.dcs[la.pk]
            decided = status != ExceptionStatus.REQUESTED and status != ExceptionStatus.REFUSED
            second = decided and version.second_approver == SecondApprover.REGIONAL_LEAD
            approved_at = requested_at + datetime.timedelta(days=2)
            exceptions.append(
                CapException(
                    reference=f"bench-{n}",  # replaced once the row has its number
                    local_authority=la,
                    mou_version_id=version.pk,
                    job_type=job_type,
                    engagement_type=engagement,
                    agency=self.agencies[weighted(rng, self.agency_weights)],
                    msp=self.msp_of_la[la.pk],
                    engagement_reference=f"{la.la_code}-BK-{1000 + n}",
                    rate=cap + Decimal(rng.randint(50, 900)) / 100,
                    cap_rate=cap,
                    reason="No candidate at the capped rate after three rounds of sourcing.",
                    starts_on=starts,
                    expires_on=expires,
                    exit_plan="Recruit to the permanent post; the engagement ends when the new "
                    "starter is in post.",
                    status=status,
                    requested_by_id=requester,
                    requested_at=requested_at,
                    dcs_approved_by_id=dcs if decided else None,
                    dcs_approved_at=approved_at if decided else None,
                    second_approved_by_id=self.people.leads[la.region_id][0] if second else None,
                    second_approved_at=approved_at + ONE_DAY if second else None,
                    refused_by_id=dcs if status == ExceptionStatus.REFUSED else None,
                    refused_at=approved_at if status == ExceptionStatus.REFUSED else None,
                    refusal_reason="A candidate is available at the capped rate."
                    if status == ExceptionStatus.REFUSED
                    else "",
                    reported_to_region_at=approved_at + ONE_DAY if decided else None,
                    ended_on=starts + (expires - starts) / 2
                    if status == ExceptionStatus.ENDED_EARLY
                    else None,
                    end_reason="Permanent appointment made."
                    if status == ExceptionStatus.ENDED_EARLY
                    else "",
                )
            )
        exceptions = CapException.objects.bulk_create(exceptions, batch_size=1000)
        codes = {region.pk: region.code for region in self.regions}
        events = []
        for exception in exceptions:
            exception.reference = (
                f"{codes[exception.local_authority.region_id]}-CX-{exception.pk:05d}"
            )
            events.append(
                CapExceptionEvent(
                    exception=exception,
                    kind=ExceptionEventKind.REQUESTED,
                    actor_id=exception.requested_by_id,
                    created_at=exception.requested_at,
                )
            )
            if exception.dcs_approved_at:
                kind = (
                    ExceptionEventKind.DCS_APPROVED
                    if exception.second_approved_at
                    else ExceptionEventKind.APPROVED
                )
                events.append(
                    CapExceptionEvent(
                        exception=exception,
                        kind=kind,
                        actor_id=exception.dcs_approved_by_id,
                        created_at=exception.dcs_approved_at,
                    )
                )
            if exception.second_approved_at:
                events.append(
                    CapExceptionEvent(
                        exception=exception,
                        kind=ExceptionEventKind.APPROVED,
                        actor_id=exception.second_approved_by_id,
                        created_at=exception.second_approved_at,
                    )
                )
            if exception.refused_at:
                events.append(
                    CapExceptionEvent(
                        exception=exception,
                        kind=ExceptionEventKind.REFUSED,
                        actor_id=exception.refused_by_id,
                        note=exception.refusal_reason,
                        created_at=exception.refused_at,
                    )
                )
            if exception.status in (ExceptionStatus.EXPIRED, ExceptionStatus.ENDED_EARLY):
                ended = exception.ended_on or exception.expires_on + ONE_DAY
                events.append(
                    CapExceptionEvent(
                        exception=exception,
                        kind=ExceptionEventKind.ENDED_EARLY
                        if exception.ended_on
                        else ExceptionEventKind.EXPIRED,
                        created_at=self.at(ended, 7),
                    )
                )
        CapException.objects.bulk_update(exceptions, ["reference"], batch_size=1000)
        CapExceptionEvent.objects.bulk_create(events, batch_size=1000)
        self.count("cap exceptions", len(exceptions))
        self.count(
            "cap exceptions in force",
            sum(
                e.status == ExceptionStatus.APPROVED and e.starts_on <= self.today <= e.expires_on
                for e in exceptions
            ),
        )

    # Reviews -----------------------------------------------------------------------------------

    def add_reviews(self) -> None:
        rng = self.rng
        reviews, plans = [], []
        for region in self.regions:
            region_msps = {self.msp_of_la[la.pk] for la in self.las_by_region[region.pk]}
            for _ in range(20):
                held = self.today - datetime.timedelta(days=rng.randint(5, 1100))
                msp = rng.choice(sorted(region_msps, key=lambda m: m.pk))
                of_agency = rng.random() < 0.5
                reviews.append(
                    RelationshipReview(
                        region=region,
                        local_authority=rng.choice(self.las_by_region[region.pk])
                        if rng.random() < 0.3
                        else None,
                        msp=None if of_agency else msp,
                        agency=self.agencies[weighted(rng, self.agency_weights)]
                        if of_agency
                        else None,
                        held_on=held,
                        attendees="Regional lead; account manager; workforce leads",
                        effectiveness=rng.choice(Effectiveness.values),
                        effectiveness_note="Fill rates good; compliance checks improving.",
                        recorded_by_id=rng.choice(self.people.leads[region.pk]),
                    )
                )
                plans.append(held)
        reviews = bulk_create_with_history(
            stamped(reviews, self.at(self.today, 9), None), RelationshipReview
        )
        actions = []
        for review, held in zip(reviews, plans, strict=True):
            for _ in range(rng.randint(1, 3)):
                due = held + datetime.timedelta(days=rng.randint(14, 90))
                done = due - datetime.timedelta(days=rng.randint(0, 10))
                finished = done <= self.today and rng.random() < 0.85
                actions.append(
                    ReviewAction(
                        review=review,
                        description="Send the quarterly compliance report to the region.",
                        owner_person_id=rng.choice(self.people.leads[review.region_id]),
                        due_on=due,
                        done_on=max(done, held) if finished else None,
                    )
                )
        bulk_create_with_history(stamped(actions, self.at(self.today, 9), None), ReviewAction)
        self.count("supplier reviews", len(reviews))
        self.count("review actions", len(actions))

    # Breaches ------------------------------------------------------------------------------------
