from __future__ import annotations

from django import forms

from breaches.models import BreachParty, BreachType, Outcome, OutcomeAction
from breaches.workflow import Action
from kernel.forms import GovukDateField, GovukForm, choice_field, model_choice_field
from kernel.uploads import UploadField
from mou.models import EngagementType, JobType, LocalAuthority, MOURule
from msp.forms import AgencyChooserField, MSPChooserField
from msp.models import MSP, Agency

EVIDENCE_KINDS = ["pdf", "png", "jpeg", "docx", "xlsx", "csv"]


class LogBreachForm(GovukForm):
    occurred_on = GovukDateField(label="Date it happened", help_text="For example, 27 3 2026")
    breach_type = forms.ChoiceField(
        label="Type of breach",
        choices=[("", "Choose a type"), *BreachType.choices],
        error_messages={"required": "Choose the type of breach"},
    )
    rule = forms.ModelChoiceField(
        queryset=MOURule.objects.none(),
        label="Rule breached",
        help_text="From the version of the MOU in force on the date it happened",
        error_messages={
            "required": "Choose the rule breached",
            "invalid_choice": "Choose one of the rules listed",
        },
    )
    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.none(),
        required=False,
        label="Local authority concerned",
        empty_label="None",
    )
    agency = AgencyChooserField(required=False, label="Agency concerned (optional)")
    msp = MSPChooserField(required=False, label="MSP concerned (optional)")
    description = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what happened"},
    )
    worker_reference = forms.CharField(
        label="Worker reference (optional)",
        required=False,
        max_length=40,
        help_text="A pseudonymous reference at most, like an assignment number. Do not enter a worker's name.",
    )
    rate_paid = forms.DecimalField(
        label="Hourly rate paid (£)",
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=0.01,
        help_text="Only for a rate above the cap",
        error_messages={
            "invalid": "Enter the rate as a number, like 45.50",
            "min_value": "The rate must be more than £0",
        },
    )
    job_type = forms.ChoiceField(
        label="Job type", required=False, choices=[("", "Not a rate breach"), *JobType.choices]
    )
    engagement_type = forms.ChoiceField(
        label="Engagement type",
        required=False,
        choices=[("", "Not a rate breach"), *EngagementType.choices],
    )
    evidence = UploadField(kinds=EVIDENCE_KINDS, required=False, label="Evidence (optional)")
    log_anyway = forms.BooleanField(
        required=False, label="Log it anyway: the exception does not cover this breach"
    )

    def __init__(self, *args, regions, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "agency").queryset = Agency.objects.visible_to(user)
        model_choice_field(self, "msp").queryset = MSP.objects.visible_to(user)
        rules = (
            MOURule.objects.filter(
                version__mou__region__in=regions, version__status__in=["active", "superseded"]
            )
            .select_related("version__mou__region")
            .order_by("version__mou__region__name", "-version__effective_from", "order")
        )
        model_choice_field(self, "rule").queryset = rules
        grouped: dict[str, list] = {}
        for rule in rules:
            label = f"{rule.version.mou.region.name} MOU {rule.version.label}"
            text = (
                rule.get_kind_display()
                if rule.kind != "regional"
                else f"Regional: {rule.wording[:60]}"
            )
            grouped.setdefault(label, []).append((rule.pk, text))
        choice_field(self, "rule").choices = [("", "Choose the rule"), *grouped.items()]
        las = (
            LocalAuthority.objects.filter(region__in=regions)
            .select_related("region")
            .order_by("region__name", "name")
        )
        model_choice_field(self, "local_authority").queryset = las
        by_region: dict[str, list] = {}
        for la in las:
            by_region.setdefault(la.region.name, []).append((la.pk, la.name))
        choice_field(self, "local_authority").choices = [("", "None"), *by_region.items()]
        self.fields["rate_paid"].widget.attrs.update(
            {"class": "govuk-input--width-5", "inputmode": "decimal"}
        )
        self.fields["worker_reference"].widget.attrs["autocomplete"] = "off"


class CommentForm(GovukForm):
    text = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a comment"},
    )


class EvidenceForm(GovukForm):
    file = UploadField(
        kinds=EVIDENCE_KINDS, label="Add evidence", error_messages={"required": "Choose a file"}
    )


class ActionForm(GovukForm):
    """One form for every workflow action: its row in the workflow's table says which fields it
    takes (`form_fields`), whether the note is required and what the note is called."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    party: forms.ModelChoiceField[BreachParty] = forms.ModelChoiceField(
        queryset=None, label="Who should reply", empty_label=None, required=False
    )
    reply_due_on = GovukDateField(
        label="Reply by", required=False, help_text="Leave empty for 10 working days from today"
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect, required=False
    )
    outcome_actions = forms.MultipleChoiceField(
        label="Actions taken",
        choices=OutcomeAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    ACTION_FIELDS = ("party", "reply_due_on", "outcome", "outcome_actions")

    def __init__(self, *args, action: Action, breach, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        model_choice_field(self, "party").queryset = breach.parties.select_related(
            "local_authority", "agency", "msp"
        )
        for name in self.ACTION_FIELDS:
            if name not in action.form_fields:
                del self.fields[name]
        if "outcome" in self.fields:
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = "Select the outcome"
        self.fields["note"].label = action.note_label
        if action.needs_note:
            self.fields["note"].required = True
            self.fields["note"].error_messages["required"] = action.note_required

    def action_fields(self) -> dict:
        """The cleaned values of the action's own fields, for `breach_act`."""
        return {name: self.cleaned_data.get(name) for name in self.action.form_fields}
