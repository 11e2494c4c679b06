//! Partner Center's wire: the partner (BSS) API as the official SDK speaks it, IAM's domain
//! look-up, and our operator API, with the gateway in front of them.
//!
//! Only this crate knows JSON field names, CBC codes, HTTP statuses and signatures. Handlers
//! convert the wire request, call the engine and convert back; rules live in the engine and the
//! domain.

use std::sync::Arc;

use axum::{
    Json, Router,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::get,
};
use partner_engine::Engine;

mod associations;
pub mod auth;
mod coupons;
mod customers;
mod divisions;
pub mod error;
mod extract;
mod funds;
mod gateway;
mod observe;
pub mod openapi;
mod operator;
mod partners;
mod realname;
mod reports;
pub mod routes;
pub mod server;
mod verification;
mod wire;

pub use gateway::Throttle;
pub use metrics_exporter_prometheus::PrometheusHandle;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    /// Flow control; `None` when turned off (`--rate-limits off`).
    pub throttle: Option<Arc<Throttle>>,
    /// Where `/metrics` reads from; `None` renders an empty page.
    pub metrics: Option<PrometheusHandle>,
    lockout: Arc<auth::Lockout>,
    /// Whether the same signed money movement seen again answers like the first (default).
    replay_protection: bool,
    /// A request not answered by then gets 504 `APIG.0201`, as the real gateway's backend
    /// timeout. Work it started (a money movement in the group commit) may still complete: an
    /// idempotency key makes the retry safe.
    request_timeout: std::time::Duration,
}

impl AppState {
    pub fn new(engine: Engine, rate_limits: bool, metrics: Option<PrometheusHandle>) -> AppState {
        AppState {
            engine,
            throttle: rate_limits.then(|| Arc::new(Throttle::new())),
            metrics,
            lockout: Arc::default(),
            replay_protection: true,
            request_timeout: std::time::Duration::from_secs(30),
        }
    }

    /// How long a request may take before it gets 504 `APIG.0201` (default 30 s).
    pub fn with_request_timeout(mut self, timeout: std::time::Duration) -> AppState {
        self.request_timeout = timeout;
        self
    }

    /// Whether a replayed signed movement moves nothing (default `true`). Off is the real
    /// gateway's behaviour: every request moves money, replays included.
    pub fn with_replay_protection(mut self, on: bool) -> AppState {
        self.replay_protection = on;
        self
    }

    /// Which failed signatures lock a key (default: per key and source address).
    pub fn with_lockout(mut self, scope: auth::LockoutScope) -> AppState {
        self.lockout = Arc::new(auth::Lockout::new(scope));
        self
    }
}

/// The whole HTTP surface: signed operations behind the gateway, plus `/health`, `/metrics`
/// and `/openapi.json`. Unknown paths and methods get the gateway's `APIGW.0101`.
pub fn router(state: AppState) -> Router {
    let (api, _) = routes::api().split_for_parts();
    api.route_layer(middleware::from_fn_with_state(state.clone(), gateway::gateway))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .fallback(no_such_api)
        .method_not_allowed_fallback(no_such_api)
        .layer(middleware::from_fn_with_state(state.request_timeout, answer_within))
        .layer(middleware::from_fn(observe::observe))
        .with_state(state)
}

/// Answers 504 `APIG.0201` for a request that takes longer than `deadline`: inside the
/// observation layer, so the answer has its request id and log line like any other.
async fn answer_within(
    axum::extract::State(deadline): axum::extract::State<std::time::Duration>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            error::ApiError::new(StatusCode::GATEWAY_TIMEOUT, "APIG.0201", "Backend timeout.")
                .into_response()
        }
    }
}

async fn no_such_api(request_id: Option<axum::Extension<observe::RequestId>>) -> error::ApiError {
    let err = error::ApiError::no_such_api();
    match request_id {
        Some(axum::Extension(id)) => err.with_request_id(&id.0),
        None => err,
    }
}

async fn health(axum::extract::State(app): axum::extract::State<AppState>) -> Response {
    match app.engine.health().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            let body = serde_json::json!({"status": "unavailable"});
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

async fn metrics(axum::extract::State(app): axum::extract::State<AppState>) -> Response {
    let text = app.metrics.as_ref().map(PrometheusHandle::render).unwrap_or_default();
    ([("content-type", "text/plain; version=0.0.4")], text).into_response()
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi::document())
}
