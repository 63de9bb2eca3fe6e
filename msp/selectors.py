"""Reads about suppliers for other pages."""

from __future__ import annotations

from accounts.models import User
from msp.models import RelationshipReview, ReviewAction


def my_open_review_actions(user: User, *, limit: int = 20) -> list[ReviewAction]:
    """The person's open supplier review actions, soonest due first, of reviews they may open:
    one query, for the home page."""
    return list(
        ReviewAction.objects.filter(
            owner_person=user,
            done_on__isnull=True,
            review__in=RelationshipReview.objects.visible_to(user).values("pk"),
        )
        .select_related("review__msp", "review__agency")
        .order_by("due_on", "pk")[:limit]
    )
