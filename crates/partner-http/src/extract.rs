//! Extractors whose every rejection is a CBC error: JSON bodies, query strings and the caller.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use partner_engine::{Caller, funds::RetryKeys};
use serde::de::DeserializeOwned;

use crate::{error::ApiError, gateway::RequestSignature};

/// A JSON body; malformed JSON or a field of the wrong type is `CBC.0100`, naming the field.
pub(crate) struct WireJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WireJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::parameter(format!("the request body cannot be read: {e}")))?;
        // An empty body is an empty request object: every field of these requests is optional.
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        let mut de = serde_json::Deserializer::from_slice(text);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            ApiError::parameter(format!("invalid parameter {}: {}", e.path(), e.inner()))
        })?;
        de.end()
            .map_err(|e| ApiError::parameter(format!("the request body is not valid JSON: {e}")))?;
        Ok(WireJson(value))
    }
}

/// A query string; repeated keys become lists, a value of the wrong type is `CBC.0100`.
pub(crate) struct WireQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for WireQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| WireQuery(q.0))
            .map_err(|e| ApiError::parameter(format!("invalid query {query:?}: {}", e.body_text())))
    }
}

/// A path parameter; one that does not parse is `CBC.0100`.
pub(crate) struct WirePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for WirePath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| WirePath(p.0))
            .map_err(|e| ApiError::parameter(format!("invalid path parameter: {}", e.body_text())))
    }
}

/// The `X-Language` header, as sent (the SDK sends it from the request's `x_language`); a value
/// that is not visible ASCII is `CBC.0100`. Which languages there are is the domain's rule.
pub(crate) struct XLanguage(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for XLanguage {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("x-language") else { return Ok(XLanguage(None)) };
        let language = value
            .to_str()
            .map_err(|_| ApiError::parameter("invalid X-Language: zh_cn or en_us"))?;
        Ok(XLanguage(Some(language.to_owned())))
    }
}

/// The authenticated caller, put in place by the gateway.
pub(crate) struct Authenticated(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().map(Authenticated).ok_or_else(|| {
            tracing::error!("a handler behind the gateway ran without a caller");
            ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "CBC.0999", "Other error")
        })
    }
}

/// What makes a money movement sent again answer like the first: our idempotency extension,
/// `X-Idempotency-Key` (1 to 128 printable characters, optional: a retry with the same key gets
/// the first answer), and always the request's signature (a replayed request gets the first
/// answer too, and moves nothing).
pub(crate) struct Retry(pub(crate) RetryKeys);

impl<S: Send + Sync> FromRequestParts<S> for Retry {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let signature =
            parts.extensions.get::<RequestSignature>().map(|s| s.0.to_ascii_lowercase());
        let Some(value) = parts.headers.get("x-idempotency-key") else {
            return Ok(Retry(RetryKeys { idempotency_key: None, signature }));
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=128).contains(&k.len()) && k.chars().all(|c| c.is_ascii_graphic()));
        let Some(key) = key else {
            return Err(ApiError::parameter(
                "invalid X-Idempotency-Key: 1 to 128 printable characters",
            ));
        };
        Ok(Retry(RetryKeys { idempotency_key: Some(key.to_owned()), signature }))
    }
}
