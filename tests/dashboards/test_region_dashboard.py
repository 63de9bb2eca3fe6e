"""The region dashboard: every figure against a hand-made fixture (working-day medians and quarter
boundaries included), filters, scope, exports and a fixed number of queries."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from breaches.models import Breach, BreachEvent, EventKind
from dashboards.figures import REGION_FIGURES
from dashboards.periods import Period, next_quarter, previous_quarter, quarter_start
from dashboards.views import REGION_SECTIONS
from mou.models import LocalAuthority
from msp.models import MSP, RelationshipReview, ReviewAction
from tests.dashboards.conftest import PERIOD, _set, at, cold_and_warm_queries
from tests.factories import AgencyFactory, local_authority, logged_breach

pytestmark = pytest.mark.django_db
D = datetime.date


def _get(client, region="LDN", **params):
    response = client.get(reverse("dashboards:region", args=[region]), {**PERIOD, **params})
    assert response.status_code == 200
    return response


def _figures(client, **params):
    return {f.slug: f for f, _chart in _get(client, **params).context["figures"]}


def test_working_days_come_from_the_workflow(history):
    assert Breach.objects.get(pk=history["D"].pk).working_days_taken == 27


def test_coverage_deadlines_and_open_breaches(client, dcs, history):
    client.force_login(dcs)
    figures = _figures(client)
    assert figures["coverage"].rows == [
        ["Signed", 2],
        ["Outstanding", 31],
        ["Local authorities", 33],
    ]
    assert "Islington" in figures["coverage"].outstanding
    assert figures["open-by-state"].rows == [
        ["Reported", 0],
        ["Awaiting response", 0],
        ["Under review", 1],
    ]
    assert figures["open-by-level"].rows == [["1. Regional workforce group", 1]]
    assert figures["deadlines"].rows[0] == ["Overdue", 1]


def test_tables_by_la_and_type_follow_the_period(client, dcs, history):
    client.force_login(dcs)
    figures = _figures(client)  # 2026 Q1 to Q2, against 2025 Q3 to Q4
    for slug, first in (("per-la", "Local authority"), ("per-type", "Type of breach")):
        assert figures[slug].columns == [first, "2026 Q1 to 2026 Q2", "2025 Q3 to 2025 Q4"]
        assert "in the period (2026 Q1 to 2026 Q2)" in figures[slug].note
        assert "in the previous 2 quarters (2025 Q3 to 2025 Q4)" in figures[slug].note
    per_la = {row[0]: row[1:] for row in figures["per-la"].rows}
    assert per_la["Camden"] == [5, 0]  # A to D and F
    assert per_la["Hackney"] == [1, 0]
    assert per_la["Islington"] == [0, 0]
    assert figures["per-la"].highlight == "Camden"
    per_type = {row[0]: row[1:] for row in figures["per-type"].rows}
    assert per_type["Post-qualification experience below the minimum"] == [2, 0]  # A, E
    assert per_type["Notice period not kept"] == [4, 0]
    # Two quarters against the two before: F (1 Apr 00:30 BST) and E are in; A to D before.
    later = _figures(client, start="2026-Q2", end="2026-Q3")
    assert later["per-la"].columns == [
        "Local authority",
        "2026 Q2 to 2026 Q3",
        "2025 Q4 to 2026 Q1",
    ]
    per_la = {row[0]: row[1:] for row in later["per-la"].rows}
    assert (per_la["Camden"], per_la["Hackney"]) == ([1, 4], [1, 0])
    per_type = {row[0]: row[1:] for row in later["per-type"].rows}
    assert per_type["Post-qualification experience below the minimum"] == [1, 1]
    assert per_type["Notice period not kept"] == [1, 3]


def test_trends_over_quarters(client, dcs, history):
    client.force_login(dcs)
    figures = _figures(client)
    assert figures["logged"].rows == [["2026 Q1", 4], ["2026 Q2", 2]]
    assert figures["median-days"].rows == [["2026 Q1", 15], ["2026 Q2", 8]]
    assert figures["escalations"].columns == ["Quarter", "To level 2", "To level 3"]
    assert figures["escalations"].rows == [["2026 Q1", 0, 1], ["2026 Q2", 2, 0]]
    assert figures["agencies-upheld"].rows == [["Alpha Agency", 2], ["Beta Agency", 1]]


def test_upheld_agencies_follow_the_period(client, dcs, history):
    client.force_login(dcs)
    figures = _figures(client, start="2026-Q1", end="2026-Q1")
    assert figures["agencies-upheld"].rows == [["Alpha Agency", 1]]
    assert figures["logged"].rows == [["2026 Q1", 4]]
    assert figures["per-la"].columns == ["Local authority", "2026 Q1", "2025 Q4"]


def test_filtering_to_one_la(client, dcs, history):
    client.force_login(dcs)
    figures = _figures(client, la="202")
    assert figures["median-days"].rows == [["2026 Q1", 15], ["2026 Q2", 16]]
    assert figures["logged"].rows == [["2026 Q1", 4], ["2026 Q2", 1]]
    assert figures["escalations"].rows == [["2026 Q1", 0, 1], ["2026 Q2", 1, 0]]
    hackney = _figures(client, la="204")
    assert hackney["median-days"].rows == [["2026 Q1", None], ["2026 Q2", 8]]
    assert hackney["per-la"].highlight == "Hackney"


def test_an_even_count_takes_the_mean_of_the_middle_two(client, dcs, history):
    _set(history["E"], working_days_taken=6)
    B = Breach.objects.get(pk=history["B"].pk)
    _set(B, resolved_at=at(2026, 4, 2, 9))  # Q2 now holds 5, 6, 20, 27
    client.force_login(dcs)
    figures = _figures(client)
    assert figures["median-days"].rows == [["2026 Q1", 10], ["2026 Q2", 13]]
    _set(history["E"], working_days_taken=7)  # 5, 7, 20, 27: (7 + 20) / 2
    assert _figures(client)["median-days"].rows[1] == ["2026 Q2", Decimal("13.5")]


def test_reviews_with_overdue_actions(client, regional_lead, history, london):
    msp = MSP.objects.create(name="Neutral Vendor Ltd", company_number="01234567", kind="neutral")
    review = RelationshipReview.objects.create(
        region=london, msp=msp, held_on=D(2026, 1, 12), attendees="x", effectiveness=3
    )
    ReviewAction.objects.create(review=review, description="a", owner="o", due_on=D(2026, 2, 1))
    ReviewAction.objects.create(review=review, description="b", owner="o", due_on=D(2026, 3, 1))
    ReviewAction.objects.create(
        review=review, description="done", owner="o", due_on=D(2026, 1, 20), done_on=D(2026, 1, 19)
    )
    ReviewAction.objects.create(review=review, description="later", owner="o", due_on=D(2099, 1, 1))
    client.force_login(regional_lead)
    rows = _figures(client)["reviews-overdue"].rows
    assert rows == [["Neutral Vendor Ltd", "Whole region", D(2026, 1, 12), 2, D(2026, 2, 1)]]


def test_quarters_are_calendar_quarters():
    assert quarter_start(D(2026, 11, 22)) == D(2026, 10, 1)
    assert previous_quarter(D(2026, 10, 1)) == D(2026, 7, 1)
    assert previous_quarter(D(2026, 1, 1)) == D(2025, 10, 1)
    assert next_quarter(D(2026, 10, 1)) == D(2027, 1, 1)
    period = Period.default(D(2026, 11, 24))
    assert (period.first, period.last, len(period.quarters)) == (D(2025, 1, 1), D(2026, 10, 1), 8)


def test_the_default_period_is_the_last_eight_quarters(client, dcs, history):
    client.force_login(dcs)
    response = client.get(reverse("dashboards:region", args=["LDN"]))
    figures = {f.slug: f for f, _chart in response.context["figures"]}
    assert len(figures["logged"].rows) == 8
    assert (
        figures["logged"].rows[-1][0] == Period.default(timezone.localdate()).label.split(" to ")[1]
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"start": "2026-Q3", "end": "2026-Q1"},
            "end",
            "The end quarter must be the same as or after the start quarter",
        ),
        ({"start": "1999-Q1"}, "start", "Select a quarter from the list"),
        ({"la": "391"}, "la", "Select a local authority from the list"),  # Newcastle: not in London
        ({"la": "<script>"}, "la", "Select a local authority from the list"),
    ],
)
def test_bad_filters_are_explained_beside_the_field(client, dcs, history, params, field, message):
    client.force_login(dcs)
    response = _get(client, **params)
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    # The figures fall back to the default view rather than failing.
    assert response.context["selection"].local_authority is None


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("dcs", 200),
        ("regional_lead", 200),
        ("observer", 200),
        ("national_admin", 200),
        ("london_admin", 200),
        ("la_workforce_lead", 403),
        ("msp_contact", 403),
        ("newcastle_dcs", 404),
        ("north_east_lead", 404),
    ],
)
def test_who_sees_the_london_dashboard_and_its_exports(client, request, history, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("dashboards:region", args=["LDN"])).status_code == status
    for slug in ("per-la", "median-days", "agencies-upheld"):
        url = reverse("dashboards:figure_csv", args=["LDN", slug])
        assert client.get(url).status_code == status


def test_an_unknown_figure_is_404(client, dcs, history):
    client.force_login(dcs)
    assert client.get(reverse("dashboards:figure_csv", args=["LDN", "nope"])).status_code == 404


def test_a_dcs_of_another_region_sees_nothing_of_london(client, newcastle_dcs, history):
    client.force_login(newcastle_dcs)
    response = client.get(reverse("dashboards:region", args=["NE"]), PERIOD)
    assert response.status_code == 200
    figures = {f.slug: f for f, _chart in response.context["figures"]}
    text = response.content.decode()
    assert "Camden" not in text
    assert "Beta Agency" not in text
    assert figures["logged"].rows == [["2026 Q1", 0], ["2026 Q2", 1]]
    assert figures["median-days"].rows == [["2026 Q1", None], ["2026 Q2", 99]]
    assert figures["escalations"].rows == [["2026 Q1", 0], ["2026 Q2", 1]]
    assert figures["agencies-upheld"].rows == [["Alpha Agency", 1]]
    # Every London export answers 404; none of the North East's names a London LA or agency.
    london_names = set(
        LocalAuthority.objects.filter(region__code="LDN").values_list("name", flat=True)
    )
    for slug in REGION_FIGURES:
        assert client.get(reverse("dashboards:figure_csv", args=["LDN", slug])).status_code == 404
        own = client.get(reverse("dashboards:figure_csv", args=["NE", slug]), PERIOD)
        cells = {
            cell for row in csv.reader(io.StringIO(own.content.decode("utf-8-sig"))) for cell in row
        }
        assert not cells & (london_names | {"Beta Agency"}), slug
    # An LA of London cannot be chosen.
    assert (
        client.get(reverse("dashboards:region", args=["NE"]), {"la": "202"})
        .context["selection"]
        .local_authority
        is None
    )


def test_observers_get_no_links_to_breaches(client, observer, history):
    client.force_login(observer)
    response = _get(client)
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert "/breaches/" not in main
    assert response.context["queues"] == []
    for breach in history.values():  # nor can they open one
        assert client.get(breach.get_absolute_url()).status_code == 404


def test_a_lead_sees_their_work_queue(client, regional_lead, history):
    client.force_login(regional_lead)
    response = _get(client)
    titles = [queue.title for queue in response.context["queues"]]
    assert "New reports to triage" in titles
    assert 'id="overdue-list"' in response.content.decode()


def test_choosing_another_region_opens_its_dashboard(client, national_admin, history):
    client.force_login(national_admin)
    response = client.get(reverse("dashboards:region", args=["LDN"]), {**PERIOD, "region": "NE"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("dashboards:region", args=["NE"]) + "?start=2026-Q1&end=2026-Q2"
    )


def _csv(client, slug, **params):
    response = client.get(
        reverse("dashboards:figure_csv", args=["LDN", slug]), {**PERIOD, **params}
    )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_table_downloads_as_csv_with_the_page_filters(client, dcs, history):
    client.force_login(dcs)
    assert _csv(client, "open-by-state") == [
        ["State", "Breaches"],
        ["Reported", "0"],
        ["Awaiting response", "0"],
        ["Under review", "1"],
    ]
    assert _csv(client, "median-days", la="202") == [
        ["Quarter resolved", "Median working days"],
        ["2026 Q1", "15"],
        ["2026 Q2", "16"],
    ]
    page = _get(client)
    for figure, _chart in page.context["figures"]:
        assert _csv(client, figure.slug)[0] == figure.columns


def test_charts_are_drawn_beside_their_tables(client, dcs, history):
    client.force_login(dcs)
    response = _get(client)
    text = response.content.decode()
    charts = {f.slug: chart for f, chart in response.context["figures"] if chart}
    assert set(charts) == {"logged", "median-days", "escalations"}
    assert [bar.title for bar in charts["logged"].bars] == [
        "2026 Q1, Breaches logged: 4",
        "2026 Q2, Breaches logged: 2",
    ]
    assert charts["logged"].bars[0].height == 2 * charts["logged"].bars[1].height
    assert text.count("<svg") >= 3
    assert 'role="img"' in text
    assert "<script" not in text.split("<main")[1].split("</main>")[0]


@pytest.mark.parametrize("person", ["dcs", "regional_lead", "observer", "national_admin"])
def test_the_dashboard_keeps_a_fixed_query_count(client, request, regional_lead, history, person):
    client.force_login(request.getfixturevalue(person))
    client.get("/")

    def count():
        return cold_and_warm_queries(lambda: _get(client))

    before = count()
    agency = AgencyFactory(name="Gamma Agency")
    for n, la_code in enumerate(("202", "206", "208", "209", "210") * 3):
        b = logged_breach(local_authority(la_code), reporter=regional_lead, agencies=[agency])
        if n % 2:
            _set(
                b,
                state="resolved",
                outcome="upheld",
                resolved_at=at(2026, 5, 5, 9),
                working_days_taken=3,
            )
            BreachEvent.objects.create(
                breach=b, kind=EventKind.ESCALATED, to_level=4, created_at=at(2026, 5, 6, 9)
            )
    assert count() == before
    assert before[0] <= 15
    assert before[1] < before[0]


def test_every_figure_is_in_one_section_listed_on_the_page(client, regional_lead, history):
    placed = [slug for section in REGION_SECTIONS for slug in section.slugs]
    assert sorted(placed) == sorted(REGION_FIGURES)
    client.force_login(regional_lead)
    response = _get(client)
    text = response.content.decode()
    contents = text.split('id="contents"')[1].split("</nav>")[0]
    targets = re.findall(r'href="#([a-z-]+)"', contents)
    assert targets == [section.id for section in REGION_SECTIONS] + ["breaches-that-need-you"]
    for target in targets:
        assert text.count(f'id="{target}"') == 1
    # Each section's figures sit under its heading, in its order.
    starts = [text.index(f'id="{target}"') for target in targets]
    for section, start, end in zip(REGION_SECTIONS, starts, starts[1:], strict=False):
        body = text[start:end]
        headings = re.findall(r'<h3 class="govuk-heading-m" id="figure-([a-z-]+)-heading"', body)
        assert headings == list(section.slugs)
        assert 'href="#contents">Back to contents<' in body


def test_people_with_no_queues_get_no_section_for_them(client, observer, history):
    client.force_login(observer)
    text = _get(client).content.decode()
    assert "breaches-that-need-you" not in text


def test_figures_that_cannot_follow_the_period_say_so(client, dcs, history):
    client.force_login(dcs)
    figures = _figures(client)
    today = {"coverage", "deadlines", "open-by-state", "open-by-level", "reviews-overdue"}
    for slug, figure in figures.items():
        assert ("whatever the period chosen" in figure.note) == (slug in today), slug


def test_the_la_filter_says_which_figures_cover_the_whole_region(client, dcs, history):
    client.force_login(dcs)
    whole_region = "All local authorities in the region: "
    assert not any(whole_region in f.note for f in _figures(client).values())
    figures = _figures(client, la="204")
    covering = {slug for slug, f in figures.items() if f.note.startswith(whole_region)}
    assert covering == {"coverage", "per-la"}
    assert "this figure is not broken down by local authority. Hackney has signed." in (
        figures["coverage"].note
    )
    assert "the table compares them, with Hackney marked" in figures["per-la"].note
    assert _figures(client, la="206")["coverage"].note.count("Islington has not signed") == 1
    # Every other figure follows it.
    assert figures["logged"].rows == [["2026 Q1", 0], ["2026 Q2", 1]]
    assert figures["open-by-state"].rows[2] == ["Under review", 0]
    assert figures["agencies-upheld"].rows == []
    page = _get(client, la="204").content.decode()
    assert "breaches concerning Hackney. Figures that cover every local authority" in page


def test_reviews_follow_the_la_filter(client, regional_lead, history, london):
    msp = MSP.objects.create(name="Neutral Vendor Ltd", company_number="01234567", kind="neutral")
    for la in (None, local_authority("202"), local_authority("204")):
        review = RelationshipReview.objects.create(
            region=london,
            msp=msp,
            local_authority=la,
            held_on=D(2026, 1, 12),
            attendees="x",
            effectiveness=3,
        )
        ReviewAction.objects.create(review=review, description="a", owner="o", due_on=D(2026, 2, 1))
    client.force_login(regional_lead)
    assert [row[1] for row in _figures(client)["reviews-overdue"].rows] == [
        "Whole region",
        "Camden",
        "Hackney",
    ]
    camden = _figures(client, la="202")["reviews-overdue"]
    assert [row[1] for row in camden.rows] == ["Whole region", "Camden"]
    assert camden.note.startswith("Reviews for Camden and for the whole region")


def test_chart_axes_have_titles(client, dcs, history):
    client.force_login(dcs)
    response = _get(client)
    charts = {f.slug: chart for f, chart in response.context["figures"] if chart}
    titles = {slug: (c.x_title.text, c.y_title.text) for slug, c in charts.items()}
    assert titles == {
        "logged": ("Quarter", "Breaches logged"),
        "median-days": ("Quarter resolved", "Median working days"),
        "escalations": ("Quarter", "Escalations"),
    }
    assert charts["logged"].description == (
        "Bar chart of the table next to it: breaches logged (up the side) by quarter "
        "(along the bottom)."
    )
    svg = response.content.decode().split('<svg width="100%"')[1].split("</svg>")[0]
    assert re.search(r'<text x="[\d.]+" y="[\d.]+" text-anchor="middle"[^>]*>Quarter</text>', svg)
    assert re.search(r'transform="rotate\(-90 [\d.]+ [\d.]+\)"[^>]*>Breaches logged</text>', svg)
    # The value axis's title sits left of its labels; the quarters' title below theirs.
    chart = charts["logged"]
    assert chart.y_title.x < chart.plot_left - 40
    assert chart.x_title.y > chart.baseline + 30
    assert chart.x_title.y < chart.height


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-Q4", "end": "2020-Q1"},
        {"start": "garbage"},
        {"end": "2026-Q9", "la": "nope"},
    ],
)
@pytest.mark.parametrize("view", ["region", "national"])
def test_a_bad_period_leads_with_the_error_summary(client, request, history, params, view):
    client.force_login(request.getfixturevalue("dcs" if view == "region" else "observer"))
    url = reverse("dashboards:region", args=["LDN"]) if view == "region" else "/dashboards/"
    response = client.get(url, params)
    assert response.status_code == 200
    text = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", text, re.S)[1]
    name = "London dashboard" if view == "region" else "National dashboard"
    assert title.startswith(f"Error: {name} \N{EN DASH} ")
    assert title.count("Error:") == 1
    main = text.split('id="main-content">')[1]
    assert main.lstrip().startswith('<div class="govuk-error-summary"')
    assert main.index("govuk-error-summary") < main.index("<h1")
    assert "(the default, until the filters are corrected)" in main


def test_chart_coordinates_are_never_localised(client, dcs, history):
    """SVG wants 12.5, whatever a locale would write (12,5): the chart turns localisation off
    (which also spares a dashboard some five hundred number formattings a request)."""
    from django.utils import translation

    client.force_login(dcs)
    with translation.override("de"):  # a locale with a decimal comma
        html = _get(client).content.decode()
    svg = html.split('<svg width="100%"')[1].split("</svg>")[0]
    assert re.search(r'<rect x="\d+\.\d"', svg)
    assert not re.search(r'(x|y|x1|x2|y1|y2|width|height)="-?\d+,\d', svg)
