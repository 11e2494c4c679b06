//! Handlers of our own channel API for association changes: a partner or a customer asks to
//! switch or unbind, the other side accepts or rejects (customers.md §3).

pub(crate) mod wire;

use axum::{Json, extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson, WirePath},
};

/// Asks to switch a customer's association type (partner) or to unbind it (either side).
#[utoipa::path(post, path = "/channel/v1/association-changes",
    operation_id = "RequestAssociationChange",
    security(("partner" = []), ("customer" = [])), tag = "channel",
    request_body = wire::RequestAssociationChange,
    responses((status = 201, body = wire::AssociationChangeInfo)))]
pub(crate) async fn request_association_change(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::RequestAssociationChange>,
) -> Result<(StatusCode, Json<wire::AssociationChangeInfo>), ApiError> {
    let (customer_id, kind) = req.try_into()?;
    let change =
        app.engine.request_association_change(&caller, customer_id.as_deref(), kind).await?;
    Ok((StatusCode::CREATED, Json(change.into())))
}

/// The association operation log of the calling partner or customer, newest first.
#[utoipa::path(get, path = "/channel/v1/association-changes",
    operation_id = "ListAssociationChanges",
    security(("partner" = []), ("customer" = [])), tag = "channel",
    responses((status = 200, body = wire::AssociationChanges)))]
pub(crate) async fn list_association_changes(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::AssociationChanges>, ApiError> {
    Ok(Json(app.engine.list_association_changes(&caller).await?.into()))
}

/// The other side accepts a waiting request: the type switches, or the association ends.
#[utoipa::path(post, path = "/channel/v1/association-changes/{id}/accept",
    operation_id = "AcceptAssociationChange",
    security(("partner" = []), ("customer" = [])), tag = "channel",
    params(("id" = String, Path, description = "The request's id")),
    responses((status = 200, body = wire::AssociationChangeInfo)))]
pub(crate) async fn accept_association_change(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
) -> Result<Json<wire::AssociationChangeInfo>, ApiError> {
    Ok(Json(app.engine.answer_association_change(&caller, &id, true).await?.into()))
}

/// The other side rejects a waiting request: nothing changes.
#[utoipa::path(post, path = "/channel/v1/association-changes/{id}/reject",
    operation_id = "RejectAssociationChange",
    security(("partner" = []), ("customer" = [])), tag = "channel",
    params(("id" = String, Path, description = "The request's id")),
    responses((status = 200, body = wire::AssociationChangeInfo)))]
pub(crate) async fn reject_association_change(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(id): WirePath<String>,
) -> Result<Json<wire::AssociationChangeInfo>, ApiError> {
    Ok(Json(app.engine.answer_association_change(&caller, &id, false).await?.into()))
}

/// The association-change operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_association_change, list_association_changes))
        .routes(routes!(accept_association_change))
        .routes(routes!(reject_association_change))
}
