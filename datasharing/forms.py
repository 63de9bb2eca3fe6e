from __future__ import annotations

from decimal import Decimal

from django import forms

from datasharing.models import (
    FTE_FIELDS,
    LINE_FIELDS,
    LINE_LABELS,
    Compliance,
    Revision,
    SharingAgreement,
)
from datasharing.national_return import Layout
from datasharing.services import RateFigures, statement_answers, statement_problems
from kernel.forms import (
    GovukDateField,
    GovukForm,
    GovukModelForm,
    choice_field,
    model_choice_field,
)
from kernel.uploads import UploadField
from mou.forms import EVIDENCE_KINDS
from mou.models import EngagementType, JobType, LocalAuthority
from msp.models import MSP

RATE_PARTS = (("rate_min", "Lowest"), ("rate_median", "Median"), ("rate_max", "Highest"))


def line_name(job_type: str, name: str) -> str:
    return f"{job_type}__{name}"


def rate_name(job_type: str, engagement_type: str, part: str) -> str:
    return f"{job_type}__{engagement_type}__{part}"


def _number_input() -> forms.TextInput:
    """A text input for a figure (GOV.UK: not type=number, which rounds and hides typing)."""
    return forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"})


class FiguresForm(GovukForm):
    """A return's figures: a section per core job type, then the rates paid. Each figure is
    optional here (a draft may be incomplete); the checks say what is missing at submission."""

    total_monthly_agency_cost = forms.DecimalField(
        label="Total agency cost in the quarter's last month (£)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": "Enter the cost as a number, like 125000.00"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )

    def __init__(self, *args, revision: Revision | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        initial = _initial(revision) if revision is not None else {}
        for job_type in JobType.values:
            for name in LINE_FIELDS:
                fte = name in FTE_FIELDS
                field = forms.DecimalField(
                    label=LINE_LABELS[name],
                    required=False,
                    min_value=0,
                    max_digits=8,
                    decimal_places=2 if fte else 0,
                    error_messages={
                        "invalid": f"{LINE_LABELS[name]} must be a number, like "
                        f"{'4.5' if fte else '12'}",
                        "min_value": f"{LINE_LABELS[name]} cannot be negative",
                        "max_decimal_places": f"{LINE_LABELS[name]} counts people: enter a whole "
                        "number"
                        if not fte
                        else f"{LINE_LABELS[name]}: enter at most 2 decimal places",
                    },
                )
                field.widget = _number_input()
                self.fields[line_name(job_type, name)] = field
            for engagement in EngagementType.values:
                for part, part_label in RATE_PARTS:
                    field = forms.DecimalField(
                        label=f"{part_label} hourly rate (£)",
                        required=False,
                        min_value=0,
                        max_digits=6,
                        decimal_places=2,
                        error_messages={"invalid": "Enter the rate as a number, like 45.50"},
                    )
                    field.widget = _number_input()
                    self.fields[rate_name(job_type, engagement, part)] = field
        for key, value in initial.items():
            self.fields[key].initial = value
        if revision is not None:
            self.fields["total_monthly_agency_cost"].initial = revision.total_monthly_agency_cost

    def sections(self) -> list[dict]:
        """The fields by job type, for the template: figures, then rates by engagement type."""
        out = []
        for job_type, label in JobType.choices:
            out.append(
                {
                    "job_type": job_type,
                    "label": label,
                    "figures": [self[line_name(job_type, name)] for name in LINE_FIELDS],
                    "rates": [
                        (
                            engagement_label,
                            [self[rate_name(job_type, engagement, part)] for part, _ in RATE_PARTS],
                        )
                        for engagement, engagement_label in EngagementType.choices
                    ],
                }
            )
        return out

    def clean(self):
        cleaned = super().clean()
        for job_type in JobType.values:
            for engagement in EngagementType.values:
                names = [rate_name(job_type, engagement, part) for part, _ in RATE_PARTS]
                given = [cleaned.get(name) is not None for name in names]
                if any(given) and not all(given):
                    for name, present in zip(names, given, strict=True):
                        if not present and name not in self.errors:
                            self.add_error(name, "Enter all three rates, or none")
        return cleaned

    def lines(self) -> dict[str, dict[str, Decimal | None]]:
        data = self.cleaned_data
        return {
            job_type: {name: data.get(line_name(job_type, name)) for name in LINE_FIELDS}
            for job_type in JobType.values
            if any(data.get(line_name(job_type, name)) is not None for name in LINE_FIELDS)
        }

    def rates(self) -> list[RateFigures]:
        data = self.cleaned_data
        rates = []
        for job_type in JobType.values:
            for engagement in EngagementType.values:
                low, mid, high = (
                    data.get(rate_name(job_type, engagement, part)) for part, _ in RATE_PARTS
                )
                if low is not None and mid is not None and high is not None:
                    rates.append(RateFigures(job_type, engagement, low, mid, high))
        return rates


def _initial(revision: Revision) -> dict[str, Decimal | int | None]:
    initial: dict[str, Decimal | int | None] = {}
    for line in revision.lines.all():
        for name in LINE_FIELDS:
            initial[line_name(line.job_type, name)] = getattr(line, name)
    for rate in revision.rates.all():
        for part, _ in RATE_PARTS:
            initial[rate_name(rate.job_type, rate.engagement_type, part)] = getattr(rate, part)
    return initial


class ExplanationForm(GovukForm):
    key = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Why the figure is right",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the figure is right"},
    )


class StatementForm(GovukForm):
    """The national return's statement, one radio question per rule of the layout (what
    happened revealed under "No"), then the LA's confirmation of what the portal holds and the
    agencies it adds. Field names are the layout's keys: the service's errors use them."""

    holdings_confirmed = forms.BooleanField(
        label="I have checked these against the local authority's records",
        required=False,
    )
    holdings_correction = forms.CharField(
        label="What is missing or wrong (optional)",
        help_text="For example a cap exception approved outside the portal",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    other_agencies = forms.CharField(
        label="Other agencies whose behaviour affected compliance (optional)",
        help_text="Agencies not named in the breaches above, and what they did",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, layout: Layout, revision: Revision, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.layout = layout
        given = {a.question: a for a in revision.compliance_answers.all()}
        self.reveals: dict[str, dict[str, list[str]]] = {}
        for question in layout.questions:
            answer = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=Compliance.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether you complied: {question.label.lower()}"},
            )
            explanation = forms.CharField(
                label="What happened, and what the local authority is doing about it",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[question.key] = answer
            self.fields[f"{question.key}_explanation"] = explanation
            self.reveals[question.key] = {
                Compliance.NOT_COMPLIED.value: [f"{question.key}_explanation"]
            }
            if question.key in given:
                answer.initial = given[question.key].answer
                explanation.initial = given[question.key].explanation
        self.fields["holdings_confirmed"].initial = revision.holdings_confirmed_at is not None
        self.fields["holdings_correction"].initial = revision.holdings_correction
        self.fields["other_agencies"].initial = revision.other_agencies
        self.order_fields(
            [name for q in layout.questions for name in (q.key, f"{q.key}_explanation")]
        )

    def questions(self):
        return [self[q.key] for q in self.layout.questions]

    def clean(self):
        """Every problem at once: what happened is missing under a "No", beside its box, even
        while another question is unanswered (the service's rule, asked here early)."""
        cleaned = super().clean()
        for name, message in statement_problems(self.layout, self.answers()).items():
            if name.endswith("_explanation") and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        given = {
            q.key: (data[q.key], data.get(f"{q.key}_explanation", ""))
            for q in self.layout.questions
            if data.get(q.key)
        }
        return statement_answers(self.layout, given)


class JointStartForm(GovukForm):
    """One return for LAs that report jointly (through one children's services company)."""

    local_authorities = forms.MultipleChoiceField(
        label="Which local authorities does the return cover?",
        help_text="Select each local authority that reports with the others",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the local authorities the return covers"},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "local_authorities").choices = choices

    def clean_local_authorities(self) -> list[str]:
        codes = self.cleaned_data["local_authorities"]
        if len(codes) < 2:
            raise forms.ValidationError(
                "Select at least two local authorities: for one, start its own return"
            )
        return codes


class ReopenForm(GovukForm):
    reason = forms.CharField(
        label="Why the return is reopened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the return is reopened"},
    )


class ConfirmForm(GovukForm):
    """Nothing to ask: the button confirms."""


class ReturnFileForm(GovukForm):
    file = UploadField(
        kinds=("csv", "xlsx"),
        label="The filled-in template",
        error_messages={"required": "Choose the file to upload"},
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.email})"


class DeputyForm(GovukForm):
    person = PersonChoiceField(
        queryset=None,
        label="Who may authorise in your place",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who may authorise in your place"},
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = people


class PeriodForm(GovukForm):
    """A new period: the quarter; its dates start as the defaults and can be changed after."""

    year = forms.IntegerField(
        label="Year",
        min_value=2024,
        max_value=2100,
        error_messages={"required": "Enter the year", "invalid": "Enter the year, like 2026"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (1, "January to March"),
            (2, "April to June"),
            (3, "July to September"),
            (4, "October to December"),
        ],
        error_messages={"required": "Select the quarter"},
    )


class PeriodDatesForm(GovukForm):
    opens_on = GovukDateField(label="Returns open")
    due_on = GovukDateField(label="Returns are due")
    closes_on = GovukDateField(label="The period closes")


class AgreementForm(GovukModelForm):
    """A version of the region's data sharing agreement (a draft: published ones do not
    change)."""

    effective_from = GovukDateField(label="Takes effect on", help_text="For example, 1 4 2026")
    review_due = GovukDateField(label="Review due", help_text="For example, 1 4 2027")
    document = UploadField(
        kinds=["pdf", "docx", "doc"], required=False, label="The signed agreement document"
    )

    class Meta:
        model = SharingAgreement
        fields = [
            "label",
            "purpose",
            "lawful_basis",
            "data_categories",
            "retention",
            "effective_from",
            "review_due",
        ]
        labels = {"label": "Version name"}
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "lawful_basis": forms.Textarea(attrs={"rows": 2}),
            "data_categories": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"label": {"required": "Enter a version name, like 2026.1"}}

    def __init__(self, *args, with_document: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_document:
            del self.fields["document"]

    def agreement_fields(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartyForm(GovukForm):
    """An LA of the region (or an MSP) that signed the agreement."""

    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.none(),
        label="Local authority",
        required=False,
        empty_label="Choose a local authority",
    )
    msp = forms.ModelChoiceField(
        queryset=MSP.objects.none(),
        label="Or a managed service provider (optional)",
        required=False,
        empty_label="None",
    )
    signed_on = GovukDateField(label="Signed on", help_text="For example, 1 5 2026")
    signed_by_name = forms.CharField(
        label="Signed by",
        help_text="The name and role of the person who signed",
        max_length=120,
        error_messages={"required": "Enter who signed"},
    )
    evidence = UploadField(kinds=EVIDENCE_KINDS, required=False, label="Evidence of signing")

    def __init__(self, *args, las, msps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "local_authority").queryset = las
        model_choice_field(self, "msp").queryset = msps

    def clean(self):
        cleaned = super().clean()
        la, msp = cleaned.get("local_authority"), cleaned.get("msp")
        if (la is None) == (msp is None) and "local_authority" not in self.errors:
            self.add_error(
                "local_authority", "Choose the local authority that signed, or an MSP, not both"
            )
        return cleaned


class LeaveForm(GovukForm):
    left_on = GovukDateField(label="Left on", help_text="For example, 30 9 2026")
    reason = forms.CharField(
        label="Why it is leaving",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why it is leaving"},
    )


class DismissForm(GovukForm):
    reason = forms.CharField(
        label="Why it is not a breach",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why it is not a breach"},
    )
