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
            (decode(k), decode(v))
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
    // A declared body hash stands in for the body only when the client signed the declaration:
    // an unsigned one would let anyone swap the body of a captured request.
    let declared = signed_headers
        .iter()
        .any(|h| h == "x-sdk-content-sha256")
        .then(|| (req.header)("x-sdk-content-sha256"))
        .flatten();
    let body_hash = if req.body.is_empty() {
        EMPTY_BODY_SHA256.to_owned()
    } else if let Some(declared) = declared {
        declared
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

/// Checks a signature in constant time.
pub(crate) fn verify(
    req: &SignedRequest<'_>,
    auth: &Authorization,
    sdk_date: &str,
    secret_key: &str,
) -> Result<(), AuthError> {
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

/// Consecutive signature failures per access key, and the keys locked because of them. Kept in
/// memory: each server of a cluster locks on its own count.
#[derive(Default)]
pub(crate) struct Lockout {
    keys: Mutex<HashMap<String, KeyFailures>>,
}

#[derive(Default)]
struct KeyFailures {
    consecutive: u32,
    locked_until: Option<Instant>,
}

impl Lockout {
    pub(crate) fn is_locked(&self, ak: &str, now: Instant) -> bool {
        let Ok(keys) = self.keys.lock() else { return false };
        keys.get(ak).and_then(|k| k.locked_until).is_some_and(|until| now < until)
    }

    pub(crate) fn record_failure(&self, ak: &str, now: Instant) {
        let Ok(mut keys) = self.keys.lock() else { return };
        let failures = keys.entry(ak.to_owned()).or_default();
        if failures.locked_until.is_some_and(|until| now >= until) {
            *failures = KeyFailures::default();
        }
        failures.consecutive += 1;
        if failures.consecutive > FAILURES_BEFORE_LOCK {
            failures.locked_until = Some(now + LOCK_DURATION);
        }
    }

    pub(crate) fn record_success(&self, ak: &str) {
        if let Ok(mut keys) = self.keys.lock() {
            keys.remove(ak);
        }
    }
}
