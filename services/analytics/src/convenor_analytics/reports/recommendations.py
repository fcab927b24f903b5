"""Recommendations of the landscape review, each with the evidence behind it: which indicator,
which values. Rules, not judgements: the review's readers decide."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from convenor_analytics.costs.ledger import display
from convenor_analytics.parameters import Parameters

if TYPE_CHECKING:
    from convenor_analytics.reports.review import Review


@dataclass
class Evidence:
    indicator: str
    subject: str
    values: dict[str, Any]


@dataclass
class Recommendation:
    title: str
    apcc_recommendation: str
    evidence: list[Evidence] = field(default_factory=list)


def recommend(review: Review, parameters: Parameters) -> list[Recommendation]:
    found: list[Recommendation] = []
    for cluster in review.clusters:
        names = cluster["names"]
        found.append(
            Recommendation(
                f"Consider merging {' and '.join(names)}: "
                "the same people hold the same conversation",
                "1, 4",
                [
                    Evidence(
                        "D7",
                        ", ".join(names),
                        {
                            "annual_cost": display_str(cluster["annual_cost"]),
                            "estimated_saving": display_str(cluster["estimated_saving"]),
                        },
                    ),
                    Evidence(
                        "D5",
                        ", ".join(names),
                        {
                            "strongest_score": round(cluster["strongest_score"], 3),
                            "tau": parameters.duplication_tau,
                        },
                    ),
                ],
            )
        )
    for board in review.boards:
        if board.review == "red":
            when = (
                "never reviewed"
                if board.last_reviewed is None
                else f"last reviewed {board.last_reviewed}"
            )
            found.append(
                Recommendation(
                    f"Review {board.name} ({when})",
                    "4",
                    [
                        Evidence(
                            "G1",
                            board.name,
                            {
                                "rag": "red",
                                "last_reviewed": str(board.last_reviewed)
                                if board.last_reviewed
                                else None,
                                "days_since_review": board.days_since_review,
                            },
                        )
                    ],
                )
            )
        share = (
            board.talking_shop_meetings / board.counted_meetings if board.counted_meetings else 0
        )
        if board.counted_meetings >= 2 and share >= parameters.talking_shop_flag:
            found.append(
                Recommendation(
                    f"Refocus {board.name} on decisions and actions, "
                    "or ask whether it is still needed",
                    "1, 8",
                    [
                        Evidence(
                            "A5",
                            board.name,
                            {
                                "talking_shop_share": round(share, 3),
                                "meetings": board.counted_meetings,
                                "excluded_purposes": parameters.talking_shop_excluded_purposes,
                            },
                        ),
                        Evidence("C5", board.name, {"annual_cost": display(board.loaded)}),
                    ],
                )
            )
    for owner, count, oldest in review.overdue_by_owner:
        found.append(
            Recommendation(
                f"Chase the {count} overdue action(s) owned by {owner}",
                "8",
                [Evidence("A3", owner, {"overdue": count, "most_days_overdue": oldest})],
            )
        )
    limit = parameters.sla_working_days
    for partner in review.partners:
        late = [u for u in review.unanswered if u.holder == partner.name and u.working_days > limit]
        if late:
            found.append(
                Recommendation(
                    f"Escalate {len(late)} data request(s) unanswered by {partner.name} "
                    f"for over {limit} working days",
                    "6",
                    [
                        Evidence(
                            "S9",
                            partner.name,
                            {
                                "awaiting_decision": partner.awaiting_decision,
                                "oldest_working_days": partner.oldest_days,
                            },
                        ),
                        Evidence(
                            "S8",
                            partner.name,
                            {"within_sla": partner.sla_within, "judged": partner.sla_judged},
                        ),
                    ],
                )
            )
    found.append(
        Recommendation(
            "Publish the cost of the partnership system and review it with partners",
            "5",
            [
                Evidence(
                    "C6",
                    review.area["name"],
                    {
                        "salary": display(review.totals["salary"]),
                        "loaded": display(review.totals["loaded"]),
                        "fte": f"{review.totals['fte']:.2f}",
                    },
                )
            ],
        )
    )
    return found


def display_str(value: str) -> str:
    return display(Decimal(value))
