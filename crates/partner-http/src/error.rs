//! Errors on the wire: the `{"error_code", "error_msg"}` envelope, and the one table that maps
//! every engine error to its CBC code and HTTP status.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use partner_domain::{funds::FundsError, partners::PartnerError, time::ClockError};
use partner_engine::EngineError;
use serde::Serialize;

/// An error answer: status, code and message, and for gateway errors the request id.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The gateway's own errors (`APIG.*`) repeat the request id in the body.
    pub request_id: Option<String>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_code: &'a str,
    error_msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error_code: self.code,
            error_msg: &self.message,
            request_id: self.request_id.as_deref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(ErrorCode(self.code));
        response
    }
}

/// The error code of a response, for the access log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorCode(pub(crate) &'static str);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), request_id: None }
    }

    /// `CBC.0100`: a body that is not JSON, a field of the wrong type, a value out of range.
    pub fn parameter(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "CBC.0100", message)
    }

    /// `CBC.0999`: something failed inside the server; the client learns nothing internal.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CBC.0999",
            "Other error: the request could not be completed, try again later",
        )
    }

    /// `APIGW.0101`: no API at this method and path.
    pub fn no_such_api() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        )
    }

    pub(crate) fn with_request_id(mut self, request_id: &str) -> ApiError {
        self.request_id = Some(request_id.to_owned());
        self
    }
}

/// The CBC table: every engine error's status and code, checked against the API reference's
/// error code pages. `tests/it` snapshots it so that every change is reviewed.
pub fn status_and_code(err: &EngineError) -> (StatusCode, &'static str) {
    use StatusCode as S;
    match err {
        EngineError::OperationNotOpenToCaller => (S::FORBIDDEN, "CBC.0151"),
        EngineError::Partner(PartnerError::OperationNotOpenToPartnerKind { .. }) => {
            (S::FORBIDDEN, "CBC.0151")
        }
        EngineError::Partner(PartnerError::NotYourIndirectPartner(_)) => {
            (S::BAD_REQUEST, "CBC.99000037")
        }
        EngineError::Funds(FundsError::NotYourCustomer(_)) => (S::BAD_REQUEST, "CBC.99000035"),
        EngineError::Funds(FundsError::ReferralCustomerFundsAreNotYours(_)) => {
            (S::BAD_REQUEST, "CBC.99000000")
        }
        EngineError::Funds(FundsError::InsufficientBalance { .. }) => {
            (S::BAD_REQUEST, "CBC.99005003")
        }
        EngineError::InvalidParameter { .. }
        | EngineError::Page(_)
        | EngineError::Money(_)
        | EngineError::Funds(_)
        | EngineError::Coupon(_)
        | EngineError::Catalog(_)
        | EngineError::Access(_) => (S::BAD_REQUEST, "CBC.0100"),
        // The operator API is ours: its codes say what went wrong in our own words.
        EngineError::Clock(ClockError::ClockNotManual) => (S::CONFLICT, "PC.ClockNotManual"),
        EngineError::Clock(ClockError::ClockMovesForwardOnly) => {
            (S::CONFLICT, "PC.ClockMovesForwardOnly")
        }
        EngineError::UnknownOwner { .. } => (S::BAD_REQUEST, "PC.UnknownOwner"),
        EngineError::UnknownAccessKey(_) => (S::NOT_FOUND, "PC.UnknownAccessKey"),
        EngineError::WorldInvalid(_) => (S::BAD_REQUEST, "PC.WorldInvalid"),
        EngineError::IdempotencyKeyReused(_) => (S::CONFLICT, "PC.IdempotencyKeyReused"),
        EngineError::Store(_) => (S::INTERNAL_SERVER_ERROR, "CBC.0999"),
    }
}

impl From<EngineError> for ApiError {
    fn from(err: EngineError) -> ApiError {
        let (status, code) = status_and_code(&err);
        let message = match &err {
            EngineError::Store(store) => {
                // Logged once here, where it is handled; the client learns nothing internal.
                tracing::error!(error = %store, "storage failed");
                "Other error: the request could not be completed, try again later".to_owned()
            }
            EngineError::OperationNotOpenToCaller
            | EngineError::Partner(PartnerError::OperationNotOpenToPartnerKind { .. }) => {
                format!("Access denied: {err}")
            }
            other => other.to_string(),
        };
        ApiError::new(status, code, message)
    }
}
