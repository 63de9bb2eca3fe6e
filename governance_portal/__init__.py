# The Celery app is loaded with Django, so tasks queued from a request use its settings.
from governance_portal.celery import app as celery_app

__all__ = ["celery_app"]
