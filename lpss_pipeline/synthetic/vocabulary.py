"""Words the demo organisation is written in: names, functions, regions, courses.

The competency framework is NOT here: it is configuration (``lpss_pipeline/config/defaults``) and
is read from there by ``load_competencies`` so the generator rates exactly the framework the marts use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from lpss_pipeline.config.folder import DEFAULTS_DIR

FIRST_NAMES = (
    "Ava",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Mateo",
    "Sophia",
    "Lucas",
    "Amara",
    "Kenji",
    "Isabel",
    "Ravi",
    "Chloe",
    "Omar",
    "Mia",
    "Ethan",
    "Priya",
    "Diego",
    "Hannah",
    "Wei",
    "Zara",
    "Jonas",
    "Leila",
    "Tomas",
    "Grace",
    "Arjun",
    "Nora",
    "Felix",
    "Yuki",
    "Samuel",
    "Elena",
    "Kwame",
    "Clara",
    "Hugo",
    "Aisha",
    "Marco",
    "Ingrid",
    "David",
    "Fatima",
    "Oscar",
    "Lucia",
    "Sean",
    "Mei",
    "Andre",
    "Freya",
    "Nikhil",
    "Rosa",
    "Tariq",
    "Julia",
    "Pablo",
    "Sara",
    "Ibrahim",
    "Lena",
    "Daniel",
    "Naomi",
    "Kofi",
    "Alice",
    "Viktor",
    "Maya",
    "Chen",
)
LAST_NAMES = (
    "Smith",
    "Garcia",
    "Chen",
    "Okafor",
    "Muller",
    "Rossi",
    "Tanaka",
    "Patel",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Johansson",
    "Haddad",
    "Kim",
    "Brown",
    "Dubois",
    "Novak",
    "Mensah",
    "Fernandez",
    "Ivanova",
    "Cohen",
    "Sato",
    "Andersen",
    "Costa",
    "Murphy",
    "Schmidt",
    "Ali",
    "Lopez",
    "Wilson",
    "Hughes",
    "Park",
    "Moreau",
    "Singh",
    "Bianchi",
    "Eriksson",
    "Torres",
    "Adeyemi",
    "Jensen",
    "Kaur",
    "Morales",
    "Walsh",
    "Yilmaz",
    "Nakamura",
    "Oliveira",
    "Fischer",
    "Reyes",
    "Campbell",
    "Horvat",
    "Bauer",
    "Ortiz",
    "Lindqvist",
    "Das",
    "Mwangi",
    "Van Dijk",
    "Romero",
    "Petrov",
    "Clarke",
    "Sharma",
    "Wong",
    "Baker",
)

REGIONS = ("North America", "EMEA", "APAC", "LATAM")

# Department functions: (name, individual-contributor title). Revenue-generating ones first.
REVENUE_FUNCTIONS = (
    ("Sales", "Account Executive"),
    ("Customer Success", "Customer Success Specialist"),
    ("Business Development", "Business Development Representative"),
    ("Partnerships", "Partner Specialist"),
    ("Renewals", "Renewals Specialist"),
    ("Field Sales", "Field Sales Representative"),
    ("Inside Sales", "Inside Sales Representative"),
    ("Channel Sales", "Channel Account Specialist"),
)
SUPPORT_FUNCTIONS = (
    ("Engineering", "Software Engineer"),
    ("Product", "Product Analyst"),
    ("Finance", "Financial Analyst"),
    ("People", "HR Business Partner"),
    ("Operations", "Operations Specialist"),
    ("Legal", "Legal Counsel"),
    ("IT", "IT Specialist"),
    ("Data", "Data Analyst"),
    ("Marketing", "Marketing Specialist"),
    ("Supply Chain", "Supply Chain Analyst"),
    ("Security", "Security Engineer"),
    ("Procurement", "Procurement Specialist"),
    ("Research", "Research Scientist"),
    ("Quality", "Quality Analyst"),
    ("Facilities", "Facilities Coordinator"),
)
DIVISION_NAMES = (
    "Commercial",
    "Technology",
    "Operations",
    "Corporate",
    "Growth",
    "Platform",
    "Customer",
    "Enterprise",
    "International",
    "Services",
    "Digital",
    "Infrastructure",
)
EXECUTIVE_OFFICE = "Executive Office"
CEO_TITLE = "Chief Executive Officer"
LEVEL_TITLES = ("{ic}", "{f} Manager", "Senior {f} Manager", "Director of {f}", "VP {f}")
LEAD_TITLE = "Lead {ic}"  # a level-1 leader without reports

REQUIRED_COURSES = (
    "Code of Conduct",
    "Information Security Essentials",
    "Data Privacy and GDPR",
    "Respect at Work",
    "Inclusive Hiring",
    "Health and Safety",
    "Anti-Bribery and Corruption",
    "Managing Performance Fairly",
)
OPTIONAL_COURSES = (
    "Presenting with Impact",
    "Negotiation Skills",
    "Finance for Non-Finance Managers",
    "Coaching Conversations",
    "Design Thinking",
    "Storytelling with Data",
    "Leading Remote Teams",
    "Time and Energy Management",
    "Strategic Thinking",
    "Managing Change",
    "Giving and Receiving Feedback",
    "Building Trust",
)

# IDP milestone titles by type; "{c}" is the competency's name. Types without a competency use the
# second template. Keys are the contract's MILESTONE_TYPES.
MILESTONE_TITLES = {
    "skill": ("Develop {c}", "Build a new professional skill"),
    "project": ("Deliver a project that applies {c}", "Lead a cross-team project"),
    "certification": ("Earn a certification in {c}", "Complete a professional certification"),
    "training": ("Complete a {c} programme", "Complete a leadership programme"),
    "mentoring": ("Mentoring goal: {c}", "Agree mentoring goals with a mentor"),
    "stretch_assignment": ("Stretch assignment in {c}", "Take on a stretch assignment"),
}
MILESTONE_TYPE_PROBS = {
    "skill": 0.25,
    "project": 0.2,
    "certification": 0.1,
    "training": 0.2,
    "mentoring": 0.1,
    "stretch_assignment": 0.15,
}
COMPETENCY_PROB = {"project": 0.5, "certification": 0.5}  # other types always name a competency


@dataclass(frozen=True)
class Competency:
    competency_id: str
    name: str
    kind: str


def competency_framework_path() -> Path:
    return DEFAULTS_DIR / "competency_framework.csv"


def load_competencies(path: Path | None = None) -> tuple[Competency, ...]:
    """The framework's competencies, in file order (the order fixes the monthly rotation)."""
    with (path or competency_framework_path()).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError("the competency framework is empty")
    return tuple(Competency(r["competency_id"], r["competency_name"], r["competency_kind"]) for r in rows)
