"""Roles, the scope each role is held in, and what each role may do.

This is the one table of role capabilities (docs/adr/0003-roles-and-scope.md). It lives in code,
not in database rows, so tests that empty tables cannot wipe it and a change to it is reviewed.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    REGIONAL_LEAD = "regional_lead", "Regional lead"
    DCS = "dcs", "Director of children's services"
    LA_WORKFORCE_LEAD = "la_workforce_lead", "LA workforce lead"
    MSP_CONTACT = "msp_contact", "MSP contact"
    OBSERVER = "observer", "Observer"


class ScopeKind(StrEnum):
    NATIONAL = "national"
    REGION = "region"
    LOCAL_AUTHORITY = "local_authority"
    MSP = "msp"


# Which kinds of scope each role may be held in. An admin is national or of one region.
ROLE_SCOPE_KINDS: dict[str, frozenset[ScopeKind]] = {
    Role.ADMIN: frozenset({ScopeKind.NATIONAL, ScopeKind.REGION}),
    Role.REGIONAL_LEAD: frozenset({ScopeKind.REGION}),
    Role.DCS: frozenset({ScopeKind.LOCAL_AUTHORITY}),
    Role.LA_WORKFORCE_LEAD: frozenset({ScopeKind.LOCAL_AUTHORITY}),
    Role.MSP_CONTACT: frozenset({ScopeKind.MSP}),
    Role.OBSERVER: frozenset({ScopeKind.NATIONAL}),
}


class Capability(StrEnum):
    """Things a role lets a person do, always within the scope the role is held in."""

    MANAGE_PEOPLE = "manage_people"
    USE_ADMIN_SITE = "use_admin_site"
    MANAGE_MOUS = "manage_mous"  # versions, rules, ladder, caps and signatories
    # MSP and agency records (national), contracts, standings, reviews, the escalation contact
    MANAGE_SUPPLIERS = "manage_suppliers"
    # An unpublished MOU version, its caps and its CSVs (the region's admins, leads and DCSs)
    READ_DRAFT_MOUS = "read_draft_mous"
    # Supplier reviews and signatory evidence: everyone with a working role, never observers,
    # who read aggregates and published MOU versions only
    READ_CASE_RECORDS = "read_case_records"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(
        {
            Capability.MANAGE_PEOPLE,
            Capability.USE_ADMIN_SITE,
            Capability.MANAGE_MOUS,
            Capability.MANAGE_SUPPLIERS,
            Capability.READ_DRAFT_MOUS,
            Capability.READ_CASE_RECORDS,
        }
    ),
    Role.REGIONAL_LEAD: frozenset(
        {Capability.MANAGE_SUPPLIERS, Capability.READ_DRAFT_MOUS, Capability.READ_CASE_RECORDS}
    ),
    Role.DCS: frozenset({Capability.READ_DRAFT_MOUS, Capability.READ_CASE_RECORDS}),
    Role.LA_WORKFORCE_LEAD: frozenset({Capability.READ_CASE_RECORDS}),
    Role.MSP_CONTACT: frozenset({Capability.READ_CASE_RECORDS}),
    Role.OBSERVER: frozenset(),
}

# Short descriptions shown on the home page and in the invite form.
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.ADMIN: "Manages MOUs, signatories, people and reference data, nationally or for a region",
    Role.REGIONAL_LEAD: "Logs breaches and runs the breach queue for a region",
    Role.DCS: "Reviews dashboards and responds for a local authority",
    Role.LA_WORKFORCE_LEAD: "Responds to breaches and submits data returns for a local authority",
    Role.MSP_CONTACT: "Sees and responds to breaches involving their managed service provider",
    Role.OBSERVER: "Reads national and regional figures",
}

# Roles whose holders must use two-factor sign-in (others may choose to).
TWO_FACTOR_REQUIRED_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.REGIONAL_LEAD, Role.DCS})
