//! Registering customers end to end: verification codes through the outbox, association with
//! the acting partner, concurrent and retried registrations, on both databases.

use partner_domain::{
    customers::{
        AssociationType, CustomerId, RegistrationError, RegistrationRequest, SubCustomerFilter,
    },
    funds::{AccountKind, Owner},
    verification::{SendRequest, VerificationError},
};
use partner_engine::{
    EngineError,
    customers::{SubCustomerQuery, SubCustomerRegistration},
    funds::RetryKeys,
};

use crate::support::{TestEngine, WORLD, operator, partner};

fn registration(xaccount_id: &str, name: Option<&str>) -> SubCustomerRegistration {
    SubCustomerRegistration {
        registration: RegistrationRequest {
            xaccount_id: xaccount_id.into(),
            xaccount_type: "acme_platform".into(),
            domain_name: name.map(str::to_owned),
            ..RegistrationRequest::default()
        },
        ..SubCustomerRegistration::default()
    }
}

fn send(mobile: &str) -> SendRequest {
    SendRequest { receiver_type: 1, mobile_phone: mobile.into(), ..SendRequest::default() }
}

/// The code the outbox shows last for `mobile`.
async fn code_in_outbox(t: &TestEngine, mobile: &str) -> String {
    let outbox = t.engine.verification_outbox(&operator("ops"), Some(mobile)).await.unwrap();
    outbox[0].code.clone()
}

#[tokio::test]
async fn a_registered_customer_is_associated_listed_and_has_a_cash_account() {
    let t = TestEngine::with("sqlite", WORLD).await;
    let mut req = registration("u1", Some("new-buyer"));
    req.indirect_partner_id = Some("bolt".into());
    let created =
        t.engine.create_sub_customer(&partner("acme"), req, RetryKeys::none()).await.unwrap();
    assert_eq!(created.domain_name, "new-buyer");
    let query = SubCustomerQuery {
        filter: SubCustomerFilter {
            customer_id: Some(created.domain_id.0.clone()),
            ..Default::default()
        },
        indirect_partner_id: Some("bolt".into()),
        ..SubCustomerQuery::default()
    };
    let listed = t.engine.list_sub_customers(&partner("acme"), query.clone()).await.unwrap();
    let customer = &listed.rows[0];
    assert_eq!(
        customer.association.as_ref().map(|a| (a.partner.0.as_str(), a.kind)),
        Some(("bolt", AssociationType::Reseller))
    );
    assert_eq!(customer.xaccount_id.as_deref(), Some("u1"));
    // The distributor sees its reseller's new customer only through indirect_partner_id.
    let own = SubCustomerQuery { indirect_partner_id: None, ..query };
    assert_eq!(t.engine.list_sub_customers(&partner("acme"), own).await.unwrap().total, 0);
    let mut tx = t.store.read().await.unwrap();
    let owner = Owner::Customer(created.domain_id.clone());
    assert!(tx.fund_account(&owner, AccountKind::Cash).await.unwrap().is_some());
}

#[tokio::test]
async fn a_mobile_number_needs_the_code_sent_to_it_by_the_same_partner() {
    let t = TestEngine::with("sqlite", WORLD).await;
    let acme = partner("acme");
    t.engine.send_verification_message_code(&acme, send("13911112222")).await.unwrap();
    let code = code_in_outbox(&t, "13911112222").await;
    let with_code = |given: &str| {
        let mut req = registration("u2", None);
        req.registration.mobile_phone = Some("13911112222".into());
        req.registration.verification_code = Some(given.into());
        req
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // Another partner's request cannot consume acme's code.
    let res =
        t.engine.create_sub_customer(&partner("nova"), with_code(&code), RetryKeys::none()).await;
    assert!(matches!(res, Err(EngineError::Verification(VerificationError::CodeWrong))), "{res:?}");
    for _ in 0..3 {
        let res = t.engine.create_sub_customer(&acme, with_code(wrong), RetryKeys::none()).await;
        assert!(
            matches!(res, Err(EngineError::Verification(VerificationError::CodeWrong))),
            "{res:?}"
        );
    }
    // Three wrong checks were counted (they committed although refused): now even the right
    // code is locked.
    let res = t.engine.create_sub_customer(&acme, with_code(&code), RetryKeys::none()).await;
    assert!(
        matches!(res, Err(EngineError::Verification(VerificationError::TooManyFailedAttempts))),
        "{res:?}"
    );
    // A new code works once.
    t.engine.send_verification_message_code(&acme, send("13911112222")).await.unwrap();
    let code = code_in_outbox(&t, "13911112222").await;
    t.engine.create_sub_customer(&acme, with_code(&code), RetryKeys::none()).await.unwrap();
    let mut again = with_code(&code);
    again.registration.xaccount_id = "u3".into();
    let res = t.engine.create_sub_customer(&acme, again, RetryKeys::none()).await;
    assert!(matches!(res, Err(EngineError::Verification(VerificationError::CodeWrong))), "{res:?}");
}

#[tokio::test]
async fn concurrent_registrations_of_one_user_or_one_name_make_one_customer() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        for (label, same_user) in [("same xaccount", true), ("same name", false)] {
            let tasks: Vec<_> = (0..8)
                .map(|n| {
                    let engine = t.engine.clone();
                    let xaccount =
                        if same_user { label.to_owned() } else { format!("{label}-{n}") };
                    let name = if same_user {
                        format!("user-{n}-{}", label.len())
                    } else {
                        "Shared-Name".to_owned()
                    };
                    tokio::spawn(async move {
                        engine
                            .create_sub_customer(
                                &partner("acme"),
                                registration(&xaccount, Some(&name)),
                                RetryKeys::none(),
                            )
                            .await
                    })
                })
                .collect();
            let mut created = 0;
            for task in tasks {
                match task.await.unwrap() {
                    Ok(_) => created += 1,
                    Err(EngineError::Registration(
                        RegistrationError::XaccountTaken | RegistrationError::AccountNameTaken,
                    )) => {}
                    Err(other) => panic!("{backend} {label}: {other:?}"),
                }
            }
            assert_eq!(created, 1, "{backend}: {label}");
        }
    }
}

#[tokio::test]
async fn a_retried_registration_answers_like_the_first() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        let retry = RetryKeys { idempotency_key: Some("create-1".into()), signature: None };
        let acme = partner("acme");
        let first = t
            .engine
            .create_sub_customer(&acme, registration("u9", None), retry.clone())
            .await
            .unwrap();
        let again = t
            .engine
            .create_sub_customer(&acme, registration("u9", None), retry.clone())
            .await
            .unwrap();
        assert_eq!(first, again, "{backend}");
        let other = registration("u10", None);
        let res = t.engine.create_sub_customer(&acme, other, retry).await;
        assert!(matches!(res, Err(EngineError::IdempotencyKeyReused(_))), "{backend}: {res:?}");
        // Without a key a second call is a second registration: refused, the user is bound.
        let res =
            t.engine.create_sub_customer(&acme, registration("u9", None), RetryKeys::none()).await;
        assert!(
            matches!(res, Err(EngineError::Registration(RegistrationError::XaccountTaken))),
            "{backend}: {res:?}"
        );
        assert_eq!(first.domain_name.len(), 32, "{backend}");
        let mut tx = t.store.read().await.unwrap();
        assert!(tx.customer(&CustomerId(first.domain_id.0.clone())).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn a_number_is_texted_fifteen_times_an_hour() {
    let t = TestEngine::with("sqlite", WORLD).await;
    for _ in 0..15 {
        t.engine
            .send_verification_message_code(&partner("acme"), send("13600000000"))
            .await
            .unwrap();
    }
    // Whoever asks: the limit protects the phone.
    let res = t.engine.send_verification_message_code(&partner("nova"), send("13600000000")).await;
    assert!(
        matches!(res, Err(EngineError::Verification(VerificationError::SendLimitReached))),
        "{res:?}"
    );
}
