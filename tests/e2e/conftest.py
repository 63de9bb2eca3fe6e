"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Without Chromium they skip with a message saying how to install it; with E2E_REQUIRED=1 (CI) they
fail instead. axe-core (tests/e2e/assets/axe.min.js, from the pinned npm package) checks every page
a test visits.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from accounts.roles import Role
from tests.conftest import PortalClient
from tests.factories import MSPContractFactory, local_authority, person_with_role, region

# The sync Playwright API runs an event loop in this thread; Django's ORM calls in the test are
# still synchronous and safe (STACK.md pitfall 4). Test-only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "assets" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = (
            f"Browser tests need Chromium at {CHROMIUM}. Install Debian's package with "
            "'sudo apt-get install chromium' (or set CHROMIUM_PATH); never 'playwright install'."
        )
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe violation on the page as it is now."""
    page.evaluate(AXE_JS.read_text())  # evaluate is not subject to the page's CSP
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    bad = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe found problems on {page.url}:\n{json.dumps(bad, indent=2)}"


def make_person(role: str):
    """A person of `role` in the test cast's scope (London; Camden for LA roles)."""
    scope: dict = {}
    if role in (Role.ADMIN + "_regional", Role.REGIONAL_LEAD):
        scope = {"region": region("LDN")}
    elif role in (Role.DCS, Role.LA_WORKFORCE_LEAD):
        scope = {"local_authority": local_authority("202")}
    elif role == Role.MSP_CONTACT:
        scope = {"msp": MSPContractFactory(local_authority=local_authority("202")).msp}
    return person_with_role(role.removesuffix("_regional"), **scope)


@pytest.fixture
def signed_in_page(live_server, page, reference_data) -> Callable[..., Page]:
    """signed_in_page(role) -> a browser page already signed in as a new person of that role.

    The session is made server-side (force_login) and handed to the browser as a cookie, so tests
    never type passwords or race one-time codes. `role` may be "admin_regional" for an admin of
    London. Pass `person=` to sign in as a person the test made.
    """

    def sign_in(role: str | None = None, *, person=None) -> Page:
        person = person or make_person(role)
        client = PortalClient()
        client.force_login(person)  # a session that has passed two-factor sign-in
        page.person = person
        page.context.clear_cookies()  # a new person signing in on the same browser
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page.goto(f"{live_server.url}/")
        return page

    return sign_in
