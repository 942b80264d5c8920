"""CRM entities of the export contract (SPEC section 2).

CRM systems know people by e-mail, not HRIS id; the join to employees happens downstream.
"""

from __future__ import annotations

from .schema import Entity, col

CRM_ENTITIES: tuple[Entity, ...] = (
    Entity(
        "crm",
        "team_revenue",
        "event",
        ("owner_email", "month"),
        "Monthly revenue of a leader's team.",
        (
            col(
                "owner_email",
                "string",
                "E-mail of the team owner (matched to HRIS employees.email as e-mails compare)",
                email_key=True,
            ),
            col("month", "month", "Month (first day)"),
            col("revenue", "number", "Booked revenue", min=0),
            col("revenue_target", "number", "Revenue target", min=0),
            col("pipeline_value", "number", "Open pipeline value", min=0),
            col("closed_deals", "integer", "Deals closed", min=0),
        ),
    ),
)
