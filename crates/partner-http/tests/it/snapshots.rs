//! Reviewed snapshots: the CBC table and the OpenAPI document, and their agreement with the
//! route table.

use expect_test::{expect, expect_file};
use partner_domain::{
    Money, funds::FundsError, money::MoneyError, paging::PageError, partners::PartnerError,
    time::ClockError,
};
use partner_engine::EngineError;
use partner_http::error::status_and_code;

#[test]
fn the_cbc_table() {
    let errors = [
        EngineError::OperationNotOpenToCaller,
        EngineError::Partner(PartnerError::OperationNotOpenToPartnerKind { kind: "reseller" }),
        EngineError::Partner(PartnerError::NotYourIndirectPartner("x".into())),
        EngineError::InvalidParameter { field: "limit", reason: String::new() },
        EngineError::Page(PageError::LimitOutOfRange { max: 100 }),
        EngineError::Money(MoneyError::TooManyDecimals { max: 2 }),
        EngineError::Funds(FundsError::AmountMustBePositive),
        EngineError::Funds(FundsError::NotYourCustomer("x".into())),
        EngineError::Funds(FundsError::ReferralCustomerFundsAreNotYours("x".into())),
        EngineError::Funds(FundsError::InsufficientBalance {
            available: Money::ZERO,
            requested: Money::ZERO,
        }),
        EngineError::IdempotencyKeyReused("x".into()),
        EngineError::Clock(ClockError::ClockNotManual),
        EngineError::Clock(ClockError::ClockMovesForwardOnly),
        EngineError::UnknownOwner { kind: "partner", id: "x".into() },
        EngineError::UnknownAccessKey("x".into()),
        EngineError::WorldInvalid(String::new()),
        EngineError::Store(partner_store::StoreError::Busy),
    ];
    let table: String = errors
        .iter()
        .map(|e| {
            let (status, code) = status_and_code(e);
            format!("{:<34} {} {code}\n", e.rule(), status.as_u16())
        })
        .collect();
    expect![[r#"
        OperationNotOpenToCaller           403 CBC.0151
        OperationNotOpenToPartnerKind      403 CBC.0151
        NotYourIndirectPartner             400 CBC.99000037
        InvalidParameter                   400 CBC.0100
        InvalidPage                        400 CBC.0100
        InvalidAmount                      400 CBC.0100
        AmountMustBePositive               400 CBC.0100
        NotYourCustomer                    400 CBC.99000035
        ReferralCustomerFundsAreNotYours   400 CBC.99000000
        InsufficientBalance                400 CBC.99005003
        IdempotencyKeyReused               409 PC.IdempotencyKeyReused
        ClockNotManual                     409 PC.ClockNotManual
        ClockMovesForwardOnly              409 PC.ClockMovesForwardOnly
        UnknownOwner                       400 PC.UnknownOwner
        UnknownAccessKey                   404 PC.UnknownAccessKey
        WorldInvalid                       400 PC.WorldInvalid
        Internal                           500 CBC.0999
    "#]]
    .assert_eq(&table);
}

#[test]
fn the_openapi_document() {
    let doc = serde_json::to_string_pretty(&partner_http::openapi::document()).unwrap();
    expect_file!["openapi.json"].assert_eq(&format!("{doc}\n"));
}

/// Every handler declared with `#[utoipa::path]` is routed, and every operation says whose
/// keys may call it: an operation the gateway could not authorize does not exist.
#[test]
fn every_declared_operation_is_routed_with_an_audience() {
    let table = partner_http::routes::operation_table();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let n_declared: usize = ["partners", "customers", "funds", "operator"]
        .iter()
        .map(|domain| {
            let text = std::fs::read_to_string(src.join(domain).join("mod.rs")).unwrap();
            text.matches("#[utoipa::path(").count()
        })
        .sum();
    assert_eq!(
        table.len(),
        n_declared,
        "a declared handler is not routed, or lacks an operationId"
    );
    for op in table {
        let audience = op.audience;
        assert!(
            audience.partners || audience.customers || audience.operators,
            "{} names no security scheme",
            op.name
        );
    }
    let doc = serde_json::to_value(partner_http::openapi::document()).unwrap();
    let n_documented: usize =
        doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(n_documented, table.len(), "the document has operations the table lacks");
}

/// The gateway's view of every operation: whose keys may call it and its flow-control quota.
#[test]
fn the_operation_table() {
    let table: String = partner_http::routes::operation_table()
        .iter()
        .map(|op| {
            let a = op.audience;
            let audience =
                [(a.partners, "partner"), (a.customers, "customer"), (a.operators, "operator")]
                    .iter()
                    .filter(|(yes, _)| *yes)
                    .map(|(_, who)| *who)
                    .collect::<Vec<_>>()
                    .join("+");
            let quota = op.per_second.map_or("-".to_owned(), |q| format!("{q}/s"));
            format!("{:<34} {:<6} {:<26} {quota}\n", op.name, op.method.as_str(), audience)
        })
        .collect();
    expect_file!["operations.txt"].assert_eq(&table);
}
