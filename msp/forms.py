from __future__ import annotations

from django import forms

from kernel.forms import ChooserField, GovukDateField, GovukForm, GovukModelForm, model_choice_field
from mou.models import Region
from msp.models import (
    MSP,
    Agency,
    ChainMembership,
    MSPContract,
    RelationshipReview,
    ReviewAction,
    StandingStatus,
    normalise_company_number,
    validate_company_number,
)

COMPANY_NUMBER_HELP = "8 characters, like 01234567 or SC123456"
CHOOSER_HELP = "Start typing the name, or enter the Companies House number"


class AgencyChooserField(ChooserField):
    """An agency typed by name or Companies House number, with suggestions from
    msp:agency_choices (the agencies the person sees). Forms narrow `queryset` to the person's
    scope."""

    def __init__(self, *, queryset=Agency.objects.all, **kwargs) -> None:
        kwargs.setdefault("help_text", CHOOSER_HELP)
        super().__init__(
            queryset=queryset,
            source="msp:agency_choices",
            noun="agency",
            nouns="agencies",
            **kwargs,
        )


class MSPChooserField(ChooserField):
    """An MSP typed by name or Companies House number, with suggestions from msp:msp_choices."""

    def __init__(self, *, queryset=MSP.objects.all, **kwargs) -> None:
        kwargs.setdefault("help_text", CHOOSER_HELP)
        super().__init__(
            queryset=queryset,
            source="msp:msp_choices",
            noun="MSP",
            **kwargs,
        )


class CompanyNumberMixin:
    def clean_company_number(self):
        value = normalise_company_number(self.cleaned_data.get("company_number") or "")
        if value:
            validate_company_number(value)
            model = self._meta.model
            other = model.objects.filter(company_number=value).exclude(pk=self.instance.pk).first()
            if other is not None:
                raise forms.ValidationError(
                    f"{other.name} already has Companies House number {value}"
                )
        return value or None


class MSPForm(CompanyNumberMixin, GovukModelForm):
    class Meta:
        model = MSP
        fields = ["name", "company_number", "kind", "framework", "contacts"]
        widgets = {"kind": forms.RadioSelect, "contacts": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"company_number": COMPANY_NUMBER_HELP}
        error_messages = {"name": {"required": "Enter the MSP's name"}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company_number"].required = True
        self.fields["company_number"].error_messages["required"] = (
            "Enter the Companies House number"
        )


class AgencyForm(CompanyNumberMixin, GovukModelForm):
    class Meta:
        model = Agency
        fields = ["name", "company_number", "contacts"]
        widgets = {"contacts": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"company_number": COMPANY_NUMBER_HELP}
        error_messages = {
            "name": {"required": "Enter the agency's name"},
            "company_number": {"required": "Enter the Companies House number"},
        }


class ContractForm(GovukModelForm):
    starts_on = GovukDateField(label="Start date")
    ends_on = GovukDateField(
        label="End date", required=False, help_text="Leave empty while open-ended"
    )

    class Meta:
        model = MSPContract
        fields = ["local_authority", "starts_on", "ends_on", "value_band"]
        labels = {"local_authority": "Local authority", "value_band": "Value band (optional)"}

    def __init__(self, *args, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "local_authority")
        field.queryset = local_authorities
        field.error_messages["invalid_choice"] = "Choose a local authority in a region you manage"
        grouped: dict[str, list] = {}
        for la in local_authorities:
            grouped.setdefault(la.region.name, []).append((la.pk, la.name))
        field.choices = [("", "Choose a local authority"), *grouped.items()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end date must be after the start date")
        return cleaned


class ChainMembershipForm(GovukModelForm):
    agency = AgencyChooserField(label="Agency")
    from_date = GovukDateField(label="In the chain from")
    to_date = GovukDateField(
        label="Until", required=False, help_text="Leave empty while it continues"
    )

    class Meta:
        model = ChainMembership
        fields = ["agency", "tier", "from_date", "to_date"]
        widgets = {"tier": forms.RadioSelect}
        labels = {"tier": "Tier"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The end date must be after the start date")
        return cleaned


class StandingForm(GovukForm):
    status = forms.ChoiceField(
        label="Standing in the region", choices=StandingStatus.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the decision"},
    )
    decided_on = GovukDateField(label="Date decided")
    breach_reference = forms.CharField(
        label="Breach that led to it (optional)",
        required=False,
        max_length=20,
        help_text="Its reference, like LDN-2026-0042",
    )


class ReviewForm(GovukModelForm):
    held_on = GovukDateField(label="Date of the meeting or review")

    class Meta:
        model = RelationshipReview
        fields = [
            "region",
            "local_authority",
            "held_on",
            "attendees",
            "effectiveness",
            "effectiveness_note",
            "deliverables_reviewed",
            "feedback",
        ]
        widgets = {
            "effectiveness": forms.RadioSelect,
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "effectiveness_note": forms.Textarea(attrs={"rows": 3}),
            "deliverables_reviewed": forms.Textarea(attrs={"rows": 3}),
            "feedback": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"local_authority": "Local authority (optional)"}
        error_messages = {
            "attendees": {"required": "Enter who attended"},
            "effectiveness": {"required": "Select how effective the relationship is"},
        }

    field_order = [
        "region",
        "local_authority",
        "held_on",
        "attendees",
        "effectiveness",
        "effectiveness_note",
        "deliverables_reviewed",
        "feedback",
    ]

    def __init__(self, *args, regions, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "region").queryset = regions
        model_choice_field(self, "region").empty_label = (
            None if regions.count() == 1 else "Choose a region"
        )
        self.fields["region"].error_messages["invalid_choice"] = "Choose a region you manage"
        model_choice_field(self, "local_authority").queryset = local_authorities
        model_choice_field(self, "local_authority").empty_label = "The whole region"


class ReviewActionForm(GovukModelForm):
    due_on = GovukDateField(label="Due")

    class Meta:
        model = ReviewAction
        fields = ["description", "owner_person", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"description": {"required": "Enter the action"}}

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = model_choice_field(self, "owner_person")
        owner.queryset = people.order_by("name")
        owner.required = True
        owner.empty_label = "Choose who will do it"
        owner.help_text = "Someone with a role in the region: the action is on their home page"
        owner.error_messages["required"] = "Choose who will do it"


class EscalationContactForm(GovukForm):
    person = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label="Single point of contact",
        empty_label="Choose a person",
        error_messages={"required": "Choose a person"},
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = people
