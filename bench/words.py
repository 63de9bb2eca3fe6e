"""Names and sentences for the synthetic records: invented, plain English, nothing random-looking
on a page a person reads."""

from decimal import Decimal

from breaches.models import BreachType, Outcome
from mou.models import JobType
from msp.models import MSPKind


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Aisha Ben Chloe Daniel Ella Farid Grace Harry Imran Jade Kofi Laura Mohammed Nadia Oliver "
    "Priya Quinn Rosa Samuel Tara Usman Vera William Yasmin Zoe Adam Bethany Callum Deborah Emeka "
    "Fiona George Hannah Isaac Joanna Kieran Lucy Martin Niamh Owen"
)
LAST_NAMES = _words(
    "Adeyemi Baker Campbell Davies Evans Fraser Green Hughes Iqbal Jones Khan Lewis Murphy "
    "Nowak O'Brien Patel Quayle Roberts Singh Taylor Usher Vaughan Walker Young Ahmed Brown "
    "Clarke Edwards Fisher Gray Hall Jackson King Moore Nelson Parker Reid Scott Turner Wood"
)
PLACES = _words(
    "Ashdown Brookfield Castlegate Dunmore Elmstead Fairholme Greywell Hartley Ivybridge Juniper "
    "Kingsmead Larkfield Millbrook Northgate Oakridge Parkside Queensway Riverside Stonebridge "
    "Thornbury Upton Valebrook Westcliff Yarrow Allendale Beechwood Colwell Deepdale Eastleigh "
    "Foxhill Glenmore Hollins Ingleby Kestrel Linden Marston Newbury Orchard Penrose Redmire "
    "Saltmarsh Tanfield Ulverby Wansford Ashby Bramley Cranford Dalton Exley Farnham"
)
AGENCY_KINDS = [
    "Social Care Recruitment Ltd",
    "Children's Services Staffing Ltd",
    "Social Work Associates Ltd",
    "Care Professionals Ltd",
    "Family Practice Recruitment Ltd",
    "Workforce Solutions Ltd",
    "Locum Social Work Ltd",
    "Child Protection Staffing Ltd",
    "Interim Practice Ltd",
    "Safeguarding Recruitment Ltd",
    "Assessment Team Services Ltd",
    "Practice Leaders Ltd",
    "Social Work Direct Ltd",
    "Care Talent Ltd",
    "Fostering Staff Ltd",
    "Youth Justice Staffing Ltd",
    "Independent Reviewing Ltd",
    "Frontline Locums Ltd",
    "Casework Partners Ltd",
    "Family Support Staffing Ltd",
    "Social Care People Ltd",
    "Children First Recruitment Ltd",
    "Edge Social Work Ltd",
    "Practice Plus Ltd",
    "Community Care Staffing Ltd",
    "Specialist Social Work Ltd",
    "Team Managers Ltd",
    "Regional Locums Ltd",
    "Qualified Social Workers Ltd",
    "Child and Family Staffing Ltd",
    "Project Teams Ltd",
    "Care Cover Ltd",
    "Social Work Solutions Ltd",
    "Placement Staffing Ltd",
    "Practice Matters Ltd",
    "Early Help Recruitment Ltd",
    "Kinship Staffing Ltd",
    "Court Work Locums Ltd",
    "Permanence Recruitment Ltd",
    "Leaving Care Staffing Ltd",
]
MSP_NAMES = [
    ("Capital Workforce Partners", MSPKind.NEUTRAL_VENDOR),
    ("Northern Workforce Solutions", MSPKind.MASTER_VENDOR),
    ("Shires Talent Partners", MSPKind.NEUTRAL_VENDOR),
    ("Coast and Vale Staffing Services", MSPKind.MASTER_VENDOR),
    ("Midlands Managed Services", MSPKind.NEUTRAL_VENDOR),
    ("Pennine Workforce Management", MSPKind.MASTER_VENDOR),
    ("Eastern Counties Resourcing", MSPKind.NEUTRAL_VENDOR),
    ("Wessex Public Sector Staffing", MSPKind.NEUTRAL_VENDOR),
    ("Thames Valley Talent Services", MSPKind.MASTER_VENDOR),
    ("Humber and Wolds Resourcing", MSPKind.NEUTRAL_VENDOR),
]
TYPE_WEIGHTS = {
    BreachType.RATE_ABOVE_CAP: 24,
    BreachType.NON_ENGAGEMENT: 15,
    BreachType.NOTICE: 12,
    BreachType.REFERENCES: 10,
    BreachType.PQE: 8,
    BreachType.ADVERTISING: 8,
    BreachType.HEADHUNTING: 7,
    BreachType.PROJECT_TEAM: 6,
    BreachType.DATA_RETURN: 5,
    BreachType.OTHER: 5,
}
DESCRIPTIONS = {
    BreachType.RATE_ABOVE_CAP: "Worker engaged at an hourly rate above the regional cap.",
    BreachType.NON_ENGAGEMENT: "Worker left a permanent post in the region and was placed as "
    "agency within the non-engagement period.",
    BreachType.NOTICE: "Assignment ended with less notice than the MOU requires.",
    BreachType.REFERENCES: "Placement made with one reference, not on the national template.",
    BreachType.PQE: "Worker placed with less post-qualification experience than the minimum.",
    BreachType.ADVERTISING: "Roles advertised at rates above the cap on a job board.",
    BreachType.HEADHUNTING: "Agency approached permanent staff of a signatory directly.",
    BreachType.PROJECT_TEAM: "Individual workers supplied as a project team to avoid the cap.",
    BreachType.DATA_RETURN: "Quarterly agency data return not received by the deadline.",
    BreachType.OTHER: "Concern raised at the regional workforce group.",
}
COMMENTS = [
    "Discussed at the regional workforce group; further information requested.",
    "Spoke to the agency's compliance lead, who is checking the placement records.",
    "Timesheets for the assignment received and attached to the case file.",
    "The local authority confirmed the dates of the engagement.",
    "MSP has supplied the booking history for this worker.",
    "Chased for an update by email.",
    "Legal advice sought on whether the rule applies to this engagement.",
    "Agency disputes the start date; checking with the hiring manager.",
    "Noted at the regional DCS board.",
    "Similar pattern seen with the same agency in a neighbouring authority.",
]
RESOLUTION_NOTES = {
    Outcome.UPHELD: "The breach is upheld.",
    Outcome.NOT_UPHELD: "Evidence did not show a breach of the MOU.",
    Outcome.NO_FURTHER_ACTION: "Resolved informally; no further action needed.",
}


CAP_RATES = {
    JobType.SOCIAL_WORKER: Decimal("32.00"),
    JobType.SENIOR_SOCIAL_WORKER: Decimal("38.00"),
    JobType.ADVANCED_PRACTITIONER: Decimal("41.00"),
    JobType.TEAM_MANAGER: Decimal("46.00"),
    JobType.IRO_CP_CHAIR: Decimal("43.00"),
}
