from __future__ import annotations

from django import forms
from django.core.files.base import File

from kernel.forms import GovukDateField, GovukForm, GovukModelForm, choice_field, model_choice_field
from kernel.uploads import UploadField
from mou.models import (
    RULE_DEFAULTS,
    EscalationLevel,
    LocalAuthority,
    MOURule,
    MOUVersion,
    PriceCap,
    RuleKind,
    Signatory,
    SignatoryStatus,
)


class VersionForm(GovukModelForm):
    effective_from = GovukDateField(label="Takes effect on", help_text="For example, 1 4 2026")
    review_due = GovukDateField(label="Annual review due", help_text="For example, 1 4 2027")
    document = UploadField(
        kinds=["pdf", "docx", "doc"], required=False, label="The signed MOU document"
    )

    class Meta:
        model = MOUVersion
        fields = [
            "label",
            "effective_from",
            "review_due",
            "summary_of_changes",
            "exception_max_months",
            "exception_second_approver",
        ]
        labels = {
            "label": "Version name",
            "summary_of_changes": "What changed from the last version",
        }
        widgets = {
            "summary_of_changes": forms.Textarea(attrs={"rows": 4}),
            "exception_second_approver": forms.RadioSelect,
        }
        help_texts = {
            "exception_max_months": "Exceptions to the price cap must end within this many months of starting",
        }
        error_messages = {
            "label": {"required": "Enter a version name, like 2026.1"},
            "exception_max_months": {
                "invalid": "Enter a whole number of months",
                "max_value": "Enter at most 24 months",
                "min_value": "Enter at least 1 month",
            },
        }

    def __init__(self, *args, with_document: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_document:  # creating: the exception settings come from the active version
            for name in ("document", "exception_max_months", "exception_second_approver"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        start, review = cleaned.get("effective_from"), cleaned.get("review_due")
        if start and review and review <= start:
            self.add_error(
                "review_due", "The annual review must be due after the version takes effect"
            )
        return cleaned


class RuleForm(GovukModelForm):
    class Meta:
        model = MOURule
        fields = ["kind", "value", "wording"]
        labels = {"kind": "Rule", "value": "Value", "wording": "Wording"}
        widgets = {"wording": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "value": "A number of years, months, weeks or references, for rules that have one"
        }
        error_messages = {"wording": {"required": "Enter the wording of the rule"}}

    def __init__(self, *args, version: MOUVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kind"]  # a rule keeps its kind; remove it and add another instead
            if (
                self.instance.kind not in RULE_DEFAULTS
                or RULE_DEFAULTS[self.instance.kind].value is None
            ):
                del self.fields["value"]
        else:
            taken = set(version.rules.values_list("kind", flat=True))
            choice_field(self, "kind").choices = [
                (value, label)
                for value, label in RuleKind.choices
                if value == RuleKind.REGIONAL or value not in taken
            ]
            self.fields["kind"].initial = RuleKind.REGIONAL
        if "value" in self.fields:
            self.fields["value"].widget.attrs.update(
                {"class": "govuk-input--width-4", "inputmode": "numeric"}
            )
            self.fields["value"].error_messages["invalid"] = "Enter a whole number"


class EscalationLevelForm(GovukModelForm):
    class Meta:
        model = EscalationLevel
        fields = ["order", "name", "responsible", "deadline_working_days"]
        labels = {"order": "Level", "name": "Name", "responsible": "Who is responsible"}
        widgets = {"responsible": forms.RadioSelect}
        help_texts = {
            "order": "1 is the first level a breach reaches",
            "deadline_working_days": "Weekends and England and Wales bank holidays do not count",
        }
        error_messages = {
            "order": {
                "required": "Enter the level number",
                "invalid": "Enter the level as a whole number",
            },
            "deadline_working_days": {
                "required": "Enter the deadline in working days",
                "invalid": "Enter the deadline as a whole number of working days",
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("order", "deadline_working_days"):
            self.fields[name].widget.attrs.update(
                {"class": "govuk-input--width-3", "inputmode": "numeric"}
            )


COMPONENTS = [
    ("includes_hourly_pay", "Hourly pay"),
    ("includes_employer_ni", "Employer National Insurance"),
    ("includes_apprenticeship_levy", "Apprenticeship levy (if applicable)"),
    ("includes_holiday_pay", "Holiday pay"),
]


class PriceCapForm(GovukModelForm):
    components = forms.MultipleChoiceField(
        label="What the cap includes",
        choices=COMPONENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PriceCap
        fields = ["job_type", "engagement_type", "max_hourly_rate"]
        labels = {"job_type": "Job type", "engagement_type": "Engagement type"}
        widgets = {"job_type": forms.RadioSelect, "engagement_type": forms.RadioSelect}
        error_messages = {
            "max_hourly_rate": {
                "required": "Enter the maximum hourly rate",
                "invalid": "Enter the maximum hourly rate as a number, like 38.50",
                "max_digits": "Enter a rate below £10,000",
                "max_decimal_places": "Enter the rate in pounds and pence, like 38.50",
            }
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_hourly_rate"].widget.attrs.update(
            {"class": "govuk-input--width-5", "inputmode": "decimal"}
        )
        self.fields["components"].initial = [
            name for name, _ in COMPONENTS if getattr(self.instance, name)
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("components") or [])
        if not chosen:
            self.add_error("components", "Select what the cap includes")
        for name, _ in COMPONENTS:
            setattr(self.instance, name, name in chosen)
        return cleaned


EVIDENCE_KINDS = ["pdf", "png", "jpeg", "docx"]


class SignatoryForm(GovukModelForm):
    signed_on = GovukDateField(label="Date signed", required=False)
    withdrawn_on = GovukDateField(label="Date withdrawn", required=False)
    evidence = UploadField(
        kinds=EVIDENCE_KINDS,
        required=False,
        label="Evidence of signing",
    )

    class Meta:
        model = Signatory
        fields = [
            "status",
            "signed_on",
            "signed_by_name",
            "signed_by_role",
            "mou_owner",
            "withdrawn_on",
            "withdrawal_reason",
        ]
        labels = {"status": "Status", "withdrawal_reason": "Why the local authority withdrew"}
        widgets = {
            "status": forms.RadioSelect,
            "withdrawal_reason": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = [
        "status",
        "signed_on",
        "signed_by_name",
        "signed_by_role",
        "evidence",
        "mou_owner",
        "withdrawn_on",
        "withdrawal_reason",
    ]

    # Each status shows only its own fields (GOV.UK radios with conditional reveal).
    SIGNED_FIELDS = ("signed_on", "signed_by_name", "signed_by_role", "evidence")
    WITHDRAWN_FIELDS = ("withdrawn_on", "withdrawal_reason")
    TEXT_FIELDS = ("signed_by_name", "signed_by_role", "withdrawal_reason")
    reveals = {
        "status": {
            SignatoryStatus.SIGNED.value: list(SIGNED_FIELDS),
            SignatoryStatus.WITHDRAWN.value: list(WITHDRAWN_FIELDS),
        }
    }

    def __init__(self, *args, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = SignatoryStatus.choices
        owner = model_choice_field(self, "mou_owner")
        owner.queryset = owners
        owner.empty_label = "No one yet"
        owner.label = "Who owns the MOU in the local authority"

    def clean(self):
        """What was typed under a status not chosen is neither checked nor kept: it was hidden."""
        cleaned = super().clean()
        status = cleaned.get("status")
        hidden = [
            *(self.SIGNED_FIELDS if status != SignatoryStatus.SIGNED else ()),
            *(self.WITHDRAWN_FIELDS if status != SignatoryStatus.WITHDRAWN else ()),
        ]
        for name in hidden:
            self.errors.pop(name, None)
            cleaned[name] = "" if name in self.TEXT_FIELDS else None
        return cleaned


class CarryOverForm(GovukForm):
    source = forms.ModelChoiceField(
        queryset=MOUVersion.objects.none(), label="Carry over from", empty_label=None
    )
    keep_signatures = forms.TypedChoiceField(
        label="How should they start on this version?",
        choices=[
            ("no", "As invited: each local authority signs again"),
            ("yes", "As signed: existing signatures carry over"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the local authorities should start"},
    )

    def __init__(self, *args, version: MOUVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "source").queryset = version.mou.versions.exclude(pk=version.pk)


class _VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MOUVersion) -> str:
        return f"{obj.label} ({obj.state.label.lower()})"


class CompareForm(GovukForm):
    a = _VersionChoiceField(queryset=MOUVersion.objects.none(), label="Compare", empty_label=None)
    b = _VersionChoiceField(queryset=MOUVersion.objects.none(), label="With", empty_label=None)

    def __init__(self, *args, versions: list[MOUVersion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            model_choice_field(self, name).queryset = MOUVersion.objects.filter(
                pk__in=[v.pk for v in versions]
            )


class PublishForm(GovukForm):
    """Publishing a version: when there is something to warn of, the person confirms they have
    read it (asked again, with an error beside the box, until they do)."""

    confirm = forms.BooleanField(
        required=False, label="I have read the warnings and want to publish this version"
    )

    def __init__(self, *args, warnings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        if not warnings:
            del self.fields["confirm"]

    def clean(self):
        cleaned = super().clean()
        if self.warnings and not cleaned.get("confirm"):
            self.add_error(
                "confirm", "Confirm you want to publish this version despite the warnings"
            )
        return cleaned


class MarkSignedForm(GovukForm):
    """Several local authorities signed on one date: each chosen one reveals who signed for it
    and its own evidence."""

    local_authorities = forms.MultipleChoiceField(
        label="Which local authorities signed?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the local authorities that signed"},
    )
    signed_on = GovukDateField(label="Date signed", help_text="For example, 15 9 2026")
    signed_by_role = forms.CharField(
        label="Role of the people who signed",
        max_length=150,
        initial="Director of children's services",
    )

    def __init__(self, *args, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.authorities = {la.la_code: la for la in local_authorities}
        choice_field(self, "local_authorities").choices = [
            (code, la.name) for code, la in self.authorities.items()
        ]
        self.reveals: dict[str, dict[str, list[str]]] = {"local_authorities": {}}
        for code, la in self.authorities.items():
            self.fields[f"signer_{code}"] = forms.CharField(
                label=f"Who signed for {la.name}", max_length=150, required=False
            )
            self.fields[f"evidence_{code}"] = UploadField(
                kinds=EVIDENCE_KINDS, required=False, label=f"Evidence of signing for {la.name}"
            )
            self.reveals["local_authorities"][code] = [f"signer_{code}", f"evidence_{code}"]

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("local_authorities") or [])
        for code, la in self.authorities.items():
            if code not in chosen:  # hidden: neither checked nor kept
                for name in (f"signer_{code}", f"evidence_{code}"):
                    self.errors.pop(name, None)
                    cleaned[name] = None
            elif not (cleaned.get(f"signer_{code}") or "").strip():
                self.add_error(f"signer_{code}", f"Enter who signed for {la.name}")
        return cleaned

    def signers(self) -> list[tuple[LocalAuthority, str, File | None]]:
        """(local authority, who signed, evidence or None) for each chosen one."""
        return [
            (
                self.authorities[code],
                self.cleaned_data[f"signer_{code}"].strip(),
                self.cleaned_data.get(f"evidence_{code}"),
            )
            for code in self.cleaned_data["local_authorities"]
        ]
