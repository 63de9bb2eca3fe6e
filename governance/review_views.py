"""The region's yearly governance review: start one, answer each question with the evidence the
portal holds beside it and last year's rating, complete it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import permissions, review
from governance.forms import ReviewAnswerForm, ReviewStartForm
from governance.models import Action, GovernanceReview, Rating, ReviewAnswer
from governance.views import _region
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def reviews(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    found = list(
        GovernanceReview.objects.visible_to(request.user)
        .filter(region=region)
        .select_related("completed_by")
    )
    can_run = permissions.can_run(request.user, region)
    if not found and not can_run:
        raise PermissionDenied
    form = ReviewStartForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if form.is_valid():
            try:
                started = review.review_start(
                    region=region, year=form.cleaned_data["year"], actor=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Review for {started.year} started")
                return redirect("governance:review", pk=started.pk)
    return render(
        request,
        "governance/reviews.html",
        {"region": region, "reviews": found, "form": form, "can_run": can_run},
    )


def _review(request: AuthenticatedHttpRequest, pk: int) -> GovernanceReview:
    return get_object_or_404(
        GovernanceReview.objects.visible_to(request.user).select_related("region"), pk=pk
    )


@require_GET
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _review(request, pk)
    # This review's answers (with their actions) and the earlier reviews', read together
    read = list(
        ReviewAnswer.objects.filter(review__region=found.region, review__year__lte=found.year)
        .select_related("review")
        .prefetch_related(Prefetch("actions", Action.objects.select_related("owner")))
    )
    answers = {a.question: a for a in read if a.review_id == found.pk}
    earlier = [a for a in read if a.review.year < found.year]
    last_year = max((a.review.year for a in earlier), default=None)
    before = {a.question: a for a in earlier if a.review.year == last_year}
    last = next(iter(before.values())).review if before else None
    evidence = review.evidence(found.region, timezone.localdate())
    rows = [
        {
            "question": q,
            "answer": answers.get(q.key),
            "before": before.get(q.key),
            "evidence": evidence[q.key],
        }
        for q in review.QUESTIONS
    ]
    return render(
        request,
        "governance/review.html",
        {
            "review": found,
            "rows": rows,
            "last": last,
            "can_run": permissions.can_run(request.user, found.region),
            "ratings": dict(Rating.choices),
        },
    )


@require_http_methods(["GET", "POST"])
def answer(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    found = _review(request, pk)
    if not permissions.can_run(request.user, found.region) or found.completed_on:
        raise PermissionDenied
    question = next((q for q in review.QUESTIONS if q.key == key), None)
    if question is None:
        raise Http404
    existing = found.answers.filter(question=key).first()
    form = ReviewAnswerForm(
        request.POST or None,
        people=review.answer_people(found),
        initial={"rating": existing.rating, "evidence": existing.evidence} if existing else None,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            review.answer_save(
                review=found,
                question=key,
                rating=data["rating"],
                evidence_text=data["evidence"],
                action_text=data["action_text"],
                owner=data["owner"],
                due_on=data["due_on"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Answer saved")
            return redirect("governance:review", pk=found.pk)
    return render(
        request,
        "governance/review_answer.html",
        {
            "form": form,
            "review": found,
            "question": question,
            "evidence": review.evidence(found.region, timezone.localdate())[key],
        },
    )


@require_POST
def complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _review(request, pk)
    try:
        review.review_complete(review=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Review completed")
    return redirect("governance:review", pk=found.pk)
