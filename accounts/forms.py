from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ImproperlyConfigured, ValidationError

from accounts.models import Membership, User
from accounts.permissions import membership_within_scope
from accounts.roles import ROLE_SCOPE_KINDS, Capability, Role, ScopeKind
from accounts.scope import access_for, suppliers
from kernel.forms import (
    ChooserField,
    GovukFormMixin,
    GovukModelForm,
    choice_field,
    field_queryset,
    model_choice_field,
)


class LoginForm(GovukFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        # Never says whether the account exists or is deactivated.
        "invalid_login": "Enter a correct email address and password",
        "inactive": "Enter a correct email address and password",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "autofocus": False}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class PasswordResetRequestForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            }
        )

    def get_users(self, email: str):
        """Active people with this address, including invited people who have not yet set a
        password (Django's form skips those), so a lost invitation can be replaced."""
        return User.objects.filter(email__iexact=email, is_active=True)


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, not all numbers, and not like your "
            "name or email address."
        )
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"


SCOPE_HELP = {
    "region": "For an admin of one region or a regional lead. Leave empty for a national admin.",
    "local_authority": "For a director of children's services or an LA workforce lead",
    "msp": "For an MSP contact: its name or Companies House number",
}


class MembershipForm(GovukModelForm):
    """A role and its scope, offered only within the regions the admin manages."""

    # The supplier app's queryset knows how to match a typed name (accounts imports no app above).
    msp = ChooserField(
        queryset=(), source="msp:msp_choices", noun="MSP", label="MSP", required=False
    )

    class Meta:
        model = Membership
        fields = ["role", "region", "local_authority", "msp"]
        widgets = {"role": forms.RadioSelect}
        labels = {"role": "Role", "local_authority": "Local authority", "msp": "MSP"}

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        scope = access_for(actor).capability_scope(Capability.MANAGE_PEOPLE)
        # Roles held only nationally (observer) are given by national admins alone.
        self.fields["role"].error_messages["required"] = "Select a role"
        choice_field(self, "role").choices = [
            (role.value, role.label)
            for role in Role
            if scope.national or ROLE_SCOPE_KINDS[role] != {ScopeKind.NATIONAL}
        ]
        # The reference data (mou's Region and LocalAuthority) through the form's own fields.
        regions = field_queryset(self, "region")
        local_authorities = (
            field_queryset(self, "local_authority")
            .select_related("region")
            .order_by("region__name", "name")
        )
        msp_model = Membership._meta.get_field("msp").related_model  # accounts is below msp
        if msp_model is None or isinstance(msp_model, str):
            raise ImproperlyConfigured("Membership.msp names no model")
        msps = msp_model._default_manager.all()
        if not scope.national:
            regions = regions.filter(pk__in=scope.region_ids)
            local_authorities = local_authorities.filter(region_id__in=scope.region_ids)
            operating = suppliers.operating_in(sorted(scope.region_ids))
            msps = msps.filter(pk__in=operating.values("pk"))
        model_choice_field(self, "region").queryset = regions
        model_choice_field(self, "local_authority").queryset = local_authorities
        model_choice_field(self, "msp").queryset = msps
        for name, help_text in SCOPE_HELP.items():
            self.fields[name].help_text = help_text
        model_choice_field(self, "region").empty_label = model_choice_field(
            self, "local_authority"
        ).empty_label = "None"
        # Group the 153 local authorities by region so the list can be scanned.
        grouped: dict[str, list[tuple[int, str]]] = {}
        for la in local_authorities:
            grouped.setdefault(la.region.name, []).append((la.pk, la.name))
        choice_field(self, "local_authority").choices = [("", "None"), *grouped.items()]
        if not scope.national:
            self.fields["region"].help_text = "For an admin of one region or a regional lead"
            self.fields["msp"].error_messages["none"] = (
                'No MSP with a current contract in your regions matches "{text}"'
            )

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors or not self.instance.role:
            return
        if not membership_within_scope(self.actor, self.instance):
            # Beside the region field for a role held in a region; at the top otherwise.
            field = "region" if ScopeKind.REGION in ROLE_SCOPE_KINDS[self.instance.role] else None
            self.add_error(field, ValidationError("Choose a scope within the regions you manage"))


class InviteForm(MembershipForm):
    name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    field_order = ["name", "email", "role", "region", "local_authority", "msp"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter their full name"
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        self.order_fields(self.field_order)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("A person with this email address already has an account")
        return email


class ConfirmForm(GovukFormMixin, forms.Form):
    """An empty form for actions that need only a confirming button press."""


class TwoFactorCodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code"},
    )

    def __init__(self, *args, setup: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["code"].widget
        widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        )
        if setup:
            widget.attrs["inputmode"] = "numeric"
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now"
        else:
            self.fields[
                "code"
            ].help_text = (
                "The 6-digit code from your authenticator app, or one of your recovery codes"
            )
