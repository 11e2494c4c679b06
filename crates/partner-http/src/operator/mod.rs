//! Handlers of our own operator API (`/operator/v1`): the world, the clock and access keys.

pub(crate) mod wire;

use axum::{Json, extract::State, http::StatusCode};
use partner_engine::world;

use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson, WirePath},
    wire::parse_utc,
};

/// Applies a world (as JSON) in one transaction, idempotently.
#[utoipa::path(post, path = "/operator/v1/world", operation_id = "ApplyWorld",
    security(("operator" = [])), tag = "operator",
    request_body(content = Object, description = "A world file as JSON (see specs/world-file.md)"),
    responses((status = 200, body = wire::WorldApplied)))]
pub(crate) async fn apply_world(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    body: axum::body::Bytes,
) -> Result<Json<wire::WorldApplied>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::parameter("the world is not UTF-8 text"))?;
    let world = world::parse(text, world::Format::Json)?;
    let report = app.engine.apply_world(&caller, &world).await?;
    Ok(Json(wire::WorldApplied::from(report)))
}

#[utoipa::path(get, path = "/operator/v1/clock", operation_id = "ShowClock",
    security(("operator" = [])), tag = "operator",
    responses((status = 200, body = wire::Clock)))]
pub(crate) async fn show_clock(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::Clock>, ApiError> {
    Ok(Json(app.engine.show_clock(&caller).await?.into()))
}

/// Moves a manual clock forward.
#[utoipa::path(post, path = "/operator/v1/clock/advance", operation_id = "AdvanceClock",
    security(("operator" = [])),
    tag = "operator", request_body = wire::AdvanceClock, responses((status = 200, body = wire::Clock)))]
pub(crate) async fn advance_clock(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::AdvanceClock>,
) -> Result<Json<wire::Clock>, ApiError> {
    Ok(Json(app.engine.advance_clock(&caller, req.seconds).await?.into()))
}

/// Sets a manual clock to a later time.
#[utoipa::path(put, path = "/operator/v1/clock", operation_id = "SetClock",
    security(("operator" = [])), tag = "operator",
    request_body = wire::SetClock, responses((status = 200, body = wire::Clock)))]
pub(crate) async fn set_clock(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::SetClock>,
) -> Result<Json<wire::Clock>, ApiError> {
    let to = parse_utc("now", &req.now)?;
    Ok(Json(app.engine.set_clock(&caller, to).await?.into()))
}

/// Issues an access key pair; the secret key is in this answer only.
#[utoipa::path(post, path = "/operator/v1/access-keys", operation_id = "CreateAccessKey",
    security(("operator" = [])),
    tag = "operator", request_body = wire::CreateAccessKey,
    responses((status = 201, body = wire::CreatedAccessKey)))]
pub(crate) async fn create_access_key(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::CreateAccessKey>,
) -> Result<(StatusCode, Json<wire::CreatedAccessKey>), ApiError> {
    let (owner_kind, owner_id, member): (_, String, Option<String>) = req.try_into()?;
    let key =
        app.engine.create_access_key(&caller, owner_kind, &owner_id, member.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(key.into())))
}

/// Every access key, without secrets.
#[utoipa::path(get, path = "/operator/v1/access-keys", operation_id = "ListAccessKeys",
    security(("operator" = [])),
    tag = "operator", responses((status = 200, body = wire::AccessKeys)))]
pub(crate) async fn list_access_keys(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::AccessKeys>, ApiError> {
    Ok(Json(app.engine.list_access_keys(&caller).await?.into()))
}

/// Revokes an access key at once.
#[utoipa::path(delete, path = "/operator/v1/access-keys/{ak}", operation_id = "RevokeAccessKey",
    security(("operator" = [])),
    tag = "operator", params(("ak" = String, Path, description = "The access key id")),
    responses((status = 204)))]
pub(crate) async fn revoke_access_key(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(ak): WirePath<String>,
) -> Result<StatusCode, ApiError> {
    app.engine.revoke_access_key(&caller, &ak).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// IAM's `KeystoneListAuthDomains`, which the SDK calls to learn its domain id when the
/// credentials leave it out.
#[utoipa::path(get, path = "/v3/auth/domains", operation_id = "KeystoneListAuthDomains",
    security(("partner" = []), ("customer" = []), ("operator" = [])),
    tag = "iam", responses((status = 200, body = wire::AuthDomains)))]
pub(crate) async fn list_auth_domains(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<wire::AuthDomains>, ApiError> {
    Ok(Json(app.engine.show_domain(&caller).await?.into()))
}

/// A partner's organization: its roles and members (operator accounts).
#[utoipa::path(get, path = "/operator/v1/partners/{partner_id}/organization",
    operation_id = "ShowPartnerOrganization",
    security(("operator" = [])), tag = "operator",
    params(("partner_id" = String, Path, description = "The partner's id")),
    responses((status = 200, body = wire::Organization)))]
pub(crate) async fn show_partner_organization(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(partner_id): WirePath<String>,
) -> Result<Json<wire::Organization>, ApiError> {
    Ok(Json(app.engine.show_partner_organization(&caller, &partner_id).await?.into()))
}

/// Gives a partner a role: a named set of permission items.
#[utoipa::path(post, path = "/operator/v1/partners/{partner_id}/roles",
    operation_id = "CreatePartnerRole",
    security(("operator" = [])), tag = "operator", request_body = wire::CreateRole,
    params(("partner_id" = String, Path, description = "The partner's id")),
    responses((status = 201, body = wire::Organization)))]
pub(crate) async fn create_partner_role(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(partner_id): WirePath<String>,
    WireJson(req): WireJson<wire::CreateRole>,
) -> Result<(StatusCode, Json<wire::Organization>), ApiError> {
    let view =
        app.engine.create_partner_role(&caller, &partner_id, req.name, req.permissions).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Gives a partner a member (operator account) holding up to three of its roles; its access
/// key comes from `CreateAccessKey` with `member`.
#[utoipa::path(post, path = "/operator/v1/partners/{partner_id}/members",
    operation_id = "CreatePartnerMember",
    security(("operator" = [])), tag = "operator", request_body = wire::CreateMember,
    params(("partner_id" = String, Path, description = "The partner's id")),
    responses((status = 201, body = wire::Organization)))]
pub(crate) async fn create_partner_member(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WirePath(partner_id): WirePath<String>,
    WireJson(req): WireJson<wire::CreateMember>,
) -> Result<(StatusCode, Json<wire::Organization>), ApiError> {
    let view = app.engine.create_partner_member(&caller, &partner_id, req.name, req.roles).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The operator operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apply_world))
        .routes(routes!(show_clock))
        .routes(routes!(advance_clock))
        .routes(routes!(set_clock))
        .routes(routes!(create_access_key))
        .routes(routes!(list_access_keys))
        .routes(routes!(revoke_access_key))
        .routes(routes!(list_auth_domains))
        .routes(routes!(show_partner_organization))
        .routes(routes!(create_partner_role))
        .routes(routes!(create_partner_member))
}
