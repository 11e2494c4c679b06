//! Access keys: who an AK/SK pair speaks for.

use crate::Timestamp;

/// The kind of identity an access key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    Partner,
    Customer,
    /// Platform staff, for the operator API.
    Operator,
}

impl OwnerKind {
    pub fn code(self) -> &'static str {
        match self {
            OwnerKind::Partner => "partner",
            OwnerKind::Customer => "customer",
            OwnerKind::Operator => "operator",
        }
    }

    pub fn from_code(code: &str) -> Option<OwnerKind> {
        [OwnerKind::Partner, OwnerKind::Customer, OwnerKind::Operator]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// An AK/SK pair. The secret is kept because verifying an HMAC signature needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    pub ak: String,
    pub sk: String,
    pub owner_kind: OwnerKind,
    pub owner_id: String,
    /// For a partner's key: the member (operator account) it belongs to, `None` for the main
    /// account.
    pub member: Option<String>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("an access key id is 1 to 128 letters and digits")]
    MalformedAccessKeyId,
    #[error("a secret key is 8 to 128 printable characters without spaces")]
    MalformedSecretKey,
}

impl AccessError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            AccessError::MalformedAccessKeyId => "MalformedAccessKeyId",
            AccessError::MalformedSecretKey => "MalformedSecretKey",
        }
    }
}

/// Access key ids travel in the `Authorization` header, so they are plain letters and digits.
pub fn check_access_key(ak: &str, sk: &str) -> Result<(), AccessError> {
    if ak.is_empty() || ak.len() > 128 || !ak.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AccessError::MalformedAccessKeyId);
    }
    if sk.len() < 8 || sk.len() > 128 || !sk.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AccessError::MalformedSecretKey);
    }
    Ok(())
}
