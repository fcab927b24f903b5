"""The landscape review report of an area, as Markdown or self-contained HTML."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.indicators import context as context_service
from convenor_analytics.indicators import service as indicators_service
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.reports import report_html, report_md
from convenor_analytics.reports.review import gather


async def landscape_review(
    session: AsyncSession,
    cache: LandscapeCache,
    area: str,
    fmt: str,
    start: date | None,
    end: date | None,
    today: date,
) -> str:
    ctx = await context_service.current(session, cache)
    scope = indicators_service.scope_of(ctx, area, None, start, end, today)
    review = ctx.remember(("review", scope.key()), lambda: gather(ctx, scope))
    return report_html.render(review) if fmt == "html" else report_md.render(review)
