//! Handlers of the sub-customer operations.

pub(crate) mod wire;

use axum::{Json, extract::State};
use partner_domain::customers::{AssociationType, SubCustomerFilter};
use partner_engine::customers::SubCustomerQuery;

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson},
    wire::{bounded, utc_filter},
};

/// `ListSubCustomers`: the caller's customers, or its reseller's with `indirect_partner_id`.
#[utoipa::path(post, path = "/v2/partners/sub-customers/query", operation_id = "ListSubCustomers",
    tag = "customers", request_body = wire::QuerySubCustomerListReq,
    responses((status = 200, body = wire::ListSubCustomersResponse)))]
pub(crate) async fn list_sub_customers(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::QuerySubCustomerListReq>,
) -> Result<Json<wire::ListSubCustomersResponse>, ApiError> {
    let association = match bounded("association_type", req.association_type, 2)?.as_deref() {
        None => None,
        Some("1") => Some(AssociationType::Referral),
        Some("2") => Some(AssociationType::Reseller),
        Some(other) => {
            return Err(ApiError::parameter(format!(
                "invalid parameter association_type: {other:?}"
            )));
        }
    };
    let query = SubCustomerQuery {
        filter: SubCustomerFilter {
            account_name: bounded("account_name", req.account_name, 64)?,
            real_name: bounded("customer", req.customer, 64)?,
            label: bounded("label", req.label, 64)?,
            association,
            associated_on_begin: utc_filter(
                "associated_on_begin",
                req.associated_on_begin.as_deref(),
            )?,
            associated_on_end: utc_filter("associated_on_end", req.associated_on_end.as_deref())?,
            customer_id: bounded("customer_id", req.customer_id, 64)?,
        },
        offset: req.offset,
        limit: req.limit,
        indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
    };
    let page = app.engine.list_sub_customers(&caller, query).await?;
    Ok(Json(wire::ListSubCustomersResponse::from(page)))
}
