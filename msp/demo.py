"""Demo MSPs, agencies and contracts for `seed_demo`. Every name and number is invented."""

import datetime

from django.db import transaction

from mou.models import LocalAuthority, Region
from msp.models import (
    MSP,
    Agency,
    AgencyStanding,
    ChainMembership,
    EscalationContact,
    MSPContract,
    MSPKind,
    StandingStatus,
)

DEMO_MSP = "Capital Workforce Partners (demo)"

# (name, company number, type, framework, regions served)
DEMO_MSPS = [
    (
        DEMO_MSP,
        "90000001",
        MSPKind.NEUTRAL_VENDOR,
        "National temporary workforce framework (demo)",
        ["LDN", "SE"],
    ),
    (
        "Northern Workforce Solutions (demo)",
        "90000002",
        MSPKind.MASTER_VENDOR,
        "Regional agency staffing framework (demo)",
        ["NE", "NW", "YH"],
    ),
    (
        "Shires Talent Partners (demo)",
        "90000003",
        MSPKind.NEUTRAL_VENDOR,
        "National temporary workforce framework (demo)",
        ["EM", "WM", "EE"],
    ),
    ("Coast and Vale Staffing Services (demo)", "90000004", MSPKind.MASTER_VENDOR, "", ["SW"]),
]

PLACES = [
    "Ashdown",
    "Brookfield",
    "Castlegate",
    "Dunmore",
    "Elmstead",
    "Fairholme",
    "Greywell",
    "Hartley",
    "Ivybridge",
    "Juniper",
    "Kingsmead",
    "Larkfield",
    "Millbrook",
    "Northgate",
    "Oakridge",
    "Parkside",
    "Queensway",
    "Riverside",
    "Stonebridge",
    "Thornbury",
]
KINDS = ["Social Care Recruitment Ltd", "Children's Services Staffing Ltd"]


@transaction.atomic
def seed(*, stdout) -> None:
    start = datetime.date(2025, 4, 1)
    msps = []
    for name, number, kind, framework, regions in DEMO_MSPS:
        msp, _ = MSP.objects.get_or_create(name=name)
        if not msp.company_number:
            msp.company_number, msp.kind, msp.framework = number, kind, framework
            msp.contacts = "Account manager: accounts@example.org"
            msp.save()
        msps.append(msp)
        for la in LocalAuthority.objects.filter(region__code__in=regions):
            MSPContract.objects.get_or_create(
                msp=msp, local_authority=la, defaults={"starts_on": start}
            )
    agencies = []
    for n, (place, company) in enumerate(((p, k) for k in KINDS for p in PLACES), start=1):
        agency, _ = Agency.objects.get_or_create(
            company_number=f"8{n:07d}",
            defaults={
                "name": f"{place} {company} (demo)",
                "contacts": "Compliance team: compliance@example.org",
            },
        )
        agencies.append(agency)
    for n, agency in enumerate(agencies):
        msp = msps[n % len(msps)]
        ChainMembership.objects.get_or_create(
            msp=msp, agency=agency, defaults={"tier": 1 if n % 3 else 2, "from_date": start}
        )
    london = Region.objects.get(code="LDN")
    if not AgencyStanding.objects.exists():
        AgencyStanding.objects.create(
            agency=agencies[0],
            region=london,
            status=StandingStatus.WARNED,
            reason="Advertised roles above the London cap (demo).",
            decided_on=datetime.date(2026, 6, 1),
        )
        AgencyStanding.objects.create(
            agency=agencies[4],
            region=london,
            status=StandingStatus.SUSPENDED,
            reason="Repeated non-engagement period breaches (demo).",
            decided_on=datetime.date(2026, 8, 15),
        )
    stdout.write(
        f"Demo supply chain: {len(msps)} MSPs, {len(agencies)} agencies, contracts in every region"
    )


@transaction.atomic
def seed_people(*, stdout) -> None:
    """The demo MSP's contact, and London's single point of contact for MSP and agency
    escalations (the demo regional lead, seeded by accounts.demo)."""
    from accounts.demo import demo_person
    from accounts.models import User
    from accounts.roles import Role

    demo_person(
        email="msp.contact@example.org",
        name="Mark Bennett",
        role=Role.MSP_CONTACT,
        msp=MSP.objects.get(name=DEMO_MSP),
        stdout=stdout,
    )
    lead = User.objects.get(email="regional.lead@example.org")
    EscalationContact.objects.get_or_create(
        region=Region.objects.get(code="LDN"), defaults={"person": lead}
    )
