//! Handlers of the partner-hierarchy operations.

pub(crate) mod wire;

use axum::{Json, extract::State};
use partner_domain::partners::IndirectPartnerFilter;
use partner_engine::partners::IndirectPartnerQuery;

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson},
    wire::{bounded, utc_filter},
};

/// `ListIndirectPartners`: a distributor's tier-2 resellers.
#[utoipa::path(post, path = "/v2/partners/indirect-partners/query", operation_id = "ListIndirectPartners",
    tag = "partners", request_body = wire::QueryIndirectPartnersReq,
    responses((status = 200, body = wire::ListIndirectPartnersResponse)))]
pub(crate) async fn list_indirect_partners(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QueryIndirectPartnersReq>,
) -> Result<Json<wire::ListIndirectPartnersResponse>, ApiError> {
    let query = IndirectPartnerQuery {
        filter: IndirectPartnerFilter {
            account_name: bounded("account_name", req.account_name, 64)?,
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
            associated_on_begin: utc_filter(
                "associated_on_begin",
                req.associated_on_begin.as_deref(),
            )?,
            associated_on_end: utc_filter("associated_on_end", req.associated_on_end.as_deref())?,
        },
        offset: req.offset,
        limit: req.limit,
    };
    let page = app.engine.list_indirect_partners(&caller, query).await?;
    Ok(Json(wire::ListIndirectPartnersResponse::from(page)))
}
