"""Walks every URL pattern and checks it is guarded (used by test_url_guard.py).

Each URL is either on the short PUBLIC list, or sends an anonymous visitor to sign-in. Each URL
that takes an object has an entry in OUT_OF_SCOPE, which builds an object outside the tester's
scope (the tester works in London); the tester must get 404 for it. A URL name missing from
the registry is a failure, so new URLs are covered without anyone remembering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership
from accounts.roles import Role
from tests.factories import local_authority, person_with_role

# Reachable without signing in, on purpose.
PUBLIC: frozenset[str] = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "accounts:set_password",
        "healthz",
        "readyz",  # part by part, never a secret or a path (tests/test_shared_cache.py)
        "accessibility",
        "admin:login",  # only redirects to the portal's sign-in page
        "governance:feed",  # a secret, revocable address (tests/governance/test_calendar.py)
    }
)


@dataclass
class Context:
    """Objects outside the scope of a person in London (all in the North East)."""

    outsider: object
    outsider_membership: Membership
    version: object
    rule: object
    msp: object
    agency: object
    review: object
    action: object
    exception: object
    breach: object
    contract: object
    signatory: object
    data_return: object
    agreement: object
    party: object
    candidate: object
    group: object
    meeting: object
    governance_action: object
    agenda_item: object
    notice: object
    raised_issue: object
    governance_review: object
    group_member: object
    paper: object

    @classmethod
    def build(cls) -> Context:
        import datetime

        from msp.models import ChainMembership, RelationshipReview, ReviewAction
        from tests.factories import (
            AgencyFactory,
            MSPContractFactory,
            cap_exception,
            region,
        )

        outsider = person_with_role(Role.DCS, local_authority=local_authority("391"))
        exception = cap_exception(local_authority("391"), requested_by=outsider)
        version = exception.mou_version  # the North East MOU, with a cap
        contract = MSPContractFactory(local_authority=local_authority("391"))
        msp = contract.msp
        agency = AgencyFactory()
        ChainMembership.objects.create(
            msp=msp, agency=agency, tier=1, from_date=datetime.date(2025, 1, 1)
        )
        review = RelationshipReview.objects.create(
            region=region("NE"),
            msp=msp,
            held_on=datetime.date(2026, 1, 1),
            attendees="NE leads",
            effectiveness=3,
        )
        action = ReviewAction.objects.create(
            review=review, description="x", owner="y", due_on=datetime.date(2026, 2, 1)
        )
        from tests.factories import logged_breach

        breach = logged_breach(local_authority("391"), reporter=outsider)
        from mou.models import Signatory

        signatory = Signatory.objects.create(
            version=version, local_authority=local_authority("391"), status="invited"
        )
        from datasharing import services as returns

        period = returns.period_create(region=region("NE"), year=2026, quarter=3, actor=None)
        newcastle_lead = person_with_role(
            Role.LA_WORKFORCE_LEAD, local_authority=local_authority("391")
        )
        data_return = returns.return_start(
            period=period, local_authorities=[local_authority("391")], actor=newcastle_lead
        )
        from datasharing.models import AgreementParty, SharingAgreement

        agreement = SharingAgreement.objects.create(
            region=region("NE"),
            label="2026.1",
            purpose="p",
            lawful_basis="b",
            data_categories="d",
            retention="r",
            effective_from=datetime.date(2026, 1, 1),
            review_due=datetime.date(2027, 1, 1),
            status="published",
        )
        party = AgreementParty.objects.create(
            agreement=agreement,
            local_authority=local_authority("391"),
            signed_on=datetime.date(2026, 1, 5),
            signed_by_name="n",
            recorded_by=outsider,
        )
        from datasharing.models import CandidateBreach

        candidate = CandidateBreach.objects.create(
            period=period,
            local_authority=local_authority("391"),
            kind="return_late",
            occurred_on=period.closes_on,
        )
        from governance.models import Group

        group = Group.objects.create(
            region=region("NE"),
            name="North East DCS board",
            kind="dcs_board",
            purpose="p",
            starts_on=datetime.date(2026, 1, 1),
        )
        from django.utils import timezone

        from governance.models import Meeting

        starts = timezone.now() + datetime.timedelta(days=10)
        meeting = Meeting.objects.create(
            group=group, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), place="x"
        )
        from governance.models import Action

        governance_action = Action.objects.create(
            meeting=meeting,
            text="t",
            owner=outsider,
            due_on=datetime.date(2030, 1, 1),
            recorded_by=outsider,
        )
        from django.core.files.base import ContentFile

        from governance.models import AgendaItem, Pack, Paper

        agenda_item = AgendaItem.objects.create(meeting=meeting, position=1, title="t")
        paper = Paper.objects.create(
            item=agenda_item,
            file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="p.pdf"),
            name="p.pdf",
            kind="pdf",
            added_by=outsider,
        )
        Pack.objects.create(
            meeting=meeting,
            number=1,
            since=datetime.date(2026, 1, 1),
            generated_on=datetime.date(2026, 1, 1),
            generated_by=outsider,
            content={},
        )
        from governance.models import GroupMember

        group_member = GroupMember.objects.create(
            group=group,
            person=outsider,
            local_authority=local_authority("391"),
            from_date=datetime.date(2026, 1, 1),
        )
        from governance.models import GovernanceReview, MarketNotice, RaisedIssue

        notice = MarketNotice.objects.create(
            region=region("NE"), subject="s", body="b", sent_by=outsider
        )
        raised_issue = RaisedIssue.objects.create(
            region=region("NE"),
            raised_by=outsider,
            local_authority=local_authority("391"),
            subject="s",
            description="d",
        )
        governance_review = GovernanceReview.objects.create(
            region=region("NE"), year=2026, started_by=outsider
        )
        return cls(
            notice=notice,
            raised_issue=raised_issue,
            governance_review=governance_review,
            group_member=group_member,
            agenda_item=agenda_item,
            paper=paper,
            governance_action=governance_action,
            meeting=meeting,
            group=group,
            candidate=candidate,
            agreement=agreement,
            party=party,
            data_return=data_return,
            contract=contract,
            signatory=signatory,
            breach=breach,
            outsider=outsider,
            outsider_membership=outsider.memberships.get(),
            version=version,
            rule=version.rules.first(),
            msp=msp,
            agency=agency,
            review=review,
            action=action,
            exception=exception,
        )


class National:
    """An object URL for records every role sees (MSPs, agencies), except MSP contacts, who see
    only their own MSPs and those MSPs' agencies: only they can be shown an out-of-scope one."""

    def __init__(self, build: Callable[[Context], dict]) -> None:
        self.build = build

    def __call__(self, ctx: Context) -> dict:
        return self.build(ctx)


def _ne(ctx: Context) -> dict:
    return {"code": "NE"}


def _ne_version(ctx: Context) -> dict:
    return {"code": "NE", "pk": ctx.version.pk}


def _outsider(ctx: Context) -> dict:
    return {"pk": ctx.outsider.pk}


OUT_OF_SCOPE: dict[str, Callable[[Context], dict]] = {
    "mou:region_detail": lambda ctx: {"code": "NE"},
    "mou:local_authority_detail": lambda ctx: {"la_code": "391"},
    "accounts:person_detail": _outsider,
    "accounts:membership_add": _outsider,
    "accounts:membership_remove": lambda ctx: {
        "pk": ctx.outsider.pk,
        "membership_pk": ctx.outsider_membership.pk,
    },
    "accounts:person_deactivate": _outsider,
    "accounts:person_reactivate": _outsider,
    "accounts:person_unlock": _outsider,
    "accounts:person_two_factor_reset": _outsider,
    "mou:mou_detail": _ne,
    "mou:version_compare": _ne,
    "mou:version_create": _ne,
    "mou:version_detail": _ne_version,
    "mou:version_edit": _ne_version,
    "mou:version_publish": _ne_version,
    "mou:version_withdraw": _ne_version,
    "mou:version_document": _ne_version,
    "mou:signatories_carry_over": _ne_version,
    "mou:signatories_mark_signed": _ne_version,
    "mou:signatories_csv": _ne_version,
    "mou:price_caps_csv": _ne_version,
    "mou:part_add": lambda ctx: {**_ne_version(ctx), "part": "rule"},
    "mou:part_edit": lambda ctx: {**_ne_version(ctx), "part": "rule", "part_pk": ctx.rule.pk},
    "mou:signatory_edit": lambda ctx: {**_ne_version(ctx), "la_code": "391"},
    "mou:signatory_evidence": lambda ctx: {**_ne_version(ctx), "la_code": "391"},
    "msp:msp_detail": National(lambda ctx: {"pk": ctx.msp.pk}),
    "msp:msp_edit": National(lambda ctx: {"pk": ctx.msp.pk}),
    "msp:contract_add": National(lambda ctx: {"pk": ctx.msp.pk}),
    "msp:chain_add": National(lambda ctx: {"pk": ctx.msp.pk}),
    "msp:msp_review_add": National(lambda ctx: {"pk": ctx.msp.pk}),
    "msp:agency_detail": National(lambda ctx: {"pk": ctx.agency.pk}),
    "msp:agency_edit": National(lambda ctx: {"pk": ctx.agency.pk}),
    "msp:agency_review_add": National(lambda ctx: {"pk": ctx.agency.pk}),
    "msp:standing_set": lambda ctx: {"pk": ctx.agency.pk, "code": "NE"},
    "msp:review_detail": lambda ctx: {"pk": ctx.review.pk},
    "msp:review_action_add": lambda ctx: {"pk": ctx.review.pk},
    "msp:review_action_done": lambda ctx: {"pk": ctx.review.pk, "action_pk": ctx.action.pk},
    "msp:escalation_contact": lambda ctx: {"code": "NE"},
    "cap_exceptions:detail": lambda ctx: {"pk": ctx.exception.pk},
    "cap_exceptions:decide": lambda ctx: {"pk": ctx.exception.pk},
    "cap_exceptions:end_early": lambda ctx: {"pk": ctx.exception.pk},
    "cap_exceptions:withdraw": lambda ctx: {"pk": ctx.exception.pk},
    "cap_exceptions:renew": lambda ctx: {"renew_pk": ctx.exception.pk},
    "breaches:detail": lambda ctx: {"reference": ctx.breach.reference},
    "breaches:comment": lambda ctx: {"reference": ctx.breach.reference},
    "breaches:evidence_add": lambda ctx: {"reference": ctx.breach.reference},
    "breaches:evidence": lambda ctx: {"reference": ctx.breach.reference, "pk": 1},
    "breaches:action": lambda ctx: {"reference": ctx.breach.reference, "action": "accept"},
    "datasharing:tracker": lambda ctx: {"pk": ctx.data_return.period_id},
    "datasharing:start": lambda ctx: {"pk": ctx.data_return.period_id},
    "datasharing:joint_start": lambda ctx: {"pk": ctx.data_return.period_id},
    "datasharing:detail": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:edit": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:explain": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:statement": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:upload": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:deputies": lambda ctx: {"la_code": "391"},
    "datasharing:period_dates": lambda ctx: {"pk": ctx.data_return.period_id},
    "datasharing:period_new": lambda ctx: {"code": "NE"},
    "datasharing:template": lambda ctx: {"pk": ctx.data_return.pk, "kind": "csv"},
    "datasharing:submit": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:authorise": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:reopen": lambda ctx: {"pk": ctx.data_return.pk},
    "datasharing:export": lambda ctx: {"pk": ctx.data_return.period_id, "kind": "csv"},
    "datasharing:candidate_confirm": lambda ctx: {"pk": ctx.candidate.pk},
    "datasharing:candidate_dismiss": lambda ctx: {"pk": ctx.candidate.pk},
    "datasharing:region_agreement": _ne,
    "governance:group": lambda ctx: {"pk": ctx.group.pk},
    "governance:member_new": lambda ctx: {"pk": ctx.group.pk},
    "governance:group_edit": lambda ctx: {"pk": ctx.group.pk},
    "governance:member_end": lambda ctx: {"pk": ctx.group.pk, "member_pk": ctx.group_member.pk},
    "governance:group_new": _ne,
    "governance:meeting_new": lambda ctx: {"pk": ctx.group.pk},
    "governance:meeting": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:meeting_move": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:meeting_cancel": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:meeting_invitation": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:attendance": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:decision_new": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:action_new": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:action_done": lambda ctx: {"pk": ctx.governance_action.pk},
    "governance:representation": _ne,
    "governance:shared_minutes": _ne,
    "governance:structure": _ne,
    "governance:directory": _ne,
    "governance:directory_csv": _ne,
    "governance:message_new": lambda ctx: {"pk": ctx.group.pk},
    "governance:notice_new": _ne,
    "governance:notice": lambda ctx: {"pk": ctx.notice.pk},
    "governance:notice_acknowledge": lambda ctx: {"pk": ctx.notice.pk},
    "governance:notice_reissue": lambda ctx: {"pk": ctx.notice.pk},
    "governance:issue": lambda ctx: {"pk": ctx.raised_issue.pk},
    "governance:issue_answer": lambda ctx: {"pk": ctx.raised_issue.pk},
    "governance:issue_agenda": lambda ctx: {"pk": ctx.raised_issue.pk},
    "governance:issue_breach": lambda ctx: {"pk": ctx.raised_issue.pk},
    "governance:reviews": _ne,
    "governance:review": lambda ctx: {"pk": ctx.governance_review.pk},
    "governance:answer": lambda ctx: {"pk": ctx.governance_review.pk, "key": "escalation"},
    "governance:review_complete": lambda ctx: {"pk": ctx.governance_review.pk},
    "governance:item_new": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:item_move": lambda ctx: {"pk": ctx.meeting.pk, "item_pk": ctx.agenda_item.pk},
    "governance:item_minute": lambda ctx: {"pk": ctx.meeting.pk, "item_pk": ctx.agenda_item.pk},
    "governance:paper_new": lambda ctx: {"pk": ctx.meeting.pk, "item_pk": ctx.agenda_item.pk},
    "governance:paper": lambda ctx: {
        "pk": ctx.meeting.pk,
        "item_pk": ctx.agenda_item.pk,
        "paper_pk": ctx.paper.pk,
    },
    "governance:declaration_new": lambda ctx: {
        "pk": ctx.meeting.pk,
        "item_pk": ctx.agenda_item.pk,
    },
    "governance:minutes_approve": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:minutes_publish": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:pack_generate": lambda ctx: {"pk": ctx.meeting.pk},
    "governance:pack": lambda ctx: {"pk": ctx.meeting.pk, "number": 1},
    "governance:pack_sheet": lambda ctx: {"pk": ctx.meeting.pk, "number": 1},
    "datasharing:agreement_new": _ne,
    "datasharing:agreement": lambda ctx: {"pk": ctx.agreement.pk},
    "datasharing:agreement_edit": lambda ctx: {"pk": ctx.agreement.pk},
    "datasharing:agreement_publish": lambda ctx: {"pk": ctx.agreement.pk},
    "datasharing:agreement_document": lambda ctx: {"pk": ctx.agreement.pk},
    "datasharing:party_new": lambda ctx: {"pk": ctx.agreement.pk},
    "datasharing:party_leave": lambda ctx: {"pk": ctx.party.pk},
    "datasharing:party_evidence": lambda ctx: {"pk": ctx.party.pk},
    "dashboards:region": lambda ctx: {"code": "NE"},
    "dashboards:figure_csv": lambda ctx: {"code": "NE", "slug": "coverage"},
    "dashboards:region_returns": lambda ctx: {"code": "NE"},
    # National figures: out of scope for everyone who is not national.
    "dashboards:national_csv": lambda ctx: {"slug": "regions"},
}

# Sample values for the admin site's own parameters (every admin view refuses non-admins).
ADMIN_SAMPLES = {"app_label": "accounts"}


@dataclass(frozen=True)
class Route:
    name: str
    params: tuple[str, ...]
    regex: str  # the whole path as one regular expression

    @property
    def takes_values(self) -> bool:
        return bool(self.params) or "(" in self.regex


def walk(urlconf: str | None = None) -> list[Route]:
    routes: list[Route] = []

    def visit(patterns, namespace: str | None, params: tuple[str, ...], regex: str) -> None:
        for pattern in patterns:
            own = tuple(pattern.pattern.regex.groupindex)
            piece = pattern.pattern.regex.pattern.lstrip("^").removesuffix("\\Z").rstrip("$")
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    ns = f"{namespace}:{pattern.namespace}"
                visit(pattern.url_patterns, ns, params + own, regex + piece)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                full = f"{namespace}:{name}" if namespace else name
                routes.append(Route(full, params + own, regex + piece))

    visit(get_resolver(urlconf).url_patterns, None, (), "")
    return routes


def sample_path(regex: str) -> str:
    """A path matching `regex`, with each group replaced by a sample value."""
    out, i = [], 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            out.append(regex[i + 1])
            i += 2
            continue
        if char == "(":
            depth, j = 1, i + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            group = regex[i:j]
            name = group[4 : group.index(">")] if group.startswith("(?P<") else ""
            out.append(ADMIN_SAMPLES.get(name, "1"))
            i = j
            continue
        out.append(char)
        i += 1
    return "/" + "".join(out)


def problems(tester, ctx: Context, urlconf: str | None = None) -> list[str]:
    """Every way the project's URLs fail the rules; empty when all is well."""
    from accounts.roles import Capability
    from accounts.scope import access_for
    from msp.permissions import supplier_scope
    from tests.conftest import PortalClient

    refuse_admin = not access_for(tester).can(Capability.USE_ADMIN_SITE)
    anonymous = Client()
    signed_in = PortalClient()
    signed_in.force_login(tester)
    sign_in_path = reverse("login", urlconf=urlconf)
    found: list[str] = []
    for route in walk(urlconf):
        if route.name in PUBLIC:
            continue
        is_admin = route.name.startswith("admin:")
        if route.takes_values and not is_admin and route.name not in OUT_OF_SCOPE:
            found.append(f"{route.name}: takes an object but has no OUT_OF_SCOPE entry")
            continue
        try:
            if is_admin:
                url = sample_path(route.regex)
            else:
                kwargs = OUT_OF_SCOPE[route.name](ctx) if route.takes_values else None
                url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
        except Exception as error:
            found.append(f"{route.name}: cannot build a URL to test ({error})")
            continue
        response = anonymous.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        if not final.startswith(sign_in_path):
            found.append(
                f"{route.name} ({url}): anonymous visitor got {response.status_code}, not sign-in"
            )
        if is_admin:
            if refuse_admin:
                status = signed_in.get(url, follow=True).status_code
                if status != 403:
                    found.append(
                        f"{route.name} ({url}): a signed-in non-admin got {status}, not 403"
                    )
        elif route.takes_values:
            builder = OUT_OF_SCOPE[route.name]
            if isinstance(builder, National) and supplier_scope(tester).all_suppliers:
                continue  # a national record: nothing is out of this person's scope
            status = signed_in.get(url).status_code
            if status == 405:  # an action that only takes POST
                status = signed_in.post(url).status_code
            if status != 404:
                found.append(
                    f"{route.name} ({url}): out-of-scope object answered {status}, not 404"
                )
    return found


# The admin site: every URL of every registered ModelAdmin, against a row outside the admin's
# scope. Django's admin and django-simple-history's add views one can forget (history, the
# history form, the catch-all redirect); the walker reads the ModelAdmin's own URL list instead.


def admin_out_of_scope(ctx: Context) -> dict[type, object]:
    """For each model registered in the admin, a row outside a London admin's scope."""
    from accounts.models import Membership, User
    from mou.models import MOU, LocalAuthority, MOUVersion, Region, Signatory
    from msp.models import MSP, MSPContract

    return {
        User: ctx.outsider,
        Membership: ctx.outsider_membership,
        Region: ctx.version.mou.region,
        LocalAuthority: local_authority("391"),
        MOU: ctx.version.mou,
        MOUVersion: ctx.version,
        Signatory: ctx.signatory,
        MSP: ctx.msp,
        MSPContract: ctx.contract,
    }


def registered_model_admins():
    from django.apps import apps
    from django.contrib import admin

    return [
        (model, admin.site.get_model_admin(model))
        for model in apps.get_models()
        if admin.site.is_registered(model)
    ]


def admin_object_paths(model_admin, pk: int) -> list[str]:
    """Every path under one object: each of the ModelAdmin's URL patterns that takes an object,
    and the paths other admin packages add or Django redirects (history form, bare id)."""
    base = f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"
    paths = []
    for pattern in model_admin.get_urls():
        route = str(pattern.pattern)
        if "<path:object_id>" in route:
            paths.append(base + route.replace("<path:object_id>", str(pk)))
    # django-simple-history's history form, and Django's bare-id redirect to the change page.
    paths += [f"{base}{pk}/history/1/", f"{base}{pk}/"]
    return sorted(set(paths))


def admin_problems(tester, ctx: Context) -> list[str]:
    """Every admin URL that shows or changes a row outside the tester's scope (404 expected),
    or lets a look-only admin change anything (403 expected)."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.roles import Capability
    from accounts.scope import access_for
    from tests.conftest import PortalClient

    client = PortalClient()
    client.force_login(tester)
    national = access_for(tester).capability_scope(Capability.USE_ADMIN_SITE).national
    rows = admin_out_of_scope(ctx)
    found: list[str] = []
    for model, model_admin in registered_model_admins():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if model not in rows:
            found.append(f"{label}: registered in the admin but has no out-of-scope row")
            continue
        obj = rows[model]
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        if not national:
            listed = client.get(base)
            if listed.status_code != 200:
                found.append(f"{base}: the changelist answered {listed.status_code}")
            elif obj.pk in {row.pk for row in listed.context["cl"].result_list}:
                found.append(f"{base}: the changelist shows an out-of-scope {label}")
            status = client.post(base + "add/", {}).status_code
            if status != 403:
                found.append(f"{base}add/: a look-only admin's POST answered {status}, not 403")
        for url in admin_object_paths(model_admin, obj.pk):
            expected = {404} if not national or "/history/1/" in url else {200, 302, 403}
            if url.endswith(f"/{obj.pk}/"):
                expected = {404}  # no catch-all: nothing answers there
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in expected:
                    found.append(f"{method.upper()} {url}: answered {status}, not {expected}")
        if not national:
            content_type = ContentType.objects.get_for_model(model)
            url = f"/admin/r/{content_type.pk}/{obj.pk}/"
            status = client.get(url).status_code
            if status != 404:
                found.append(f"{url} (view on site): answered {status}, not 404")
    if not national:
        # A model with no admin of its own (a breach) is not reachable through "view on site".
        from breaches.models import Breach

        content_type = ContentType.objects.get_for_model(Breach)
        url = f"/admin/r/{content_type.pk}/{ctx.breach.pk}/"
        status = client.get(url).status_code
        if status != 404:
            found.append(f"{url} (view on site, breach): answered {status}, not 404")
    return found
