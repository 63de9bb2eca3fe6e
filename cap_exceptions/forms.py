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
    # Asked only when the whole period has already ended (the service says so); shown on the record.
    recorded_late_reason = forms.CharField(
        label="Why it is recorded after the fact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The whole period has already ended. Say why the exception is recorded now.",
    )

    def __init__(self, *args, local_authorities, user, renewing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if renewing:  # the same engagement, from the day after the current exception expires
            for name in RENEWAL_FIXED:
                del self.fields[name]
        else:
            model_choice_field(self, "local_authority").queryset = local_authorities
            model_choice_field(self, "agency").queryset = Agency.objects.visible_to(user)
            if local_authorities.count() == 1:
                self.fields["local_authority"].widget = forms.HiddenInput()
                self.fields["local_authority"].initial = local_authorities.first().pk
        model_choice_field(self, "msp").queryset = MSP.objects.visible_to(user)
        self.fields["rate"].widget.attrs.update(
            {"class": "govuk-input--width-5", "inputmode": "decimal"}
        )
        self.fields["engagement_reference"].widget.attrs.update(
            {"class": "govuk-input--width-20", "autocomplete": "off"}
        )

    @property
    def asks_late_reason(self) -> bool:
        """Whether to show the after-the-fact question: once asked for, or once answered."""
        field = self["recorded_late_reason"]
        return bool(field.errors or field.value())


# What a renewal keeps from the exception it renews.
RENEWAL_FIXED = ("local_authority", "job_type", "engagement_type", "agency", "starts_on")


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
    ended_on = GovukDateField(
        label="Last day it covers",
        help_text="The last day the engagement is paid at this rate. A day still ahead ends the "
        "exception on that day; until then it stays approved.",
    )
    reason = forms.CharField(
        label="Why it ended early",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the exception ended early"},
    )


class WithdrawForm(GovukForm):
    """Nothing to ask: the button confirms."""
