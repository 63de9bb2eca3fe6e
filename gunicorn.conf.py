"""gunicorn's settings for the portal, read from the project folder (gunicorn looks for
gunicorn.conf.py in its working directory). Command-line options still win."""

import gc


def post_worker_init(worker) -> None:
    """Keep everything loaded at start-up out of the garbage collector's full collections.

    Django, the portal and their modules are tens of thousands of long-lived objects; every full
    collection walked them all, an occasional pause of about 30 ms that landed on whichever
    request was running. Frozen, they are never collected (they live as long as the worker
    anyway), and full collections take a few milliseconds (docs/adr/0011-page-speed.md).
    """
    gc.collect()
    gc.freeze()
