"""HRIS entities of the export contract (SPEC section 2)."""

from __future__ import annotations

from .schema import Entity, Reference, col, employee_ref, rating

READINESS_BANDS = ("ready_now", "ready_1_2_years", "ready_3_plus_years")
MILESTONE_TYPES = ("skill", "project", "certification", "training", "mentoring", "stretch_assignment")
SESSION_STATUSES = ("scheduled", "completed", "missed", "cancelled")
# SPEC leaves the outcome of a leadership review open; these are the outcomes lpss understands.
REVIEW_OUTCOMES = ("development_plan", "coaching", "performance_improvement_plan", "role_change", "no_action")

_DEPARTMENT = Reference("departments", "department_id")
_POSITION = Reference("positions", "position_id")


def _level(name: str, description: str, lo: int = 0, hi: int = 4):
    return col(name, "integer", description, min=lo, max=hi)


HRIS_ENTITIES: tuple[Entity, ...] = (
    Entity(
        "hris",
        "employees",
        "snapshot",
        ("employee_id",),
        "Every person employed during the export window, current state.",
        (
            col("employee_id", "string", "HRIS person id"),
            col("full_name", "string", "Display name"),
            col(
                "email",
                "string",
                "Work e-mail; unique as e-mails compare (case and width folded, trimmed); the CRM join key",
                email_key=True,
                unique_ci=True,
            ),
            col("hire_date", "date", "First day of employment"),
            col("termination_date", "date", "Last day of employment; null while employed", nullable=True),
            col("job_title", "string", "Job title"),
            _level("leadership_level", "0 individual contributor .. 4 VP / Executive"),
            col("level_start_date", "date", "Date the current leadership level began"),
            col("department_id", "string", "Home department", references=_DEPARTMENT),
            col("region", "string", "Geographic region"),
            employee_ref(
                "manager_id", "Direct manager; null only for the top of the organisation", nullable=True
            ),
            col("slack_user_id", "string", "Slack member id, when known", nullable=True),
        ),
    ),
    Entity(
        "hris",
        "departments",
        "snapshot",
        ("department_id",),
        "Organisation units.",
        (
            col("department_id", "string", "Department id"),
            col("department_name", "string", "Department name"),
            col(
                "parent_department_id",
                "string",
                "Parent unit; null at the top",
                nullable=True,
                references=_DEPARTMENT,
            ),
            employee_ref("head_employee_id", "Head of the department", nullable=True),
            employee_ref("executive_sponsor_id", "Executive accountable for the department's leaders"),
            col("is_revenue_generating", "boolean", "Whether revenue metrics apply to its leaders"),
        ),
    ),
    Entity(
        "hris",
        "positions",
        "snapshot",
        ("position_id",),
        "Leadership positions (level >= 1).",
        (
            col("position_id", "string", "Position id"),
            col("title", "string", "Position title"),
            _level("leadership_level", "Level of the position"),
            col("department_id", "string", "Department of the position", references=_DEPARTMENT),
            employee_ref("incumbent_employee_id", "Current holder; null when vacant", nullable=True),
            col("is_critical", "boolean", "Critical for succession planning"),
        ),
    ),
    Entity(
        "hris",
        "succession_nominations",
        "snapshot",
        ("position_id", "candidate_employee_id"),
        "Successor slates of positions.",
        (
            col("position_id", "string", "Position", references=_POSITION),
            employee_ref("candidate_employee_id", "Nominated successor"),
            col("readiness", "string", "Readiness band of the candidate", allowed=READINESS_BANDS),
            col("is_emergency_successor", "boolean", "Named to step in at once if the seat empties"),
            col("rank", "integer", "Order on the slate, 1 first", min=1),
            employee_ref("nominated_by", "Who nominated the candidate"),
            col("nominated_on", "date", "Nomination date"),
        ),
    ),
    Entity(
        "hris",
        "goal_attainment",
        "event",
        ("employee_id", "month"),
        "Monthly goal attainment.",
        (
            employee_ref("employee_id", "Person"),
            col("month", "month", "Month (first day)"),
            col("goal_attainment_pct", "number", "Share of goals attained, percent", min=0, max=200),
        ),
    ),
    Entity(
        "hris",
        "engagement_surveys",
        "event",
        ("leader_employee_id", "survey_quarter"),
        "Quarterly team engagement survey per leader.",
        (
            employee_ref("leader_employee_id", "Leader whose team answered"),
            col("survey_quarter", "quarter", "Quarter (first day)"),
            rating("team_satisfaction", "Mean of the 1-5 answers"),
            col("responses", "integer", "Answers received", min=0),
            col("invited", "integer", "Team members invited", min=0),
        ),
    ),
    Entity(
        "hris",
        "one_on_one_feedback",
        "event",
        ("leader_employee_id", "month"),
        "Monthly 1:1 feedback collection per leader.",
        (
            employee_ref("leader_employee_id", "Leader collecting feedback"),
            col("month", "month", "Month (first day)"),
            col("feedback_requested", "integer", "Feedback forms requested", min=0),
            col("feedback_completed", "integer", "Feedback forms completed", min=0),
        ),
    ),
    Entity(
        "hris",
        "trainings",
        "event",
        ("employee_id", "course_id", "assigned_on"),
        "Training assignments.",
        (
            employee_ref("employee_id", "Learner"),
            col("course_id", "string", "Course id"),
            col("assigned_on", "date", "Assignment date"),
            col("course_name", "string", "Course name"),
            col("is_required", "boolean", "Mandatory course"),
            col("due_date", "date", "Due date"),
            col("completed_on", "date", "Completion date; null while open", nullable=True),
        ),
    ),
    Entity(
        "hris",
        "idp_milestones",
        "event",
        ("milestone_id",),
        "Individual development plan milestones.",
        (
            col("milestone_id", "string", "Milestone id"),
            employee_ref("employee_id", "Owner of the IDP"),
            col("milestone_type", "string", "Kind of milestone", allowed=MILESTONE_TYPES),
            col("title", "string", "What is to be achieved"),
            col("competency_id", "string", "Competency developed, if any", nullable=True),
            col("due_date", "date", "Due date"),
            col("completed_on", "date", "Completion date; null while open", nullable=True),
        ),
    ),
    Entity(
        "hris",
        "mentor_assignments",
        "snapshot",
        ("assignment_id",),
        "Mentor-mentee pairs.",
        (
            col("assignment_id", "string", "Assignment id"),
            employee_ref("mentor_employee_id", "Mentor"),
            employee_ref("mentee_employee_id", "Mentee"),
            col("domain", "string", "What the mentoring is about"),
            col("start_date", "date", "First day of the pairing"),
            col("end_date", "date", "Last day; null while open-ended", nullable=True),
            col("planned_sessions_per_month", "integer", "Sessions planned each month", min=0, max=31),
        ),
    ),
    Entity(
        "hris",
        "mentoring_sessions",
        "event",
        ("session_id",),
        "Mentoring sessions.",
        (
            col("session_id", "string", "Session id"),
            col(
                "assignment_id",
                "string",
                "Pairing",
                references=Reference("mentor_assignments", "assignment_id"),
            ),
            col("scheduled_at", "timestamp", "Scheduled start"),
            col("status", "string", "Outcome", allowed=SESSION_STATUSES),
            rating("mentee_feedback", "Mentee's 1-5 rating of the session", nullable=True, type_="integer"),
        ),
    ),
    Entity(
        "hris",
        "competency_assessments",
        "event",
        ("employee_id", "month", "competency_id"),
        "Monthly competency ratings.",
        (
            employee_ref("employee_id", "Person assessed"),
            col("month", "month", "Month (first day)"),
            col("competency_id", "string", "Competency of the framework"),
            rating("rating", "1-5 rating", type_="integer"),
            employee_ref("assessor_employee_id", "Assessor"),
        ),
    ),
    Entity(
        "hris",
        "strategic_impact_ratings",
        "event",
        ("leader_employee_id", "quarter"),
        "Quarterly strategic-impact ratings of leaders.",
        (
            employee_ref("leader_employee_id", "Leader rated"),
            col("quarter", "quarter", "Quarter (first day)"),
            rating("project_execution", "Project execution, 1-5"),
            rating("innovation", "Innovation, 1-5"),
            rating("cross_functional_influence", "Cross-functional influence, 1-5"),
            employee_ref("rated_by", "Rater"),
        ),
    ),
    Entity(
        "hris",
        "readiness_assessments",
        "event",
        ("employee_id", "assessed_on"),
        "Talent-review readiness calls.",
        (
            employee_ref("employee_id", "Person assessed"),
            col("assessed_on", "date", "Assessment date"),
            _level("target_level", "Level assessed for", lo=1),
            col("assessed_ready", "boolean", "Called ready for the target level"),
            employee_ref("assessor_employee_id", "Assessor"),
        ),
    ),
    Entity(
        "hris",
        "promotions",
        "event",
        ("employee_id", "effective_date"),
        "Promotions.",
        (
            employee_ref("employee_id", "Person promoted"),
            col("effective_date", "date", "Effective date"),
            _level("from_level", "Level before", hi=3),
            _level("to_level", "Level after", lo=1),
            col("position_id", "string", "Position taken, if any", nullable=True, references=_POSITION),
        ),
    ),
    Entity(
        "hris",
        "leadership_reviews",
        "event",
        ("review_id",),
        "Leadership reviews held.",
        (
            col("review_id", "string", "Review id"),
            employee_ref("employee_id", "Leader reviewed"),
            col("held_on", "date", "Date held"),
            col("outcome", "string", "Outcome", allowed=REVIEW_OUTCOMES),
        ),
    ),
)
