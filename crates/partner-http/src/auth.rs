//! `SDK-HMAC-SHA256` request signatures, verified exactly as the official SDK computes them,
//! and the gateway's lockout of an access key after repeated failures.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

pub(crate) const ALGORITHM: &str = "SDK-HMAC-SHA256";
const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// How far `X-Sdk-Date` may be from the server's wall clock, either way.
pub(crate) const SKEW_SECONDS: i64 = 15 * 60;
/// More consecutive failures than this lock an access key.
const FAILURES_BEFORE_LOCK: u32 = 5;
const LOCK_DURATION: Duration = Duration::from_secs(5 * 60);

/// RFC 3986 unreserved characters stay; everything else is percent-encoded, as Python's
/// `quote(s, safe='~')` does in the SDK's signer.
const SIGNING_ENCODE: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Why a request's authentication failed, in the gateway's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AuthError {
    #[error("Incorrect IAM authentication information: Authorization header is missing")]
    MissingAuthorization,
    #[error("Incorrect IAM authentication information: unsupported authorization {0}")]
    MalformedAuthorization(String),
    #[error("Incorrect IAM authentication information: X-Sdk-Date is missing or malformed")]
    MalformedDate,
    #[error("Incorrect IAM authentication information: verify aksk signature fail")]
    SignatureMismatch,
    #[error(
        "Incorrect IAM authentication information: Get secretKey failed,ak:{0},err:ak not exist"
    )]
    UnknownAccessKey(String),
    #[error(
        "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden"
    )]
    AccessKeyLocked,
    #[error(
        "Incorrect IAM authentication information: X-Domain-Id does not match the access key's account"
    )]
    DomainMismatch,
}

/// The parts of the `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Authorization {
    pub(crate) access_key: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
}

/// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
pub(crate) fn parse_authorization(value: &str) -> Result<Authorization, AuthError> {
    let malformed = || AuthError::MalformedAuthorization(value.chars().take(40).collect());
    let (algorithm, rest) = value.trim().split_once(' ').ok_or_else(malformed)?;
    if algorithm != ALGORITHM {
        return Err(malformed());
    }
    let (mut access_key, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=').ok_or_else(malformed)?;
        match name {
            "Access" => access_key = Some(value.to_owned()),
            "SignedHeaders" => {
                signed_headers = Some(value.split(';').map(str::to_ascii_lowercase).collect())
            }
            "Signature" => signature = Some(value.to_owned()),
            _ => return Err(malformed()),
        }
    }
    match (access_key, signed_headers, signature) {
        (Some(access_key), Some(signed_headers), Some(signature)) if !access_key.is_empty() => {
            Ok(Authorization { access_key, signed_headers, signature })
        }
        _ => Err(malformed()),
    }
}

/// Parses `X-Sdk-Date` (`20240101T120000Z`) into Unix seconds.
pub(crate) fn parse_sdk_date(value: &str) -> Result<i64, AuthError> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(value, &format)
        .map(|t| t.assume_utc().unix_timestamp())
        .map_err(|_| AuthError::MalformedDate)
}

/// The request as the signature covers it.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Looks up a header value by lower-case name.
    pub header: &'a dyn Fn(&str) -> Option<String>,
    pub body: &'a [u8],
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, SIGNING_ENCODE).to_string()
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// A query component as the query parser reads it: `+` is a space there, so it must be one in
/// the canonical form too, or `a+b` and `a%2Bb` (two requests) would share a signature. The SDK
/// never sends a bare `+`: it percent-encodes every value.
fn decode_query(text: &str) -> String {
    decode(&text.replace('+', " "))
}

fn canonical_uri(path: &str) -> String {
    let mut uri = decode(path).split('/').map(encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_query(k), decode_query(v))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// The canonical request of the SDK's signer: method, URI, query, headers, signed header
/// names and the body's hash, one per line.
pub(crate) fn canonical_request(req: &SignedRequest<'_>, signed_headers: &[String]) -> String {
    let headers: String = signed_headers
        .iter()
        .map(|name| format!("{name}:{}\n", (req.header)(name).unwrap_or_default().trim()))
        .collect();
    // The body's own hash, always: a declared `X-Sdk-Content-Sha256` is honoured only when it
    // is that hash (`body_hash_is_declared_truly`), so the canonical form need not trust it.
    let body_hash = if req.body.is_empty() {
        EMPTY_BODY_SHA256.to_owned()
    } else {
        hex::encode(Sha256::digest(req.body))
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        canonical_uri(req.path),
        canonical_query(req.query),
        headers,
        signed_headers.join(";"),
        body_hash
    )
}

fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The hex signature of a request by a secret key, as the SDK computes it.
pub fn sign(
    req: &SignedRequest<'_>,
    signed_headers: &[String],
    sdk_date: &str,
    secret_key: &str,
) -> String {
    let to_sign = string_to_sign(sdk_date, &canonical_request(req, signed_headers));
    let mut mac = hmac_sha256(secret_key);
    mac.update(to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn hmac_sha256(key: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this never fails; an empty MAC would only make every
    // signature mismatch.
    Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| Hmac::<Sha256>::new(&Default::default()))
}

/// Whether a declared body hash, if any, is the body's. The SDK declares `UNSIGNED-PAYLOAD`
/// for bodies that are not JSON, which no operation takes; any other declaration must be the
/// body's SHA-256, or a captured request could carry a swapped body under its signature.
fn body_hash_is_declared_truly(req: &SignedRequest<'_>) -> bool {
    match (req.header)("x-sdk-content-sha256") {
        None => true,
        Some(declared) if req.body.is_empty() => {
            declared.eq_ignore_ascii_case(EMPTY_BODY_SHA256) || declared == "UNSIGNED-PAYLOAD"
        }
        Some(declared) => declared.eq_ignore_ascii_case(&hex::encode(Sha256::digest(req.body))),
    }
}

/// The headers a signature must cover: the date (or it could be replayed forever) and the
/// host (or it could be replayed to another server sharing the keys). The SDK signs both.
const HEADERS_TO_SIGN: [&str; 2] = ["host", "x-sdk-date"];

/// Checks a signature in constant time.
pub(crate) fn verify(
    req: &SignedRequest<'_>,
    auth: &Authorization,
    sdk_date: &str,
    secret_key: &str,
) -> Result<(), AuthError> {
    let covers = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    if !HEADERS_TO_SIGN.iter().all(|h| covers(h)) || !body_hash_is_declared_truly(req) {
        return Err(AuthError::SignatureMismatch);
    }
    let Ok(claimed) = hex::decode(&auth.signature) else {
        return Err(AuthError::SignatureMismatch);
    };
    let to_sign = string_to_sign(sdk_date, &canonical_request(req, &auth.signed_headers));
    let mut mac = hmac_sha256(secret_key);
    mac.update(to_sign.as_bytes());
    mac.verify_slice(&claimed).map_err(|_| AuthError::SignatureMismatch)
}

/// The server's wall clock in Unix seconds: signature freshness is judged against real time,
/// even when the world's business clock is manual.
#[allow(clippy::disallowed_methods)]
pub(crate) fn wall_clock_seconds() -> i64 {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}

/// Which failures lock an access key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LockoutScope {
    /// Failures count per (access key, source address): a stranger who knows a partner's AK
    /// (it travels in clear in every request) locks only itself out, never the partner.
    #[default]
    PerSource,
    /// Failures count per access key from anywhere, as the real gateway counts them: faithful,
    /// and a way for anyone to switch a partner's integration off.
    PerKey,
}

/// Unknown keys an address may try in a minute before it is refused without a look-up:
/// guessing keys costs the database nothing past this. (Bad signatures with a known key are
/// bounded by that key's lock already.)
const ADDRESS_FAILURES_PER_MINUTE: u32 = 100;
const ADDRESS_WINDOW: Duration = Duration::from_secs(60);

/// Signature failures and the locks they cause. Kept in memory: each server of a cluster
/// counts on its own.
#[derive(Default)]
pub(crate) struct Lockout {
    scope: LockoutScope,
    /// Consecutive failures per access key, then per source address (`""` per key): nested, so
    /// that the hot path (a success with nothing to forget) looks up without allocating.
    keys: Mutex<HashMap<String, HashMap<String, KeyFailures>>>,
    addresses: Mutex<HashMap<String, AddressFailures>>,
}

#[derive(Default)]
struct KeyFailures {
    consecutive: u32,
    locked_until: Option<Instant>,
}

struct AddressFailures {
    window_start: Instant,
    failures: u32,
    blocked_until: Option<Instant>,
}

/// Keys and addresses are forgotten when the tables grow past this many.
const SWEEP_AT: usize = 100_000;

impl Lockout {
    pub(crate) fn new(scope: LockoutScope) -> Lockout {
        Lockout { scope, ..Lockout::default() }
    }

    fn source<'s>(&self, source: &'s str) -> &'s str {
        match self.scope {
            LockoutScope::PerSource => source,
            LockoutScope::PerKey => "",
        }
    }

    /// Whether requests from `source` with `ak` are refused before their signature is checked.
    pub(crate) fn is_locked(&self, ak: &str, source: &str, now: Instant) -> bool {
        let address_blocked = self.addresses.lock().is_ok_and(|addresses| {
            addresses.get(source).and_then(|a| a.blocked_until).is_some_and(|until| now < until)
        });
        address_blocked
            || self.keys.lock().is_ok_and(|keys| {
                keys.get(ak)
                    .and_then(|sources| sources.get(self.source(source)))
                    .and_then(|k| k.locked_until)
                    .is_some_and(|until| now < until)
            })
    }

    pub(crate) fn record_failure(&self, ak: &str, source: &str, now: Instant) {
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() > SWEEP_AT {
                keys.retain(|_, sources| {
                    sources.retain(|_, k| k.locked_until.is_some_and(|until| now < until));
                    !sources.is_empty()
                });
            }
            let sources = keys.entry(ak.to_owned()).or_default();
            let failures = sources.entry(self.source(source).to_owned()).or_default();
            if failures.locked_until.is_some_and(|until| now >= until) {
                *failures = KeyFailures::default();
            }
            failures.consecutive += 1;
            if failures.consecutive > FAILURES_BEFORE_LOCK {
                failures.locked_until = Some(now + LOCK_DURATION);
            }
        }
    }

    /// An address sent a key that does not exist.
    pub(crate) fn record_unknown_key(&self, source: &str, now: Instant) {
        if let Ok(mut addresses) = self.addresses.lock() {
            if addresses.len() > SWEEP_AT {
                addresses
                    .retain(|_, a| now.saturating_duration_since(a.window_start) < ADDRESS_WINDOW);
            }
            let address = addresses.entry(source.to_owned()).or_insert(AddressFailures {
                window_start: now,
                failures: 0,
                blocked_until: None,
            });
            if now.saturating_duration_since(address.window_start) >= ADDRESS_WINDOW {
                *address = AddressFailures { window_start: now, failures: 0, blocked_until: None };
            }
            address.failures += 1;
            if address.failures > ADDRESS_FAILURES_PER_MINUTE {
                address.blocked_until = Some(now + ADDRESS_WINDOW);
            }
        }
    }

    pub(crate) fn record_success(&self, ak: &str, source: &str) {
        if let Ok(mut keys) = self.keys.lock()
            && let Some(sources) = keys.get_mut(ak)
        {
            sources.remove(self.source(source));
            if sources.is_empty() {
                keys.remove(ak);
            }
        }
    }
}
