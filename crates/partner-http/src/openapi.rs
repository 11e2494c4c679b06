//! The OpenAPI document: what every handler declares with `#[utoipa::path]`, under the
//! document's title, tags and security schemes given here.

use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, SecurityScheme},
};

use crate::routes::{CUSTOMER_KEYS, OPERATOR_KEYS, PARTNER_KEYS};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partner Center",
        description = "A self-hostable partner center, wire-compatible with Huawei Cloud's partner (BSS) APIs. \
            Partner API calls are signed with SDK-HMAC-SHA256 AK/SK; errors are {\"error_code\", \"error_msg\"}."
    ),
    modifiers(&AccessKeySchemes),
    tags(
        (name = "partners", description = "Tier-1 distributors and their tier-2 resellers"),
        (name = "customers", description = "Partners' sub-customers"),
        (name = "funds", description = "Balances and the ledger"),
        (name = "realname", description = "Real-name authentication of partners' customers"),
        (name = "divisions", description = "China's provinces, cities and counties, for address fields"),
        (name = "iam", description = "The IAM look-up the SDK makes"),
        (name = "operator", description = "Partner Center's own operator API"),
    )
)]
pub(crate) struct ApiDoc;

/// One security scheme per kind of access key: an operation's `security` says whose keys may
/// call it, and the gateway refuses the others.
struct AccessKeySchemes;

impl Modify for AccessKeySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, whose) in [
            (PARTNER_KEYS, "a partner's"),
            (CUSTOMER_KEYS, "a customer's"),
            (OPERATOR_KEYS, "an operator's"),
        ] {
            let description = format!(
                "An SDK-HMAC-SHA256 signature with {whose} access key: \
                 `SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=...`"
            );
            let key = ApiKey::Header(ApiKeyValue::with_description("Authorization", &description));
            components.add_security_scheme(name, SecurityScheme::ApiKey(key));
        }
    }
}

/// The document as JSON.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::routes::api().into_openapi()
}
