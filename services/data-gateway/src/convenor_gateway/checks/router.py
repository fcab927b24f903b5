from __future__ import annotations

from convenor_gateway.checks import service as checks_service
from convenor_gateway.checks.schemas import GatewayCheckRequest, GatewayCheckResult
from convenor_gateway.deps import CatalogueDep, DirectoryDep, Partner, api_router
from convenor_shared.routing import SessionDep

router = api_router("/v1/gateway-check", "gateway check")


@router.post("", operation_id="gateway_check", openapi_extra={"x-idempotency-key": "none"})
async def gateway_check(
    body: GatewayCheckRequest,
    session: SessionDep,
    caller: Partner,
    directory: DirectoryDep,
    catalogue: CatalogueDep,
) -> GatewayCheckResult:
    """Which legal gateways permit this sharing, what is still missing, what is not permitted
    and why. Changes nothing; the same rules run again when a request is submitted."""
    return await checks_service.check(session, directory, catalogue, body, caller)
