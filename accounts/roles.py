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
    # Sits on a region's governance groups and has no other role (governance/)
    GROUP_MEMBER = "group_member", "Group member"


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
    Role.GROUP_MEMBER: frozenset({ScopeKind.LOCAL_AUTHORITY, ScopeKind.MSP}),
}


class Reach(StrEnum):
    """How far a capability held through a membership reaches."""

    SCOPE = "scope"  # the membership's own scope: national, a region, an LA or an MSP
    REGION = "region"  # the region around it: an LA's region, an MSP's contract regions today
    NATIONAL = "national"  # only a national membership grants it


class Capability(StrEnum):
    """Things a role lets a person do, always within the scope the role is held in."""

    MANAGE_PEOPLE = "manage_people"
    USE_ADMIN_SITE = "use_admin_site"
    MANAGE_MOUS = "manage_mous"  # versions, rules, ladder, caps and signatories
    # MSP and agency records (national), contracts, standings, reviews, the escalation contact
    MANAGE_SUPPLIERS = "manage_suppliers"
    # An unpublished MOU version, its caps and its CSVs
    READ_DRAFT_MOUS = "read_draft_mous"
    # Supplier reviews, signatory evidence and the region's contact person: never observers,
    # who read aggregates and published MOU versions only
    READ_CASE_RECORDS = "read_case_records"
    VIEW_DASHBOARD = "view_dashboard"
    LOG_BREACH = "log_breach"
    # Act as lead on a region: its breach queue (triage, replies, escalation, outcomes) and its
    # cap exception register
    LEAD_REGION = "lead_region"
    # Be told of the region's breach steps and approved cap exceptions by email: the region's
    # own leads, not every admin who may act there
    RECEIVE_REGION_NOTICES = "receive_region_notices"
    # An LA's own breaches and cap exceptions: see them, reply for the LA, request exceptions
    ACT_FOR_LA = "act_for_la"
    # Breaches an MSP answers for (breaches.models.party_reached_by_msp): see them, reply
    ACT_FOR_MSP = "act_for_msp"
    # Be responsible at a rung of a breach's escalation ladder (mou.models.Responsible)
    RESPOND_AT_LA_DCS_LEVEL = "respond_at_la_dcs_level"
    RESPOND_AT_DCS_BOARD_LEVEL = "respond_at_dcs_board_level"
    RESPOND_AT_NATIONAL_LEVEL = "respond_at_national_level"
    DECIDE_CAP_EXCEPTIONS = "decide_cap_exceptions"  # the DCS's approval or refusal
    # The second approval, where the MOU version asks for a regional lead's
    SECOND_APPROVE_CAP_EXCEPTIONS = "second_approve_cap_exceptions"
    # The next apps (data returns, governance): held here so they ask the same table
    # Data returns (datasharing): prepare a draft (an MSP contact, for an LA its MSP serves
    # today), submit it, authorise it, reopen an authorised or submitted one, set the periods
    PREPARE_DATA_RETURNS = "prepare_data_returns"
    SUBMIT_DATA_RETURNS = "submit_data_returns"
    AUTHORISE_DATA_RETURNS = "authorise_data_returns"
    REOPEN_DATA_RETURNS = "reopen_data_returns"
    MANAGE_RETURN_PERIODS = "manage_return_periods"
    # The region's data sharing agreement: its versions and parties (datasharing)
    MANAGE_DATA_SHARING = "manage_data_sharing"
    RUN_GOVERNANCE = "run_governance"  # groups, meetings, packs, decisions and actions
    # Sit on governance groups for an LA or an MSP: the groups a person sits on, their
    # meetings, packs and actions (governance.models.Group.objects.visible_to)
    SIT_ON_GROUPS = "sit_on_groups"


C, R = Capability, Reach
# Each role's capabilities and how far each reaches from the scope the role is held in.
ROLE_CAPABILITIES: dict[str, dict[Capability, Reach]] = {
    Role.ADMIN: {
        C.MANAGE_PEOPLE: R.SCOPE,
        C.USE_ADMIN_SITE: R.SCOPE,
        C.MANAGE_MOUS: R.SCOPE,
        C.MANAGE_SUPPLIERS: R.SCOPE,
        C.READ_DRAFT_MOUS: R.SCOPE,
        C.READ_CASE_RECORDS: R.SCOPE,
        C.VIEW_DASHBOARD: R.SCOPE,
        C.LOG_BREACH: R.SCOPE,
        C.LEAD_REGION: R.SCOPE,
        C.RESPOND_AT_NATIONAL_LEVEL: R.NATIONAL,
        C.MANAGE_RETURN_PERIODS: R.SCOPE,
        C.MANAGE_DATA_SHARING: R.SCOPE,
        C.RUN_GOVERNANCE: R.SCOPE,
    },
    Role.REGIONAL_LEAD: {
        C.MANAGE_SUPPLIERS: R.SCOPE,
        C.READ_DRAFT_MOUS: R.SCOPE,
        C.READ_CASE_RECORDS: R.SCOPE,
        C.VIEW_DASHBOARD: R.SCOPE,
        C.LOG_BREACH: R.SCOPE,
        C.LEAD_REGION: R.SCOPE,
        C.RECEIVE_REGION_NOTICES: R.SCOPE,
        C.SECOND_APPROVE_CAP_EXCEPTIONS: R.SCOPE,
        C.REOPEN_DATA_RETURNS: R.SCOPE,
        C.MANAGE_DATA_SHARING: R.SCOPE,
        C.RUN_GOVERNANCE: R.SCOPE,
    },
    Role.DCS: {
        C.READ_DRAFT_MOUS: R.REGION,
        C.READ_CASE_RECORDS: R.REGION,
        C.VIEW_DASHBOARD: R.REGION,
        C.LOG_BREACH: R.REGION,
        C.ACT_FOR_LA: R.SCOPE,
        C.SIT_ON_GROUPS: R.SCOPE,
        C.RESPOND_AT_LA_DCS_LEVEL: R.SCOPE,
        C.RESPOND_AT_DCS_BOARD_LEVEL: R.REGION,
        C.DECIDE_CAP_EXCEPTIONS: R.SCOPE,
        C.AUTHORISE_DATA_RETURNS: R.SCOPE,
        C.REOPEN_DATA_RETURNS: R.SCOPE,
    },
    Role.LA_WORKFORCE_LEAD: {
        C.READ_CASE_RECORDS: R.REGION,
        C.LOG_BREACH: R.REGION,
        C.ACT_FOR_LA: R.SCOPE,
        C.SIT_ON_GROUPS: R.SCOPE,
        C.PREPARE_DATA_RETURNS: R.SCOPE,
        C.SUBMIT_DATA_RETURNS: R.SCOPE,
    },
    Role.MSP_CONTACT: {
        C.READ_CASE_RECORDS: R.REGION,
        C.LOG_BREACH: R.REGION,
        C.ACT_FOR_MSP: R.SCOPE,
        C.SIT_ON_GROUPS: R.SCOPE,
        C.PREPARE_DATA_RETURNS: R.SCOPE,
    },
    Role.OBSERVER: {
        C.VIEW_DASHBOARD: R.SCOPE,
    },
    Role.GROUP_MEMBER: {
        C.SIT_ON_GROUPS: R.SCOPE,
    },
}
del C, R

# Short descriptions shown on the home page and in the invite form.
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.ADMIN: "Manages MOUs, signatories, people and reference data, nationally or for a region",
    Role.REGIONAL_LEAD: "Logs breaches and runs the breach queue for a region",
    Role.DCS: "Reviews dashboards and responds for a local authority",
    Role.LA_WORKFORCE_LEAD: "Responds to breaches and submits data returns for a local authority",
    Role.MSP_CONTACT: "Sees and responds to breaches involving their managed service provider",
    Role.OBSERVER: "Reads national and regional figures",
    Role.GROUP_MEMBER: "Sits on governance groups for a local authority or an MSP",
}

# Roles that people other than those managing people may give, and the capability that lets
# them, within its scope: those who run a region's governance add its groups' members.
ROLE_GIVEN_WITH: dict[str, Capability] = {
    Role.GROUP_MEMBER: Capability.RUN_GOVERNANCE,
}

# Roles whose holders must use two-factor sign-in (others may choose to).
TWO_FACTOR_REQUIRED_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.REGIONAL_LEAD, Role.DCS})
