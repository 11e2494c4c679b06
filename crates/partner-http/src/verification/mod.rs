//! Handlers of the verification-code operations: sending a code (into the outbox), and the
//! operator's look at the outbox.

pub(crate) mod wire;

use axum::{Json, extract::State, http::StatusCode};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    error::ApiError,
    extract::{Authenticated, WireJson, WireQuery},
};

/// `SendVerificationMessageCode`: a code for a mobile number, answered with 204 and no body.
/// No SMS leaves the server: the code lands in the outbox the operator API lists.
#[utoipa::path(post, path = "/v2/bases/verificationcode/send",
    operation_id = "SendVerificationMessageCode",
    security(("partner" = ["BPC_ITEM_SUBCUSTSERV_010118"])),
    tag = "verification", request_body = wire::SendVerificationCodeV2Req,
    responses((status = 204)))]
pub(crate) async fn send_verification_message_code(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireJson(req): WireJson<wire::SendVerificationCodeV2Req>,
) -> Result<StatusCode, ApiError> {
    let request = req.try_into()?;
    app.engine.send_verification_message_code(&caller, request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The outbox of verification codes, newest first (at most 200): how a sandbox user reads the
/// code a partner had sent.
#[utoipa::path(get, path = "/operator/v1/verification-codes",
    operation_id = "ListVerificationCodes",
    security(("operator" = [])), tag = "operator", params(wire::OutboxQuery),
    responses((status = 200, body = wire::Outbox)))]
pub(crate) async fn list_verification_codes(
    State(app): State<AppState>,
    Authenticated(caller): Authenticated,
    WireQuery(query): WireQuery<wire::OutboxQuery>,
) -> Result<Json<wire::Outbox>, ApiError> {
    let mobile = query.mobile()?;
    Ok(Json(app.engine.verification_outbox(&caller, mobile.as_deref()).await?.into()))
}

/// The verification operations, each with its route and OpenAPI entry.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_verification_message_code))
        .routes(routes!(list_verification_codes))
}
