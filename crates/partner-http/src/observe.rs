//! Request ids, the access log and Prometheus metrics for every request.

use std::time::Instant;

use axum::{extract::Request, http::HeaderValue, middleware::Next, response::Response};

use crate::error::ErrorCode;

/// The id of one request, sent back in `X-Request-Id` and written in every log line about it.
#[derive(Clone, Debug)]
pub(crate) struct RequestId(pub(crate) String);

/// The operation a response answered, set by the gateway for the access log and metrics.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OperationName(pub(crate) &'static str);

/// Who called, as the gateway authenticated it.
#[derive(Clone, Debug)]
pub(crate) struct CallerLabel(pub(crate) String);

fn new_request_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

pub(crate) async fn observe(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let mut res = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", value);
    }
    let operation = res.extensions().get::<OperationName>().map_or("-", |o| o.0);
    let caller = res.extensions().get::<CallerLabel>().map_or("-", |c| c.0.as_str());
    let error_code = res.extensions().get::<ErrorCode>().map_or("", |c| c.0);
    let status = res.status().as_u16();
    let elapsed = started.elapsed();
    metrics::counter!("http_requests_total", "operation" => operation, "status" => status.to_string())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "operation" => operation)
        .record(elapsed.as_secs_f64());
    tracing::info!(
        request.id = %request_id,
        operation,
        caller,
        http.method = %method,
        http.path = %path,
        http.status = status,
        error.code = error_code,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    res
}
