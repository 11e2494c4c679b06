//! Handlers of the fund operations.

pub(crate) mod wire;

use axum::{Json, extract::State};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireQuery},
    wire::bounded,
};

/// `ListPartnerBalances`: the caller's balances, or its reseller's with `indirect_partner_id`.
#[utoipa::path(get, path = "/v2/accounts/partner-accounts/balances", operation_id = "ListPartnerBalances",
    tag = "funds", params(wire::ListPartnerBalancesRequest),
    responses((status = 200, body = wire::ListPartnerBalancesResponse)))]
pub(crate) async fn list_partner_balances(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(req): WireQuery<wire::ListPartnerBalancesRequest>,
) -> Result<Json<wire::ListPartnerBalancesResponse>, ApiError> {
    let indirect_partner_id = bounded("indirect_partner_id", req.indirect_partner_id, 64)?;
    let accounts =
        app.engine.list_partner_balances(&caller, indirect_partner_id.as_deref()).await?;
    Ok(Json(wire::ListPartnerBalancesResponse::from(accounts)))
}

/// `ShowCustomerAccountBalances`: the calling customer's own balances.
#[utoipa::path(get, path = "/v2/accounts/customer-accounts/balances",
    operation_id = "ShowCustomerAccountBalances", tag = "funds",
    responses((status = 200, body = wire::ShowCustomerAccountBalancesResponse)))]
pub(crate) async fn show_customer_account_balances(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::ShowCustomerAccountBalancesResponse>, ApiError> {
    let balances = app.engine.show_customer_account_balances(&caller).await?;
    Ok(Json(wire::ShowCustomerAccountBalancesResponse::from(balances)))
}
