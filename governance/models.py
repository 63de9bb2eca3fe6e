"""The region's governance: its groups (a regional DCS board, sub-regional groups, working
groups, an MSP and agency forum), what each covers and may decide (terms of reference), and who
sits on them, each member representing an LA or an MSP, with a named deputy. Meetings, packs,
minutes, decisions and actions follow (docs/adr/0020-governance.md)."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from kernel.uploads import private_storage, upload_path

if TYPE_CHECKING:
    from accounts.models import User


class GroupKind(models.TextChoices):
    DCS_BOARD = "dcs_board", "Regional DCS board"
    SUB_REGIONAL = "sub_regional", "Sub-regional group"
    WORKING = "working", "Working group"
    SUPPLIER_FORUM = "supplier_forum", "MSP and agency forum"


class GroupQuerySet(models.QuerySet["Group"]):
    def visible_to(self, user: User) -> GroupQuerySet:
        """The groups a person sees: every group of the regions they run governance for
        (regional leads and admins; national admins everywhere); for a DCS, the groups covering
        their LA; for anyone else, the groups they sit on or deputise in. Observers: none."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        running = access.capability_scope(Capability.RUN_GOVERNANCE)
        if running.national:
            return self
        dcs_las = [la.pk for la in access.local_authorities(Capability.DECIDE_CAP_EXCEPTIONS)]
        return self.filter(
            Q(region_id__in=sorted(running.region_ids))
            | Q(local_authorities__in=dcs_las)
            | Q(pk__in=GroupMember.objects.seats_of(user).values("group_id"))
            | Q(chair=user)
        ).distinct()


class Group(models.Model):
    """A governance group of a region, with its terms of reference."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="governance_groups")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=GroupKind)
    local_authorities = models.ManyToManyField(
        "mou.LocalAuthority", related_name="governance_groups", blank=True
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reports_to = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="reporting_groups"
    )
    # Terms of reference
    purpose = models.TextField()
    may_decide = models.TextField("What it may decide", blank=True)
    quorum = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Members needed; empty: a majority of its members"
    )
    meets = models.CharField("How often it meets", max_length=80, default="Quarterly")
    terms_document = models.FileField(
        storage=private_storage, upload_to=upload_path("terms-of-reference"), blank=True
    )
    terms_document_name = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField("From")
    ends_on = models.DateField("Until", null=True, blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["region", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="group_name_once_per_region"),
            models.CheckConstraint(condition=Q(kind__in=GroupKind.values), name="group_kind_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="group_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class GroupMemberQuerySet(models.QuerySet["GroupMember"]):
    def seats_of(self, user: User, on: datetime.date | None = None) -> GroupMemberQuerySet:
        """The seats a person holds or deputises in on the day (today): a member who has left
        sees the group no more."""
        day = on or timezone.localdate()
        return self.filter(
            Q(person=user) | Q(deputy=user),
            Q(until_date__isnull=True) | Q(until_date__gt=day),
            from_date__lte=day,
        )


class GroupMember(models.Model):
    """A person who sits on a group, representing an LA or an MSP, from a date (until a date),
    with a deputy who attends for them. A representative who is not their LA's DCS is marked as
    having delegated authority to decide, or flagged."""

    group = models.ForeignKey(Group, models.CASCADE, related_name="members")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, null=True, blank=True, related_name="+"
    )
    msp = models.ForeignKey("msp.MSP", models.PROTECT, null=True, blank=True, related_name="+")
    delegated_authority = models.BooleanField("Has delegated authority to decide", default=False)
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_date = models.DateField("From")
    until_date = models.DateField("Until", null=True, blank=True)

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["group", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_authority__isnull=False, msp__isnull=True)
                | Q(local_authority__isnull=True, msp__isnull=False),
                name="group_member_represents_an_la_or_an_msp",
            ),
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(until_date__isnull=True),
                name="group_member_once_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(until_date__isnull=True) | Q(until_date__gte=F("from_date")),
                name="group_member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.local_authority or self.msp} on {self.group}"

    @property
    def represents(self) -> str:
        return str(self.local_authority or self.msp)

    def is_member_on(self, day: datetime.date) -> bool:
        return self.from_date <= day and (self.until_date is None or day < self.until_date)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """The meetings of the groups the person sees."""
        return self.filter(group__in=Group.objects.visible_to(user))


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """A meeting of a group: when, where (a place, an online link or both). Moving it keeps
    the reason and counts the change (`sequence`, as iCalendar invitations need); cancelling it
    keeps the reason."""

    group = models.ForeignKey(Group, models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("Online link", blank=True)
    state = models.CharField(max_length=12, choices=MeetingState, default=MeetingState.SCHEDULED)
    moved_reason = models.TextField(blank=True)  # why it last moved
    cancelled_reason = models.TextField(blank=True)
    sequence = models.PositiveIntegerField(default=0)  # changes since first sent
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["group", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(state__in=MeetingState.values), name="meeting_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}, {self.starts_at:%-d %B %Y}"

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def papers_due_on(self) -> datetime.date:
        """Papers go out this many clear days before (not counting the day they go out nor
        the meeting's day): a meeting on the 10th with 5 clear days has its papers by the 4th."""
        return self.day - datetime.timedelta(days=settings.GOVERNANCE_PAPERS_CLEAR_DAYS + 1)


class CalendarFeed(models.Model):
    """A person's calendar feed of their groups' meetings, at a secret address: made on
    request, replaced (the old address stops working) or turned off by them. It lists only
    titles, times and places."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    DEPUTY = "deputy", "Represented by their deputy"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


# Who counts towards the quorum: a deputy counts for the member.
COUNTS_FOR_QUORUM = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.DEPUTY})


class Attendance(models.Model):
    """Whether a member was at a meeting (in person or through their deputy)."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=12, choices=AttendanceStatus)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.person} at {self.meeting}: {self.status}"


class Decision(models.Model):
    """A decision of a group at a meeting, for its register."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    # The agenda item it was decided under, whose links are the decision's records; a decision
    # under a confidential item is never shared
    item = models.ForeignKey(
        "AgendaItem", models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField("Decision")
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting.group}: {self.text[:40]}"


class ActionState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class ActionQuerySet(models.QuerySet["Action"]):
    def visible_to(self, user: User) -> ActionQuerySet:
        """The actions of the groups the person sees, and their own wherever they are."""
        return self.filter(
            Q(meeting__group__in=Group.objects.visible_to(user))
            | Q(answer__review__in=GovernanceReview.objects.visible_to(user))
            | Q(owner=user)
        )

    def overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.filter(state=ActionState.OPEN, due_on__lt=today)


class Action(models.Model):
    """An action agreed at a meeting, or one a governance review's answer calls for: an owner
    (a portal user), a due date, open or done."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, null=True, blank=True, related_name="actions"
    )
    answer = models.ForeignKey(
        "ReviewAnswer", models.CASCADE, null=True, blank=True, related_name="actions"
    )
    text = models.TextField("Action")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    due_on = models.DateField("Due")
    state = models.CharField(max_length=8, choices=ActionState, default=ActionState.OPEN)
    done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ActionState.values), name="action_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, answer__isnull=True)
                | Q(meeting__isnull=True, answer__isnull=False),
                name="action_of_a_meeting_or_a_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text[:40]} ({self.owner})"


class AgendaItem(models.Model):
    """An item on a meeting's agenda, in order: a title, who presents it, its papers, and links
    to records the portal holds (each shown only to those who may open it). A confidential
    item is kept out of anything published or shared with the region's other groups."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    confidential = models.BooleanField(default=False)
    breach = models.ForeignKey(
        "breaches.Breach", models.PROTECT, null=True, blank=True, related_name="+"
    )
    cap_exception = models.ForeignKey(
        "cap_exceptions.CapException", models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier_review = models.ForeignKey(
        "msp.RelationshipReview", models.PROTECT, null=True, blank=True, related_name="+"
    )
    data_return = models.ForeignKey(
        "datasharing.DataReturn", models.PROTECT, null=True, blank=True, related_name="+"
    )
    minute = models.TextField("What was discussed", blank=True)  # the item's minute
    papers_reminded_on = models.DateField(null=True, blank=True)  # the presenter was reminded

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Paper(models.Model):
    """A paper for an agenda item, through the upload helper (kernel/uploads.py)."""

    item = models.ForeignKey(AgendaItem, models.CASCADE, related_name="papers")
    file = models.FileField(
        storage=private_storage, upload_to=upload_path("meeting-papers"), max_length=200
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "added_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Declaration(models.Model):
    """A declaration of interest in an agenda item, by someone at the meeting."""

    item = models.ForeignKey(AgendaItem, models.CASCADE, related_name="declarations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    interest = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest[:40]}"


class MinutesState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published to the region"


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def shared_with(self, user: User) -> MinutesQuerySet:
        """Published minutes of the groups of the regions where the person takes part in
        governance: runs it, is the DCS of one of its LAs, or sits on one of its groups (the
        London practice of sharing each meeting across the groups). Nothing leaves a region."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        running = access.capability_scope(Capability.RUN_GOVERNANCE)
        published = self.filter(state=MinutesState.PUBLISHED)
        if running.national:
            return published
        dcs_regions = {
            la.region_id for la in access.local_authorities(Capability.DECIDE_CAP_EXCEPTIONS)
        }
        sits = GroupMember.objects.seats_of(user).values("group__region_id")
        return published.filter(
            Q(meeting__group__region_id__in=sorted(running.region_ids | dcs_regions))
            | Q(meeting__group__region_id__in=sits)
        )


class Minutes(models.Model):
    """A meeting's minutes: each agenda item's minute (AgendaItem.minute) and its decisions,
    drafted by whoever records the meeting, approved by the chair at the group's next meeting,
    then published to the region (confidential items never)."""

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="minutes")
    state = models.CharField(max_length=10, choices=MinutesState, default=MinutesState.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at_meeting = models.ForeignKey(
        Meeting, models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=MinutesState.values), name="minutes_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=MinutesState.DRAFT) | Q(approved_at_meeting__isnull=False),
                name="minutes_approved_at_a_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class Pack(models.Model):
    """A meeting's pack as generated and circulated: frozen (its figures and the records it
    lists, as they stood), dated and numbered; the meeting shows the latest. Records are
    stored by kind and id and listed to a reader only where they may open them."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="packs")
    number = models.PositiveSmallIntegerField()
    since = models.DateField()  # the group's last meeting's day (or its start)
    generated_on = models.DateField()
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    content = models.JSONField()

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="pack_numbered_once"),
        ]

    def __str__(self) -> str:
        return f"Pack {self.number} for {self.meeting}"


# Communication channels (docs/adr/0021-governance-channels.md) ---------------------------------


class GroupMessage(models.Model):
    """A message to a group's members: emailed to each separately (replies go to the sender)
    and kept on the group's page for its members to read later."""

    group = models.ForeignKey(Group, models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    subject = models.CharField(max_length=150)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["group", "-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class MarketNoticeQuerySet(models.QuerySet["MarketNotice"]):
    def visible_to(self, user: User) -> MarketNoticeQuerySet:
        """Notices of the regions a person runs governance for; notices another region shared
        with every region's leads; and, for an MSP contact, the notices sent to them."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        running = access.capability_scope(Capability.RUN_GOVERNANCE)
        if running.national:
            return self
        mine = Q(region_id__in=sorted(running.region_ids))
        if running.region_ids:
            mine |= Q(shared=True)
        return self.filter(
            mine | Q(pk__in=NoticeRecipient.objects.filter(person=user).values("notice_id"))
        )


class MarketNotice(models.Model):
    """A regional lead's notice to every MSP serving the region (for example, agencies
    advertising roles at incorrect rates): each MSP contact acknowledges it. Shared with other
    regions' leads, it may be re-issued there (`reissue_of`)."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="market_notices")
    subject = models.CharField(max_length=150)
    body = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    shared = models.BooleanField("Shared with other regions' leads", default=False)
    reissue_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="reissues"
    )

    objects = MarketNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class NoticeRecipient(models.Model):
    """An MSP contact a notice went to, and whether (when) they acknowledged it."""

    notice = models.ForeignKey(MarketNotice, models.CASCADE, related_name="recipients")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    msp = models.ForeignKey("msp.MSP", models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["notice", "msp", "person"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="notice_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.msp}: {self.notice}"


class IssueState(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    ON_AGENDA = "on_agenda", "Added to a group's agenda"
    BREACH = "breach", "Turned into a breach"


class RaisedIssueQuerySet(models.QuerySet["RaisedIssue"]):
    def visible_to(self, user: User) -> RaisedIssueQuerySet:
        """Issues a person raised, and those of the regions where they run governance or are
        the single point of contact."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        running = access_for(user).capability_scope(Capability.RUN_GOVERNANCE)
        if running.national:
            return self
        return self.filter(
            Q(raised_by=user)
            | Q(region_id__in=sorted(running.region_ids))
            | Q(region__escalation_contact__person=user)
        )


class RaisedIssue(models.Model):
    """An issue a party to the MOU (an LA's person or an MSP contact) raises outside meetings:
    it goes to the region's single point of contact, who answers it, adds it to a group's
    agenda or turns it into a breach. Each step is kept (`IssueStep`) and shown to the person
    who raised it."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="raised_issues")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, null=True, blank=True, related_name="+"
    )
    msp = models.ForeignKey("msp.MSP", models.PROTECT, null=True, blank=True, related_name="+")
    subject = models.CharField(max_length=150)
    description = models.TextField()
    state = models.CharField(max_length=12, choices=IssueState, default=IssueState.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    breach = models.ForeignKey(
        "breaches.Breach", models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RaisedIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=IssueState.values), name="raised_issue_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def raised_for(self) -> str:
        return str(self.local_authority or self.msp or "")


class IssueStep(models.Model):
    """What happened to a raised issue, in order: raised, answered, added to an agenda,
    turned into a breach."""

    issue = models.ForeignKey(RaisedIssue, models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=IssueState)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issue", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.issue}: {self.get_kind_display()}"


# The yearly governance review ------------------------------------------------------------------


class Principle(models.TextChoices):
    ACCOUNTABILITY = "accountability", "Accountability"
    TRANSPARENCY = "transparency", "Transparency"
    COMMITMENT = "commitment", "Commitment"
    RELATIONSHIPS = "relationships", "Relationships"


class Rating(models.IntegerChoices):
    NOT_IN_PLACE = 1, "Not in place"
    PARTLY = 2, "Partly in place"
    IN_PLACE = 3, "In place"
    WORKING_WELL = 4, "In place and working well"


# A rating below this falls short: the answer needs an action with an owner.
RATING_NEEDING_ACTION = Rating.IN_PLACE


class ReviewQuerySet(models.QuerySet["GovernanceReview"]):
    def visible_to(self, user: User) -> ReviewQuerySet:
        """The reviews of the regions a person runs governance for, and for a DCS their
        region's (they sit at its table)."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        running = access.capability_scope(Capability.RUN_GOVERNANCE)
        if running.national:
            return self
        dcs_regions = {
            la.region_id for la in access.local_authorities(Capability.DECIDE_CAP_EXCEPTIONS)
        }
        return self.filter(region_id__in=sorted(running.region_ids | dcs_regions))


class GovernanceReview(models.Model):
    """A region's yearly review of its governance against the four principles, question by
    question (governance/review.py holds the questions)."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="governance_reviews")
    year = models.PositiveSmallIntegerField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    started_on = models.DateField(default=timezone.localdate)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="review_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.region} governance review {self.year}"


class ReviewAnswer(models.Model):
    """An answer to one of the review's questions: a rating and the evidence."""

    review = models.ForeignKey(GovernanceReview, models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)  # a key of governance.review.QUESTIONS
    rating = models.PositiveSmallIntegerField(choices=Rating)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="review_answer_once"),
            models.CheckConstraint(
                condition=Q(rating__in=Rating.values), name="review_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.question}"
