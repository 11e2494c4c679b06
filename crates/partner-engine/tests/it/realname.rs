//! Real-name authentication end to end: submissions, the review queue and the customer's state
//! machine, bank-card codes through the outbox, refusals and races, on both databases.

use partner_domain::{
    customers::{CustomerId, CustomerType, SubCustomerFilter, VerifiedStatus},
    partners::PartnerError,
    realname::{
        BankCardRequest, EnterpriseRequest, IndividualRequest, RealNameError, ReviewFilter,
        ReviewStatus,
    },
    verification::{SendRequest, VerificationError},
};
use partner_engine::{EngineError, customers::SubCustomerQuery, realname::Submitted};

use crate::support::{TestEngine, WORLD, operator, partner};

/// `WORLD` and a solution provider whose access configuration has attachment upload off.
fn world() -> String {
    format!(
        "{WORLD}\n[[partners]]\nid = \"closed\"\nname = \"closed-solutions\"\n\
         kind = \"solution_provider\"\nrealname_attachments = false\n\n\
         [[customers]]\nid = \"c-closed-1\"\nname = \"closed-customer\"\npartner = \"closed\"\n"
    )
}

fn files(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("scans/page-{i}.png")).collect()
}

fn certificate(customer: &str) -> IndividualRequest {
    IndividualRequest {
        customer_id: customer.into(),
        identify_type: 0,
        verified_type: Some(3),
        verified_file_url: files(3),
        name: "Li Lei".into(),
        verified_number: "E12345678".into(),
        xaccount_type: "acme_platform".into(),
        ..IndividualRequest::default()
    }
}

fn bank_card(customer: &str, code: &str) -> IndividualRequest {
    IndividualRequest {
        identify_type: 4,
        verified_type: None,
        verified_file_url: files(1),
        bank_card_info: Some(BankCardRequest {
            bank_account: Some("6222000012345678".into()),
            areacode: Some("0086".into()),
            mobile: Some(MOBILE.into()),
            verification_code: Some(code.into()),
        }),
        ..certificate(customer)
    }
}

fn enterprise(customer: &str, change_type: Option<i64>) -> EnterpriseRequest {
    EnterpriseRequest {
        customer_id: customer.into(),
        identify_type: 1,
        certificate_type: Some(0),
        verified_file_url: files(1),
        corp_name: "Lighthouse Games Ltd.".into(),
        verified_number: "91110000000000000X".into(),
        xaccount_type: "acme_platform".into(),
        change_type,
        ..EnterpriseRequest::default()
    }
}

const MOBILE: &str = "13912345678";

async fn state(t: &TestEngine, customer: &str) -> (VerifiedStatus, CustomerType, Option<String>) {
    let mut tx = t.store.read().await.unwrap();
    let c = tx.customer(&CustomerId(customer.into())).await.unwrap().unwrap();
    (c.verified_status, c.customer_type, c.real_name)
}

/// The id of the customer's pending submission.
async fn pending(t: &TestEngine, customer: &str) -> String {
    let filter =
        ReviewFilter { status: ReviewStatus::Pending, customer: Some(CustomerId(customer.into())) };
    let queue = t.engine.list_realname_reviews(&operator("ops"), filter).await.unwrap();
    assert_eq!(queue.len(), 1, "{customer}: {queue:?}");
    queue[0].id.clone()
}

async fn review(t: &TestEngine, customer: &str) -> Option<(ReviewStatus, Option<String>)> {
    let acme = partner("acme");
    let result = t.engine.show_realname_authentication_review_result(&acme, customer).await;
    result.unwrap().map(|r| (r.status, r.opinion))
}

fn refused<T: std::fmt::Debug>(res: Result<T, EngineError>, rule: &str) {
    match res {
        Err(err) => assert_eq!(err.rule(), rule, "{err:?}"),
        Ok(ok) => panic!("expected {rule}, got {ok:?}"),
    }
}

/// The customer's verification through a certificate's review, a rejection, a resubmission,
/// an approval and a change to an enterprise, rejected then approved.
#[tokio::test]
async fn a_customer_moves_through_review_rejection_approval_and_change() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, &world()).await;
        let (e, acme, ops) = (&t.engine, partner("acme"), operator("ops"));
        assert_eq!(review(&t, "c-acme-1").await, None, "{backend}: never submitted");

        let res = e.create_personal_realname_auth(&acme, certificate("c-acme-1")).await;
        assert_eq!(res.unwrap(), Submitted { is_review: true }, "{backend}");
        assert_eq!(
            state(&t, "c-acme-1").await,
            (VerifiedStatus::InReview, CustomerType::Unset, None)
        );
        assert_eq!(review(&t, "c-acme-1").await, Some((ReviewStatus::Pending, None)));
        let again = e.create_personal_realname_auth(&acme, certificate("c-acme-1")).await;
        refused(again, "AlreadyVerifiedOrInReview");
        let id = pending(&t, "c-acme-1").await;

        e.reject_realname_review(&ops, &id, "the data page is blurred").await.unwrap();
        assert_eq!(state(&t, "c-acme-1").await.0, VerifiedStatus::Rejected, "{backend}");
        assert_eq!(
            review(&t, "c-acme-1").await,
            Some((ReviewStatus::Rejected, Some("the data page is blurred".into())))
        );
        refused(e.approve_realname_review(&ops, &id).await, "ReviewNotPending");

        e.create_personal_realname_auth(&acme, certificate("c-acme-1")).await.unwrap();
        let id = pending(&t, "c-acme-1").await;
        let approved = e.approve_realname_review(&ops, &id).await.unwrap();
        assert_eq!(
            (approved.status, approved.decided_by.as_deref()),
            (ReviewStatus::Approved, Some("ops"))
        );
        assert_eq!(
            state(&t, "c-acme-1").await,
            (VerifiedStatus::Verified, CustomerType::Individual, Some("Li Lei".into()))
        );
        assert_eq!(review(&t, "c-acme-1").await, Some((ReviewStatus::Approved, None)));
        // The real name is what ListSubCustomers' `customer` filter finds.
        let query = SubCustomerQuery {
            filter: SubCustomerFilter { real_name: Some("LEI".into()), ..Default::default() },
            ..SubCustomerQuery::default()
        };
        assert_eq!(e.list_sub_customers(&acme, query).await.unwrap().total, 1, "{backend}");

        // The change: under review the customer shows 0 and stays the individual it was.
        let enterprise_now =
            e.create_enterprise_realname_authentication(&acme, enterprise("c-acme-1", None));
        refused(enterprise_now.await, "AlreadyVerifiedOrInReview");
        let res =
            e.change_enterprise_realname_authentication(&acme, enterprise("c-acme-1", Some(1)));
        assert_eq!(res.await.unwrap(), Submitted { is_review: true });
        assert_eq!(
            state(&t, "c-acme-1").await,
            (VerifiedStatus::InReview, CustomerType::Individual, Some("Li Lei".into()))
        );
        let change_again =
            e.change_enterprise_realname_authentication(&acme, enterprise("c-acme-1", Some(1)));
        refused(change_again.await, "NotAVerifiedIndividual");
        let id = pending(&t, "c-acme-1").await;
        e.reject_realname_review(&ops, &id, "the licence has expired").await.unwrap();
        assert_eq!(
            state(&t, "c-acme-1").await,
            (VerifiedStatus::Verified, CustomerType::Individual, Some("Li Lei".into()))
        );
        e.change_enterprise_realname_authentication(&acme, enterprise("c-acme-1", Some(1)))
            .await
            .unwrap();
        let id = pending(&t, "c-acme-1").await;
        e.approve_realname_review(&ops, &id).await.unwrap();
        assert_eq!(
            state(&t, "c-acme-1").await,
            (
                VerifiedStatus::Verified,
                CustomerType::Enterprise,
                Some("Lighthouse Games Ltd.".into())
            )
        );
        let change =
            e.change_enterprise_realname_authentication(&acme, enterprise("c-acme-1", Some(1)));
        refused(change.await, "NotAVerifiedIndividual");

        // Every submission, decision and refusal is on the record.
        let events = e.recent_audit_events(50).await.unwrap();
        let results: Vec<(&str, &str)> =
            events.iter().rev().map(|e| (e.operation.as_str(), e.result.as_str())).collect();
        for expected in [
            ("CreatePersonalRealnameAuth", "success"),
            ("CreatePersonalRealnameAuth", "AlreadyVerifiedOrInReview"),
            ("RejectRealnameReview", "success"),
            ("ApproveRealnameReview", "ReviewNotPending"),
            ("ApproveRealnameReview", "success"),
            ("ChangeEnterpriseRealnameAuthentication", "success"),
            ("ChangeEnterpriseRealnameAuthentication", "NotAVerifiedIndividual"),
        ] {
            assert!(results.contains(&expected), "{backend}: {expected:?} not in {results:?}");
        }
        assert!(
            events.iter().any(|e| e.target == format!("realname-review:{id}")),
            "{backend}: decisions name their submission"
        );
    }
}

/// The code `SendVerificationMessageCode` put in the outbox last for `MOBILE`.
async fn send_code(t: &TestEngine, caller: &str, customer: &str) -> String {
    let request = SendRequest {
        receiver_type: 1,
        mobile_phone: MOBILE.into(),
        scene: Some(18),
        customer_id: Some(customer.into()),
        ..SendRequest::default()
    };
    t.engine.send_verification_message_code(&partner(caller), request).await.unwrap();
    let outbox = t.engine.verification_outbox(&operator("ops"), Some(MOBILE)).await.unwrap();
    outbox[0].code.clone()
}

fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[tokio::test]
async fn a_bank_card_needs_the_code_sent_for_the_customer_and_verifies_at_once() {
    let t = TestEngine::with("sqlite", &world()).await;
    let (e, acme) = (&t.engine, partner("acme"));
    // A code sent for another customer, or by another partner, is no code for this one.
    let for_other = send_code(&t, "acme", "c-acme-2").await;
    refused(
        e.create_personal_realname_auth(&acme, bank_card("c-acme-1", &for_other)).await,
        "CodeWrong",
    );
    let code = send_code(&t, "acme", "c-acme-1").await;
    for _ in 0..3 {
        let res = e.create_personal_realname_auth(&acme, bank_card("c-acme-1", other_than(&code)));
        refused(res.await, "CodeWrong");
    }
    // Three wrong tries committed although refused: now even the right code is locked.
    let res = e.create_personal_realname_auth(&acme, bank_card("c-acme-1", &code)).await;
    assert!(
        matches!(res, Err(EngineError::Verification(VerificationError::TooManyFailedAttempts))),
        "{res:?}"
    );
    // An expired code has this operation's own rule.
    let code = send_code(&t, "acme", "c-acme-1").await;
    e.advance_clock(&operator("ops"), 11 * 60).await.unwrap();
    let res = e.create_personal_realname_auth(&acme, bank_card("c-acme-1", &code)).await;
    assert!(
        matches!(res, Err(EngineError::RealName(RealNameError::VerificationCodeExpired))),
        "{res:?}"
    );
    assert_eq!(state(&t, "c-acme-1").await.0, VerifiedStatus::Unverified);

    let code = send_code(&t, "acme", "c-acme-1").await;
    let res = e.create_personal_realname_auth(&acme, bank_card("c-acme-1", &code)).await;
    assert_eq!(res.unwrap(), Submitted { is_review: false });
    assert_eq!(
        state(&t, "c-acme-1").await,
        (VerifiedStatus::Verified, CustomerType::Individual, Some("Li Lei".into()))
    );
    assert_eq!(review(&t, "c-acme-1").await, Some((ReviewStatus::Approved, None)));
    let approved = ReviewFilter { status: ReviewStatus::Approved, customer: None };
    let decided = e.list_realname_reviews(&operator("ops"), approved).await.unwrap();
    assert_eq!(decided[0].bank_account_tail.as_deref(), Some("5678"));
    // The code was used up.
    let outbox = e.verification_outbox(&operator("ops"), Some(MOBILE)).await.unwrap();
    assert_eq!((outbox[0].code.as_str(), outbox[0].used_at.is_some()), (code.as_str(), true));
}

#[tokio::test]
async fn who_may_submit_for_whom() {
    let t = TestEngine::with("sqlite", &world()).await;
    let e = &t.engine;
    let res = e.create_personal_realname_auth(&partner("bolt"), certificate("c-bolt-1")).await;
    assert!(
        matches!(
            res,
            Err(EngineError::Partner(PartnerError::OperationNotOpenToPartnerKind { .. }))
        ),
        "{res:?}"
    );
    let closed = partner("closed");
    let res = e.create_personal_realname_auth(&closed, certificate("c-closed-1")).await;
    refused(res, "AttachmentUploadDisabled");
    for (caller, customer) in
        [("acme", "c-nova-1"), ("acme", "c-far-1"), ("nova", "c-bolt-1"), ("acme", "nobody")]
    {
        let res = e.create_personal_realname_auth(&partner(caller), certificate(customer)).await;
        refused(res, "NotYourCustomer");
        let res = e.show_realname_authentication_review_result(&partner(caller), customer).await;
        refused(res, "NotYourCustomer");
    }
    // A distributor submits for its reseller's customers too.
    e.create_personal_realname_auth(&partner("acme"), certificate("c-bolt-1")).await.unwrap();
    refused(
        e.list_realname_reviews(
            &partner("acme"),
            ReviewFilter { status: ReviewStatus::Pending, customer: None },
        )
        .await,
        "OperationNotOpenToCaller",
    );
    refused(e.approve_realname_review(&partner("acme"), "x").await, "OperationNotOpenToCaller");
    refused(e.approve_realname_review(&operator("ops"), "nothing").await, "UnknownReview");
    let id = pending(&t, "c-bolt-1").await;
    refused(e.reject_realname_review(&operator("ops"), &id, " ").await, "OpinionInvalid");
    // The form is checked before the customer.
    let bad = IndividualRequest { verified_type: None, ..certificate("nobody") };
    refused(e.create_personal_realname_auth(&partner("acme"), bad).await, "VerifiedTypeRequired");
}

#[tokio::test]
async fn a_customer_submits_five_times_at_most() {
    let t = TestEngine::with("sqlite", &world()).await;
    let (e, acme, ops) = (&t.engine, partner("acme"), operator("ops"));
    for _ in 0..5 {
        e.create_enterprise_realname_authentication(&acme, enterprise("c-acme-2", None))
            .await
            .unwrap();
        let id = pending(&t, "c-acme-2").await;
        e.reject_realname_review(&ops, &id, "unreadable").await.unwrap();
    }
    let sixth = e.create_enterprise_realname_authentication(&acme, enterprise("c-acme-2", None));
    refused(sixth.await, "SubmissionLimitReached");
    let rejected = ReviewFilter { status: ReviewStatus::Rejected, customer: None };
    assert_eq!(e.list_realname_reviews(&ops, rejected).await.unwrap().len(), 5);
}

#[tokio::test]
async fn concurrent_submissions_for_one_customer_make_one() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, &world()).await;
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let engine = t.engine.clone();
                tokio::spawn(async move {
                    engine
                        .create_personal_realname_auth(&partner("acme"), certificate("c-acme-1"))
                        .await
                })
            })
            .collect();
        let mut submitted = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => submitted += 1,
                Err(EngineError::RealName(RealNameError::AlreadyVerifiedOrInReview)) => {}
                Err(other) => panic!("{backend}: {other:?}"),
            }
        }
        assert_eq!(submitted, 1, "{backend}");
        let all = ReviewFilter { status: ReviewStatus::Pending, customer: None };
        assert_eq!(t.engine.list_realname_reviews(&operator("ops"), all).await.unwrap().len(), 1);
    }
}
