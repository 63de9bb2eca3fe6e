from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.scope import suppliers
from governance.agenda import LINK_KINDS, PAPER_KINDS
from governance.models import AgendaItem, AttendanceStatus, Group, GroupKind, Meeting, Rating
from kernel.forms import GovukDateField, GovukForm, GovukModelForm, choice_field, model_choice_field
from kernel.uploads import UploadField
from mou.models import LocalAuthority, Region
from msp.models import MSP, RelationshipReview


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.email})"


class GroupForm(GovukModelForm):
    starts_on = GovukDateField(label="From", help_text="For example, 1 4 2026")
    ends_on = GovukDateField(label="Until (optional)", required=False)
    chair = PersonChoiceField(
        queryset=User.objects.none(), required=False, empty_label="No chair yet"
    )

    class Meta:
        model = Group
        fields = [
            "name",
            "kind",
            "local_authorities",
            "chair",
            "reports_to",
            "purpose",
            "may_decide",
            "quorum",
            "meets",
            "starts_on",
            "ends_on",
        ]
        labels = {
            "name": "Name",
            "kind": "Kind of group",
            "local_authorities": "Local authorities it covers",
            "reports_to": "Reports to",
            "quorum": "Quorum (optional)",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "local_authorities": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "may_decide": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter the group's name"},
            "purpose": {"required": "Enter the group's purpose"},
            "kind": {"required": "Select the kind of group"},
        }

    def __init__(self, *args, region: Region, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = GroupKind.choices
        model_choice_field(self, "local_authorities").queryset = region.local_authorities.order_by(
            "name"
        )
        model_choice_field(self, "chair").queryset = (
            User.objects.filter(is_active=True, memberships__local_authority__region=region)
            .distinct()
            .order_by("name")
        )
        reports_to = model_choice_field(self, "reports_to")
        reports_to.queryset = Group.objects.filter(region=region).exclude(pk=self.instance.pk)
        reports_to.empty_label = "No group: it reports to no one in the portal"

    def group_fields(self) -> dict[str, object]:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "local_authorities"
        }


class MemberForm(GovukForm):
    person = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who sits on the group",
        help_text="People with a role at a local authority the group covers",
        empty_label="Someone new (below)",
    )
    new_name = forms.CharField(
        label="Or someone new: their full name", required=False, max_length=150
    )
    new_email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="They get the group member role, which opens only their groups, and an email "
        "to set a password",
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.none(),
        required=False,
        label="The local authority they represent",
        empty_label="Choose a local authority",
    )
    msp = forms.ModelChoiceField(
        queryset=MSP.objects.none(),
        required=False,
        label="Or the MSP they represent (an MSP and agency forum only)",
        empty_label="None",
    )
    delegated_authority = forms.BooleanField(
        required=False, label="They have delegated authority to decide (they are not its DCS)"
    )
    deputy = PersonChoiceField(
        queryset=User.objects.none(), required=False, label="Deputy (optional)", empty_label="None"
    )
    from_date = GovukDateField(label="From", help_text="For example, 1 4 2026")

    def __init__(self, *args, group: Group, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        las = group.local_authorities.order_by("name")
        model_choice_field(self, "local_authority").queryset = las
        serving = suppliers.operating_in([group.region_id])
        people = (
            User.objects.filter(is_active=True, memberships__local_authority__in=las)
            | User.objects.filter(is_active=True, memberships__msp__in=serving)
            if group.kind == GroupKind.SUPPLIER_FORUM
            else User.objects.filter(is_active=True, memberships__local_authority__in=las)
        )
        people = people.distinct().order_by("name")
        model_choice_field(self, "person").queryset = people
        model_choice_field(self, "deputy").queryset = people
        if group.kind == GroupKind.SUPPLIER_FORUM:
            model_choice_field(self, "msp").queryset = serving.order_by("name")
        else:
            del self.fields["msp"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("local_authority") and not cleaned.get("msp"):
            self.add_error("local_authority", "Choose the local authority they represent")
        new = cleaned.get("new_name") or cleaned.get("new_email")
        if cleaned.get("person") and new:
            self.add_error("person", "Choose someone from the list or enter someone new, not both")
        elif not cleaned.get("person") and not new and "new_email" not in self.errors:
            self.add_error("person", "Choose who sits on the group, or enter someone new")
        elif new and not cleaned.get("new_email") and "new_email" not in self.errors:
            self.add_error("new_email", "Enter the new member's email address")
        elif new and not cleaned.get("new_name"):
            self.add_error("new_name", "Enter the new member's full name")
        return cleaned


class MemberEndForm(GovukForm):
    until_date = GovukDateField(label="The day they leave", help_text="For example, 31 3 2027")


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={
            "required": f"Enter the time it {label.split()[-1].lower()}",
            "invalid": "Enter a time like 14:30",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )


class MeetingForm(GovukForm):
    """When and where a group meets (times in UK time)."""

    day = GovukDateField(label="Date", help_text="For example, 14 1 2027")
    starts = _time_field("Time it starts")
    ends = _time_field("Time it ends")
    place = forms.CharField(label="Place (optional if online)", required=False, max_length=200)
    online_link = forms.URLField(
        label="Online link (optional)",
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter the link as a web address, like https://meet.example.org/x"
        },
    )

    def __init__(self, *args, meeting=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if meeting is not None:
            start = timezone.localtime(meeting.starts_at)
            self.fields["day"].initial = start.date()
            self.fields["starts"].initial = start.strftime("%H:%M")
            self.fields["ends"].initial = timezone.localtime(meeting.ends_at).strftime("%H:%M")
            self.fields["place"].initial = meeting.place
            self.fields["online_link"].initial = meeting.online_link

    def when(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        return (
            timezone.make_aware(datetime.datetime.combine(data["day"], data["starts"])),
            timezone.make_aware(datetime.datetime.combine(data["day"], data["ends"])),
        )


class MoveForm(MeetingForm):
    reason = forms.CharField(
        label="Why it moves",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why the meeting moves"},
    )


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why it is cancelled",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why the meeting is cancelled"},
    )


class AttendanceForm(GovukForm):
    """A radio question per member of the group on the meeting's day."""

    def __init__(self, *args, members, recorded: dict[int, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            choices = [
                (value, label)
                for value, label in AttendanceStatus.choices
                if value != AttendanceStatus.DEPUTY or member.deputy_id
            ]
            deputy = f" (deputy: {member.deputy})" if member.deputy_id else ""
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.person}, for {member.represents}{deputy}",
                choices=choices,
                widget=forms.RadioSelect,
                initial=recorded.get(member.pk),
                error_messages={"required": f"Choose whether {member.person} was there"},
            )

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"member_{m.pk}"] for m in self.members}


class DecisionForm(GovukForm):
    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the decision"},
    )
    item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        required=False,
        label="Agenda item (optional)",
        help_text="Its linked records are the decision's; a decision under a confidential item "
        "is never shared",
        empty_label="None",
    )

    def __init__(self, *args, meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "item").queryset = meeting.items.order_by("position", "pk")


class ActionForm(GovukForm):
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action"},
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        label="Owner",
        error_messages={"required": "Choose who owns the action"},
    )
    due_on = GovukDateField(label="Due", help_text="For example, 30 1 2027")

    def __init__(self, *args, owners: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = User.objects.filter(
            pk__in=[o.pk for o in owners]
        ).order_by("name")


class ItemForm(GovukForm):
    """An agenda item: its title, presenter, whether it is confidential, and the records it is
    about (by reference; a reference is found only among records the person may open)."""

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the item's title"}
    )
    presenter = PersonChoiceField(
        queryset=User.objects.none(), required=False, label="Presenter", empty_label="None"
    )
    confidential = forms.BooleanField(
        required=False,
        label="Confidential: kept out of the published minutes and of what other groups see",
    )
    breach = forms.CharField(
        required=False, label="Breach reference (optional)", help_text="For example, LDN-2026-0001"
    )
    cap_exception = forms.CharField(
        required=False, label="Cap exception reference (optional)", max_length=20
    )
    data_return = forms.CharField(
        required=False,
        label="Data return reference (optional)",
        help_text="For example, LDN-2026-Q3-202",
        max_length=30,
    )
    supplier_review = forms.ModelChoiceField(
        queryset=RelationshipReview.objects.none(),
        required=False,
        label="Supplier review (optional)",
        empty_label="None",
    )

    def __init__(self, *args, meeting, presenters: list[User], actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meeting, self.actor = meeting, actor
        self.kinds = {kind.field: kind for kind in LINK_KINDS}
        model_choice_field(self, "presenter").queryset = User.objects.filter(
            pk__in=[p.pk for p in presenters]
        ).order_by("name")
        reviews = self.kinds["supplier_review"].in_region(meeting.group.region_id)
        # The last three years' reviews (not sliced: a choice is checked against the queryset)
        since = timezone.localdate() - datetime.timedelta(days=3 * 366)
        model_choice_field(self, "supplier_review").queryset = (
            reviews.filter(pk__in=reviews.model.objects.visible_to(actor).values("pk"))
            .filter(held_on__gte=since)
            .select_related("msp", "agency")
            .order_by("-held_on", "-pk")
        )

    def _record(self, field: str):
        reference = self.cleaned_data.get(field, "").strip()
        if not reference:
            return None
        kind = self.kinds[field]
        record = (
            kind.in_region(self.meeting.group.region_id)
            .filter(pk__in=kind.model.objects.visible_to(self.actor).values("pk"))
            .filter(reference__iexact=reference)
            .first()
        )
        if record is None:
            raise forms.ValidationError(
                f"No {kind.label.lower()} of {self.meeting.group.region.name} you can open has "
                "this reference"
            )
        return record

    def clean_breach(self):
        return self._record("breach")

    def clean_cap_exception(self):
        return self._record("cap_exception")

    def clean_data_return(self):
        return self._record("data_return")

    def links(self) -> dict[str, object]:
        return {field: self.cleaned_data.get(field) for field in self.kinds}


class PaperForm(GovukForm):
    file = UploadField(
        kinds=PAPER_KINDS,
        label="Add a paper",
        error_messages={"required": "Choose a file"},
    )


class DeclarationForm(GovukForm):
    person = PersonChoiceField(
        queryset=User.objects.none(),
        label="Who declares it",
        error_messages={"required": "Choose who declares the interest"},
    )
    interest = forms.CharField(
        label="The interest",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the interest declared"},
    )

    def __init__(self, *args, people: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = User.objects.filter(
            pk__in=[p.pk for p in people]
        ).order_by("name")


class MinuteForm(GovukForm):
    minute = forms.CharField(
        label="What was discussed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MessageForm(GovukForm):
    subject = forms.CharField(
        label="Subject", max_length=150, error_messages={"required": "Enter a subject"}
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the message"},
    )


class NoticeForm(MessageForm):
    shared = forms.BooleanField(
        required=False,
        label="Share it with the other regions' leads, who may re-issue it",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Notice"
        self.fields["body"].error_messages["required"] = "Enter the notice"


class IssueForm(GovukForm):
    party = forms.ChoiceField(
        label="Who you raise it for", error_messages={"required": "Choose whom you raise it for"}
    )
    subject = forms.CharField(
        label="Subject", max_length=150, error_messages={"required": "Enter a subject"}
    )
    description = forms.CharField(
        label="The issue",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe the issue"},
    )

    def __init__(self, *args, parties, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parties = {
            f"{region.pk}-{la.pk if la else ''}-{msp.pk if msp else ''}": (region, la, msp)
            for region, la, msp in parties
        }
        choices = [
            (key, f"{la or msp}, {region.name}") for key, (region, la, msp) in self.parties.items()
        ]
        choice_field(self, "party").choices = choices
        if len(self.parties) > 1:
            self.fields["party"].widget = forms.RadioSelect(choices=choices)

    def chosen(self):
        return self.parties[self.cleaned_data["party"]]


class IssueAnswerForm(GovukForm):
    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the answer"},
    )


class IssueAgendaForm(GovukForm):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="The meeting",
        empty_label="Choose a meeting",
        error_messages={"required": "Choose a meeting"},
    )

    def __init__(self, *args, meetings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "meeting").queryset = meetings


class ReviewStartForm(GovukForm):
    year = forms.IntegerField(
        label="Year reviewed",
        min_value=2024,
        max_value=2100,
        error_messages={"required": "Enter the year", "min_value": "Enter a year from 2024"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )


class ReviewAnswerForm(GovukForm):
    rating = forms.TypedChoiceField(
        label="Rating",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    evidence = forms.CharField(
        label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    action_text = forms.CharField(
        label="Action (needed when it falls short)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(), required=False, label="Action owner", empty_label="None"
    )
    due_on = GovukDateField(label="Action due", required=False)

    def __init__(self, *args, people: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "rating").choices = Rating.choices
        model_choice_field(self, "owner").queryset = User.objects.filter(
            pk__in=[p.pk for p in people]
        ).order_by("name")
