//! Wire models of the verification-code operations, as the SDK's `v2/model` names them, and of
//! the operator's outbox.

use partner_domain::verification::{SendRequest, VerificationCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::ApiError,
    wire::{bounded, bounded_id, format_utc},
};

/// SDK `SendVerificationCodeV2Req`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct SendVerificationCodeV2Req {
    pub(crate) receiver_type: i64,
    pub(crate) timeout: Option<i64>,
    pub(crate) mobile_phone: String,
    pub(crate) lang: Option<String>,
    pub(crate) scene: Option<i64>,
    pub(crate) customer_id: Option<String>,
}

impl TryFrom<SendVerificationCodeV2Req> for SendRequest {
    type Error = ApiError;

    fn try_from(req: SendVerificationCodeV2Req) -> Result<Self, ApiError> {
        Ok(SendRequest {
            receiver_type: req.receiver_type,
            timeout: req.timeout,
            mobile_phone: bounded_id("mobile_phone", req.mobile_phone, 32)?,
            lang: bounded("lang", req.lang, 16)?,
            scene: req.scene,
            customer_id: bounded("customer_id", req.customer_id, 64)?,
        })
    }
}

/// The outbox's query string.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct OutboxQuery {
    /// Only the messages to this number.
    pub(crate) mobile: Option<String>,
}

impl OutboxQuery {
    pub(crate) fn mobile(self) -> Result<Option<String>, ApiError> {
        bounded("mobile", self.mobile, 32)
    }
}

/// The outbox: messages, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct Outbox {
    messages: Vec<OutboxMessage>,
}

/// One message the server would have sent.
#[derive(Serialize, ToSchema)]
pub(crate) struct OutboxMessage {
    id: String,
    mobile_phone: String,
    /// The partner that asked for the code.
    partner_id: String,
    /// `29` registration, `18` bank-card real-name authentication.
    scene: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    code: String,
    /// The message as the phone would show it.
    text: String,
    sent_at: String,
    expires_at: String,
    failed_attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    used_at: Option<String>,
}

impl From<Vec<VerificationCode>> for Outbox {
    fn from(codes: Vec<VerificationCode>) -> Self {
        let messages = codes
            .into_iter()
            .map(|c| OutboxMessage {
                text: c.message(),
                id: c.id,
                mobile_phone: c.mobile,
                partner_id: c.partner.0,
                scene: c.scene.code(),
                customer_id: c.customer.map(|id| id.0),
                code: c.code,
                sent_at: format_utc(c.sent_at),
                expires_at: format_utc(c.expires_at),
                failed_attempts: c.failed_attempts,
                used_at: c.used_at.map(format_utc),
            })
            .collect();
        Outbox { messages }
    }
}
