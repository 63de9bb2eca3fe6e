from __future__ import annotations

from django import forms

from kernel.forms import GovukDateField, GovukForm, model_choice_field
from mou.models import EngagementType, JobType, LocalAuthority
from msp.forms import AgencyChooserField, MSPChooserField
from msp.models import MSP, Agency


class RequestForm(GovukForm):
    local_authority: forms.ModelChoiceField[LocalAuthority] = forms.ModelChoiceField(
        queryset=None, label="Local authority", empty_label=None
    )
    job_type = forms.ChoiceField(
        label="Job type", choices=JobType.choices, widget=forms.RadioSelect
    )
    engagement_type = forms.ChoiceField(
        label="Engagement type", choices=EngagementType.choices, widget=forms.RadioSelect
    )
    agency = AgencyChooserField(label="Agency", error_messages={"required": "Enter the agency"})
    msp = MSPChooserField(label="MSP (if the engagement is through one)", required=False)
    engagement_reference = forms.CharField(
        label="Engagement reference",
        max_length=40,
        help_text="Your own reference, like a booking or purchase order number. Never the worker's name.",
        error_messages={"required": "Enter your reference for the engagement"},
    )
    rate = forms.DecimalField(
        label="Hourly rate agreed (£)",
        max_digits=6,
        decimal_places=2,
        min_value=0.01,
        error_messages={
            "required": "Enter the hourly rate agreed",
            "invalid": "Enter the rate as a number, like 45.50",
            "min_value": "The rate must be more than £0",
            "max_decimal_places": "Enter the rate in pounds and pence, like 45.50",
        },
    )
    reason = forms.CharField(
        label="Why this rate is needed",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why this rate is needed"},
    )
    starts_on = GovukDateField(label="Start date")
    expires_on = GovukDateField(
        label="Expiry date",
        help_text="Exceptions are time-limited: the region's MOU sets the longest",
    )
    exit_plan = forms.CharField(
        label="Exit plan",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the engagement will come back within the cap by the expiry date",
        error_messages={"required": "Enter the exit plan"},
    )

    def __init__(self, *args, local_authorities, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "local_authority").queryset = local_authorities
        model_choice_field(self, "agency").queryset = Agency.objects.visible_to(user)
        model_choice_field(self, "msp").queryset = MSP.objects.visible_to(user)
        self.fields["rate"].widget.attrs.update(
            {"class": "govuk-input--width-5", "inputmode": "decimal"}
        )
        self.fields["engagement_reference"].widget.attrs.update(
            {"class": "govuk-input--width-20", "autocomplete": "off"}
        )
        if local_authorities.count() == 1:
            self.fields["local_authority"].widget = forms.HiddenInput()
            self.fields["local_authority"].initial = local_authorities.first().pk


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve the exception"), ("refuse", "Refuse the exception")],
        error_messages={"required": "Select approve or refuse"},
    )
    note = forms.CharField(
        label="Reason or note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you refuse",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Enter why the exception is refused")
        return cleaned


class EndEarlyForm(GovukForm):
    ended_on = GovukDateField(label="Date it ended")
    reason = forms.CharField(
        label="Why it ended early",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the exception ended early"},
    )
