from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import services
from accounts.filters import PersonFilter
from accounts.forms import (
    ConfirmForm,
    InviteForm,
    LoginForm,
    MembershipForm,
    PasswordResetRequestForm,
    SetPasswordForm,
)
from accounts.models import Membership
from accounts.permissions import (
    can_change_account,
    get_membership_for_admin,
    get_person_for_admin,
    membership_within_scope,
    people_visible_to,
    require_people_manager,
)
from accounts.selectors import person_changes
from accounts.tables import PersonTable

# Sign-in and password pages: Django's views with GOV.UK forms and templates.


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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
        return people_visible_to(self.request.user).prefetch_related(
            Prefetch("memberships", queryset=memberships)
        )


@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
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


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
        },
    )


@require_http_methods(["GET", "POST"])
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
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
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
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
def person_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
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
