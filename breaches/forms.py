from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.text import Truncator

from breaches.models import BreachParty, BreachType, Outcome, OutcomeAction
from breaches.services import NewBreach
from breaches.workflow import Action
from kernel.forms import GovukDateField, GovukForm, choice_field, model_choice_field
from kernel.uploads import UploadField
from mou.models import (
    EngagementType,
    JobType,
    LocalAuthority,
    MOURule,
    Region,
    RuleKind,
    VersionStatus,
)
from msp.forms import AgencyChooserField, MSPChooserField
from msp.models import MSP, Agency

EVIDENCE_KINDS = ["pdf", "png", "jpeg", "docx", "xlsx", "csv"]


class LogBreachForm(GovukForm):
    field_order = ["region", "occurred_on", "breach_type", "rule"]

    occurred_on = GovukDateField(label="Date it happened", help_text="For example, 27 3 2026")
    breach_type = forms.ChoiceField(
        label="Type of breach",
        choices=[("", "Choose a type"), *BreachType.choices],
        error_messages={"required": "Choose the type of breach"},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label="Region",
        help_text="The region whose MOU was breached",
        error_messages={
            "required": "Select the region",
            "invalid_choice": "Select one of the regions listed",
        },
    )
    rule = forms.ModelChoiceField(
        queryset=MOURule.objects.none(),
        required=False,
        label="Rule breached (for other breaches)",
        help_text="The type of breach decides the rule, except for other breaches. These are the "
        "rules of the MOU in force on the date it happened.",
        error_messages={"invalid_choice": "Choose one of the rules listed"},
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
    # Shown once the portal finds an approved cap exception that matches (breach_log says).
    not_covered_by_exception = forms.BooleanField(
        required=False, label="Log it anyway: the exception does not cover this breach"
    )

    def __init__(self, *args, regions, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "agency").queryset = Agency.objects.visible_to(user)
        model_choice_field(self, "msp").queryset = MSP.objects.visible_to(user)
        regions = list(regions)
        # Asked only of people who log in more than one region.
        self.only_region = regions[0] if len(regions) == 1 else None
        if self.only_region is not None:
            del self.fields["region"]
        else:
            model_choice_field(self, "region").queryset = Region.objects.filter(
                pk__in=[r.pk for r in regions]
            )
        rules = (
            MOURule.objects.filter(
                version__mou__region__in=regions, version__status=VersionStatus.PUBLISHED
            )
            .select_related("version__mou__region")
            .order_by("version__mou__region__name", "order", "pk")
        )
        model_choice_field(self, "rule").queryset = rules
        # Offered: the rules of the version in force on the date given (today until one is).
        on = self._date_given() or timezone.localdate()
        offered = [rule for rule in rules if rule.version.is_in_force_on(on)]
        choice_field(self, "rule").choices = [("", "Not an other breach"), *_rule_choices(offered)]
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

    def _date_given(self) -> datetime.date | None:
        """The date it happened as posted, when it is a valid date."""
        if not self.is_bound:
            return None
        field = self.fields["occurred_on"]
        try:
            return field.clean(
                field.widget.value_from_datadict(self.data, self.files, "occurred_on")
            )
        except forms.ValidationError:
            return None

    def clean(self):
        cleaned = super().clean()
        if self.only_region is not None:
            cleaned["region"] = self.only_region
        if cleaned.get("breach_type") == BreachType.OTHER and not cleaned.get("rule"):
            self.add_error("rule", "Choose the rule breached")
        return cleaned

    def new_breach(self) -> NewBreach:
        """What the valid form logs (`services.breach_log`)."""
        data = self.cleaned_data
        return NewBreach(
            region=data["region"],
            rule=data["rule"] if data["breach_type"] == BreachType.OTHER else None,
            breach_type=data["breach_type"],
            occurred_on=data["occurred_on"],
            description=data["description"],
            worker_reference=data["worker_reference"],
            local_authorities=[data["local_authority"]] if data["local_authority"] else [],
            agencies=[data["agency"]] if data["agency"] else [],
            msps=[data["msp"]] if data["msp"] else [],
            rate_paid=data["rate_paid"],
            job_type=data["job_type"],
            engagement_type=data["engagement_type"],
            not_covered_by_exception=data["not_covered_by_exception"],
        )


def _rule_choices(rules: list[MOURule]) -> list:
    """Each rule by its kind, a regional rule by its wording; grouped by region for a person who
    logs in more than one."""
    by_region: dict[str, list[tuple[int, str]]] = {}
    for rule in rules:
        text = (
            rule.get_kind_display()
            if rule.kind != RuleKind.REGIONAL
            else f"Regional: {Truncator(rule.wording).chars(80)}"
        )
        by_region.setdefault(rule.version.mou.region.name, []).append((rule.pk, text))
    if len(by_region) == 1:
        return next(iter(by_region.values()))
    return list(by_region.items())


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
