//! A router over a temporary SQLite world, and requests signed the way the SDK signs them.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Request, Response},
};
use http_body_util::BodyExt;
use partner_engine::{Caller, Engine, RandomIds, SystemClock, world};
use tower::ServiceExt;

pub(crate) struct TestApp {
    pub(crate) router: Router,
    _dir: tempfile::TempDir,
}

pub(crate) const ACME: (&str, &str, &str) =
    ("ACMEAK00000000000001", "acmesecret0000000000000000000000000001", "acme");

const WORLD: &str = r#"
[[partners]]
id = "acme"
name = "acme-distribution"
kind = "distributor"
ak = "ACMEAK00000000000001"
sk = "acmesecret0000000000000000000000000001"
balance = "12.50"
"#;

impl TestApp {
    pub(crate) async fn new(rate_limits: bool) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let store =
            partner_store::open(&format!("sqlite://{}/pc.db", dir.path().display())).await.unwrap();
        let engine = Engine::new(store, Arc::new(SystemClock), Arc::new(RandomIds));
        let world = world::parse(WORLD, world::Format::Toml).unwrap();
        engine.apply_world(&Caller::system(), &world).await.unwrap();
        let router = partner_http::router(partner_http::AppState::new(engine, rate_limits, None));
        TestApp { router, _dir: dir }
    }

    pub(crate) async fn send(
        &self,
        req: Request<Body>,
    ) -> (u16, Option<String>, serde_json::Value) {
        let res: Response<Body> = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let request_id = res.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, request_id, body)
    }
}

/// `X-Sdk-Date` for now.
pub(crate) fn sdk_date_now() -> String {
    #[allow(clippy::disallowed_methods)]
    let now = time::OffsetDateTime::now_utc();
    now.format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"))
        .unwrap()
}

/// A request signed with `key` (AK, SK, domain id) at `sdk_date`.
pub(crate) fn signed(
    method: &str,
    uri: &str,
    body: &str,
    key: (&str, &str, &str),
    sdk_date: &str,
) -> Request<Body> {
    signed_with(
        method,
        uri,
        body,
        key,
        sdk_date,
        &["content-type", "host", "x-domain-id", "x-sdk-date"],
    )
}

/// A request signed over the headers `signing` names (of content-type, host, x-domain-id and
/// x-sdk-date; all four are sent).
pub(crate) fn signed_with(
    method: &str,
    uri: &str,
    body: &str,
    key: (&str, &str, &str),
    sdk_date: &str,
    signing: &[&str],
) -> Request<Body> {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("host", "localhost".to_owned()),
        ("x-domain-id", key.2.to_owned()),
        ("x-sdk-date", sdk_date.to_owned()),
    ];
    let lookup = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    let names: Vec<String> = signing.iter().map(|n| (*n).to_owned()).collect();
    let request = partner_http::auth::SignedRequest {
        method,
        path,
        query,
        header: &lookup,
        body: body.as_bytes(),
    };
    let signature = partner_http::auth::sign(&request, &names, sdk_date, key.1);
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in &headers {
        builder = builder.header(*name, value);
    }
    builder
        .header(
            "authorization",
            format!(
                "SDK-HMAC-SHA256 Access={}, SignedHeaders={}, Signature={signature}",
                key.0,
                names.join(";")
            ),
        )
        .body(Body::from(body.to_owned()))
        .unwrap()
}
