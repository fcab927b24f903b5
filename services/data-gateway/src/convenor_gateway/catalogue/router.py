from __future__ import annotations

from convenor_gateway.catalogue.schemas import LegalGatewayList, LegalGatewayRead, PurposeList
from convenor_gateway.deps import CatalogueDep, api_router

router = api_router("/v1", "catalogue")


@router.get("/legal-gateways", operation_id="legal_gateways_list")
async def list_legal_gateways(catalogue: CatalogueDep) -> LegalGatewayList:
    """The legal-gateway catalogue: public reference data, no token needed."""
    return LegalGatewayList(
        catalogue_version=catalogue.version,
        notice=catalogue.data.notice,
        items=list(catalogue.data.gateways),
    )


@router.get("/legal-gateways/{gateway_id}", operation_id="legal_gateways_get")
async def get_legal_gateway(gateway_id: str, catalogue: CatalogueDep) -> LegalGatewayRead:
    gateway = catalogue.gateway(gateway_id)
    return LegalGatewayRead(**gateway.model_dump(), catalogue_version=catalogue.version)


@router.get("/purposes", operation_id="purposes_list")
async def list_purposes(catalogue: CatalogueDep) -> PurposeList:
    """The purposes vocabulary, mapped to W3C DPV terms where DPV has one."""
    return PurposeList(
        catalogue_version=catalogue.version,
        items=list(catalogue.data.purposes),
        data_categories=dict(catalogue.data.data_categories),
    )
