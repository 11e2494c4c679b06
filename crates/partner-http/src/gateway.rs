//! The gateway in front of every signed operation: authenticate the signature, apply flow
//! control, and hand the handler its caller.

use std::{collections::HashMap, net::SocketAddr, sync::Mutex, time::Instant};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use partner_domain::members;
use partner_engine::{Caller, EngineError, Principal, access::MemberGrant};

use crate::{
    AppState,
    auth::{self, AuthError, SignedRequest},
    error::ApiError,
    observe::{CallerLabel, OperationName, RequestId},
    routes::{self, Operation},
};

/// Authenticates, authorizes, throttles and forwards one request to the handler of the
/// operation its route declares.
pub(crate) async fn gateway(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    let Some(operation) = route.and_then(|path| routes::operation(req.method(), path)) else {
        tracing::error!(path = ?route, "a routed request has no declared operation");
        return ApiError::internal().into_response();
    };
    let mut res = guard(&app, operation, req, next).await;
    res.extensions_mut().insert(OperationName(&operation.name));
    res
}

async fn guard(
    app: &AppState,
    operation: &'static Operation,
    req: Request,
    next: Next,
) -> Response {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    let source_ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let (parts, body) = req.into_parts();
    let too_large = || {
        let mut res =
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "APIG.0201", "Request entity too large.")
                .with_request_id(&request_id)
                .into_response();
        // The rest of the body is never read, so the connection cannot carry another request:
        // say so, or a client would send its next one into a closing socket.
        res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        res
    };
    let declared_length = parts.headers.get("content-length").and_then(|v| v.to_str().ok());
    if declared_length
        .and_then(|l| l.parse::<usize>().ok())
        .is_some_and(|l| l > operation.body_limit)
    {
        return too_large();
    }
    let body = match axum::body::to_bytes(body, operation.body_limit).await {
        Ok(body) => body,
        Err(err) if is_length_limit(&err) => return too_large(),
        Err(_) => {
            return ApiError::parameter("the request body cannot be read").into_response();
        }
    };
    let (principal, member, signature) = match authenticate(app, &parts, &body, &source_ip).await {
        Ok(verified) => verified,
        Err(GatewayError::Auth(err)) => {
            return ApiError::new(StatusCode::UNAUTHORIZED, "APIG.0301", err.to_string())
                .with_request_id(&request_id)
                .into_response();
        }
        Err(GatewayError::Engine(err)) => return ApiError::from(err).into_response(),
    };
    let nul = holds_nul(parts.uri.path(), parts.uri.query().unwrap_or_default(), &body);
    let caller_label = match &principal {
        Principal::Partner(id) => format!("partner:{id}"),
        Principal::Customer(id) => format!("customer:{id}"),
        Principal::Operator(name) => format!("operator:{name}"),
        Principal::System => "system".to_owned(),
    };
    let member_refusal = member
        .as_ref()
        .and_then(|m| members::may_call(&m.permissions, &operation.permission_items).err());
    let caller = Caller { principal, member: member.map(|m| m.name), source_ip, request_id };
    // Flow control comes first, so that refusals (audited, for mutations) are throttled too.
    let mut res = if let (Some(throttle), Some(limit)) = (&app.throttle, operation.per_second)
        && !throttle.admit(&caller.source_ip, &operation.name, &caller_label, limit, Instant::now())
    {
        let message = format!(
            "The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:1 second"
        );
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "APIG.0308", message)
            .with_request_id(&caller.request_id)
            .into_response()
    } else if !operation.audience.admits(&caller.principal) {
        // Refused before its body is parsed: a key of the wrong kind learns nothing more.
        let refusal = EngineError::OperationNotOpenToCaller;
        if operation.mutates() {
            app.engine.audit_refusal(&caller, &operation.name, "-".to_owned(), &refusal).await;
        }
        ApiError::from(refusal).into_response()
    } else if let Some(refusal) = member_refusal {
        // A member whose roles hold none of the operation's permission items: the real 403.
        let refusal = EngineError::Member(refusal);
        if operation.mutates() {
            app.engine.audit_refusal(&caller, &operation.name, "-".to_owned(), &refusal).await;
        }
        ApiError::from(refusal).into_response()
    } else if nul {
        // Text no database of ours can store (PostgreSQL refuses NUL): refused here, once, for
        // every operation, before any of it is parsed (and after the caller's kind and items,
        // so that a key the operation does not admit learns nothing of the body).
        ApiError::parameter("a parameter holds a NUL character")
            .with_request_id(&caller.request_id)
            .into_response()
    } else {
        let mut req = Request::from_parts(parts, axum::body::Body::from(body));
        req.extensions_mut().insert(caller);
        if app.replay_protection && operation.mutates() {
            req.extensions_mut().insert(RequestSignature(signature));
        }
        next.run(req).await
    };
    res.extensions_mut().insert(CallerLabel(caller_label));
    res
}

/// Whether the path, the query or a JSON body holds a NUL character: `%00` in the URI (a
/// literal `%` is `%25`, so `%00` is always NUL), or the escape `\u0000` in the body (raw
/// control characters are not JSON, and the JSON parser refuses them).
fn holds_nul(path: &str, query: &str, body: &[u8]) -> bool {
    let percent_nul = |text: &str| text.as_bytes().windows(3).any(|w| w == b"%00");
    if percent_nul(path) || percent_nul(query) || body.contains(&0) {
        return true;
    }
    let mut bytes = body.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            continue;
        }
        // An escape: `\\` is a backslash, `\u0000` the NUL; any other is one character.
        if bytes.next() == Some(&b'u') && bytes.clone().take(4).eq(b"0000".iter()) {
            return true;
        }
    }
    false
}

/// Whether reading a body failed on its length limit.
fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(err);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

enum GatewayError {
    Auth(AuthError),
    Engine(partner_engine::EngineError),
}

async fn authenticate(
    app: &AppState,
    parts: &axum::http::request::Parts,
    body: &[u8],
    source_ip: &str,
) -> Result<(Principal, Option<MemberGrant>, String), GatewayError> {
    let header =
        |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let authorization =
        header("authorization").ok_or(GatewayError::Auth(AuthError::MissingAuthorization))?;
    let authorization = auth::parse_authorization(&authorization).map_err(GatewayError::Auth)?;
    let sdk_date = header("x-sdk-date").ok_or(GatewayError::Auth(AuthError::MalformedDate))?;
    let signed_at = auth::parse_sdk_date(&sdk_date).map_err(GatewayError::Auth)?;
    let ak = authorization.access_key.as_str();
    let now = Instant::now();
    if app.lockout.is_locked(ak, source_ip, now) {
        return Err(GatewayError::Auth(AuthError::AccessKeyLocked));
    }
    let Some(credential) = app.engine.credential(ak).await.map_err(GatewayError::Engine)? else {
        app.lockout.record_unknown_key(source_ip, now);
        return Err(GatewayError::Auth(AuthError::UnknownAccessKey(ak.to_owned())));
    };
    let request = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        header: &header,
        body,
    };
    let fresh = (auth::wall_clock_seconds() - signed_at).abs() <= auth::SKEW_SECONDS;
    let verified =
        fresh && auth::verify(&request, &authorization, &sdk_date, &credential.sk).is_ok();
    if !verified {
        tracing::debug!(
            fresh,
            canonical_request = %auth::canonical_request(&request, &authorization.signed_headers),
            "signature mismatch"
        );
        app.lockout.record_failure(ak, source_ip, now);
        return Err(GatewayError::Auth(AuthError::SignatureMismatch));
    }
    app.lockout.record_success(ak, source_ip);
    if let Some(domain_id) = header("x-domain-id") {
        let owner = match &credential.principal {
            Principal::Partner(id) => id.0.as_str(),
            Principal::Customer(id) => id.0.as_str(),
            Principal::Operator(name) => name.as_str(),
            Principal::System => "",
        };
        if domain_id != owner {
            return Err(GatewayError::Auth(AuthError::DomainMismatch));
        }
    }
    Ok((credential.principal, credential.member, authorization.signature))
}

/// The verified signature of a request: the same signed request seen again is a replay.
#[derive(Clone, Debug)]
pub(crate) struct RequestSignature(pub(crate) String);

/// Flow control like the real gateway: at most `limit` calls per second for each
/// (source IP, operation, account). Kept in memory, per server.
#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<(String, &'static str, String), Window>>,
    epoch: Option<Instant>,
}

struct Window {
    second: u64,
    calls: u32,
}

/// Windows are swept when the table grows past this many keys.
const SWEEP_AT: usize = 100_000;

impl Throttle {
    pub fn new() -> Throttle {
        Throttle { windows: Mutex::default(), epoch: Some(Instant::now()) }
    }

    pub(crate) fn admit(
        &self,
        source_ip: &str,
        operation: &'static str,
        account: &str,
        limit: u32,
        now: Instant,
    ) -> bool {
        let second = self.epoch.map(|e| now.saturating_duration_since(e).as_secs()).unwrap_or(0);
        let Ok(mut windows) = self.windows.lock() else { return true };
        if windows.len() > SWEEP_AT {
            windows.retain(|_, w| w.second == second);
        }
        let window = windows
            .entry((source_ip.to_owned(), operation, account.to_owned()))
            .or_insert(Window { second, calls: 0 });
        if window.second != second {
            *window = Window { second, calls: 0 };
        }
        window.calls += 1;
        window.calls <= limit
    }
}
