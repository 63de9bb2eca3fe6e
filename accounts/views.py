from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import services, two_factor
from accounts.filters import PersonFilter
from accounts.forms import (
    ConfirmForm,
    InviteForm,
    LoginForm,
    MembershipForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    TwoFactorCodeForm,
)
from accounts.lockout import failed_sign_in_count, is_locked_out, sign_in_unlock
from accounts.models import AccountEvent, Membership, User
from accounts.permissions import (
    can_change_account,
    get_membership_for_admin,
    get_person_for_admin,
    membership_within_scope,
    require_people_manager,
)
from accounts.selectors import person_changes
from accounts.tables import PersonTable
from kernel.http import AuthenticatedHttpRequest

# Sign-in and password pages: Django's views with GOV.UK forms and templates.


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class _LockedOutForm(LoginForm):
    def clean(self):
        # The fields only: signing in again here would count one more failure.
        return self.cleaned_data


def locked_out(request: HttpRequest, credentials: dict | None = None, *args) -> HttpResponse:
    """What django-axes shows after repeated failures. It says the same whether or not the
    account exists."""
    form = _LockedOutForm(request, data=request.POST or None)
    form.is_valid()  # bind, so the email stays in the box
    form.errors.clear()
    form.add_error(
        None,
        "You have been locked out after too many failed attempts. Try again in "
        f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes, or ask your region's portal admin "
        "to unlock your account.",
    )
    return render(request, "registration/login.html", {"form": form}, status=429)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(PasswordResetConfirmView):
    """The link in an invitation: the same signed, expiring token as a password reset."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    pass


# People and their roles, for admins.


class PersonListView(SingleTableMixin, FilterView):
    table_class = PersonTable
    filterset_class = PersonFilter
    template_name = "accounts/person_list.html"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        require_people_manager(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        memberships = Membership.objects.select_related("region", "local_authority", "msp")
        return User.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("memberships", queryset=memberships)
        )


@require_http_methods(["GET", "POST"])
def person_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_people_manager(request.user)
    form = InviteForm(request.POST or None, actor=request.user)
    if form.is_valid():
        try:
            person = services.person_invite(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                membership=form.instance,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {person.email}")
            return redirect(person)
    return render(request, "accounts/person_invite.html", {"form": form})


def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    memberships = person.memberships.select_related("region", "local_authority__region", "msp")
    rows = [
        {"membership": m, "can_remove": membership_within_scope(request.user, m)}
        for m in memberships
    ]
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "memberships": rows,
            "can_change_account": can_change_account(request.user, person),
            "changes": person_changes(person),
            "locked_out": is_locked_out(person),
            "failed_sign_ins": failed_sign_in_count(person),
            "has_two_factor": two_factor.has_confirmed_device(person),
        },
    )


@require_http_methods(["GET", "POST"])
def membership_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    form = MembershipForm(request.POST or None, actor=request.user)
    if form.is_valid():
        try:
            membership = services.membership_add(
                person=person, membership=form.instance, actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{person} is now {membership}")
            return redirect(person)
    return render(request, "accounts/membership_add.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def membership_remove(
    request: AuthenticatedHttpRequest, pk: int, membership_pk: int
) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    membership = get_membership_for_admin(request.user, person, membership_pk)
    if not membership_within_scope(request.user, membership):
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, f"{person} is no longer {membership}")
        return redirect(person)
    return render(
        request,
        "accounts/membership_remove.html",
        {"person": person, "membership": membership, "form": form},
    )


@require_http_methods(["GET", "POST"])
def person_set_active(request: AuthenticatedHttpRequest, pk: int, active: bool) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    if not can_change_account(request.user, person):
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.person_set_active(person=person, active=active, actor=request.user)
        verb = "reactivated" if active else "deactivated"
        messages.success(request, f"{person}'s account is {verb}")
        return redirect(person)
    return render(
        request,
        "accounts/person_set_active.html",
        {"person": person, "active": active, "form": form},
    )


# Two-factor sign-in.


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.two_factor_verify(
            request=request, user=request.user, token=form.cleaned_data["code"]
        ):
            return redirect(_safe_next(request))
        form.add_error("code", "The code is not right. Check your app and try again.")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if two_factor.has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect("accounts:two_factor_verify")
    device = two_factor.totp_device_start(request.user)
    form = TwoFactorCodeForm(request.POST or None, setup=True)
    if form.is_valid():
        codes = two_factor.totp_device_confirm(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session[NEW_RECOVERY_CODES] = codes
            request.session[AFTER_RECOVERY_CODES] = _safe_next(request)
            return redirect("accounts:recovery_codes")
        form.add_error("code", "The code is not right. Check the time on your phone and try again.")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.totp_secret(device),
            "required": two_factor.two_factor_required(request.user),
        },
    )


NEW_RECOVERY_CODES = "portal_new_recovery_codes"
AFTER_RECOVERY_CODES = "portal_after_recovery_codes"


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shows new recovery codes once; POST makes a new set (the old ones stop working)."""
    if request.method == "POST":
        if not request.user.is_verified():
            raise PermissionDenied
        request.session[NEW_RECOVERY_CODES] = two_factor.recovery_codes_replace(
            request=request, user=request.user
        )
        request.session[AFTER_RECOVERY_CODES] = reverse("accounts:account")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if codes is None:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": request.session.pop(AFTER_RECOVERY_CODES, reverse("home"))},
    )


@require_http_methods(["GET"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in person's own account: two-factor sign-in and recent sign-ins."""
    return render(
        request,
        "accounts/account.html",
        {
            "has_device": two_factor.has_confirmed_device(request.user),
            "required": two_factor.two_factor_required(request.user),
            "events": AccountEvent.objects.filter(user=request.user)[:10],
        },
    )


def _safe_next(request: AuthenticatedHttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


@require_http_methods(["GET", "POST"])
def person_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    if not can_change_account(request.user, person):
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        sign_in_unlock(request=request, person=person, actor=request.user)
        messages.success(request, f"{person} can sign in again")
        return redirect(person)
    return render(request, "accounts/person_unlock.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def person_two_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_admin(request.user, pk)
    if not can_change_account(request.user, person):
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        two_factor.two_factor_reset(request=request, person=person, actor=request.user)
        messages.success(
            request, f"{person} will set up two-factor sign-in again when they next sign in"
        )
        return redirect(person)
    return render(
        request, "accounts/person_two_factor_reset.html", {"person": person, "form": form}
    )
