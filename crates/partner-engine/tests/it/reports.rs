//! Customer reports end to end on both databases: reported at once or after review, one
//! partner's claim against another's, expiry by moving the manual clock, deletion, the audit.

use partner_domain::{
    customers::AssociationType,
    reports::{ReportError, ReportRequest, ReportState},
};
use partner_engine::EngineError;

use crate::support::{TestEngine, operator, partner};

/// Two distributors with a contact and one without; a customer registered long ago and one
/// registered the day before the clock.
const WORLD: &str = r#"
[clock]
mode = "manual"
now = "2026-02-01T00:00:00Z"

[[operators]]
name = "ops"
ak = "OPSAK000000000000001"
sk = "opssecret000000000000000000000000000001"

[[partners]]
id = "acme"
name = "acme-distribution"
kind = "distributor"
email = "sales@acme.example"

[[partners]]
id = "zen"
name = "zen-distribution"
kind = "distributor"
mobile_phone = "13900000009"

[[partners]]
id = "mute"
name = "mute-distribution"
kind = "distributor"

[[customers]]
id = "c-old"
name = "old-timer"
mobile_phone = "13800000001"
registered = "2025-12-01T00:00:00Z"

[[customers]]
id = "c-new"
name = "newcomer"
email = "hello@newcomer.example"
registered = "2026-01-31T00:00:00Z"
"#;

fn request(mobile: Option<&str>, email: Option<&str>) -> ReportRequest {
    ReportRequest {
        customer_name: "Prospect Ltd".into(),
        mobile: mobile.map(str::to_owned),
        email: email.map(str::to_owned),
        account_name: None,
    }
}

fn refused(res: Result<impl std::fmt::Debug, EngineError>, rule: ReportError) {
    match res {
        Err(EngineError::Report(err)) => assert_eq!(err, rule),
        other => panic!("expected {rule:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn reports_claim_prospects_for_15_days_and_old_accounts_wait_for_review() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        let e = &t.engine;
        let (acme, zen, ops) = (partner("acme"), partner("zen"), operator("ops"));
        let reseller = AssociationType::Reseller;

        // No account, or one registered a day ago: reported at once.
        let fresh = e.create_customer_report(&acme, request(Some("13700000000"), None), reseller);
        assert_eq!(fresh.await.unwrap().state, ReportState::Reported, "{backend}");
        let new = request(None, Some("hello@newcomer.example"));
        let new_report = e.create_customer_report(&acme, new, reseller).await.unwrap();
        assert_eq!(new_report.state, ReportState::Reported);
        assert_eq!(new_report.report.customer.as_ref().map(|c| c.0.as_str()), Some("c-new"));

        // The other partner is refused while the report holds, by number or e-mail.
        let same_number = request(Some("+86 137 0000 0000"), None);
        refused(
            e.create_customer_report(&zen, same_number.clone(), reseller).await,
            ReportError::ReportedByAnotherPartner,
        );
        refused(
            e.create_customer_report(&acme, same_number.clone(), reseller).await,
            ReportError::AlreadyReported,
        );
        refused(
            e.create_customer_report(
                &partner("mute"),
                request(Some("13600000000"), None),
                reseller,
            )
            .await,
            ReportError::ProfileWithoutContact,
        );

        // An account registered two months ago waits for the operator.
        let old = e.create_customer_report(&zen, request(Some("13800000001"), None), reseller);
        let old = old.await.unwrap();
        assert_eq!(old.state, ReportState::PendingReview, "{backend}");
        refused(
            e.create_customer_report(&acme, request(Some("13800000001"), None), reseller).await,
            ReportError::ReportedByAnotherPartner,
        );
        refused(
            e.delete_customer_report(&zen, &old.report.id).await,
            ReportError::PendingReportCannotBeDeleted,
        );
        let queue = e.list_customer_report_reviews(&ops).await.unwrap();
        assert_eq!(
            queue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            [old.report.id.as_str()]
        );
        assert!(e.list_customer_report_reviews(&acme).await.is_err());
        refused(
            e.reject_customer_report(&ops, &old.report.id, " ").await,
            ReportError::RejectionReasonRequired,
        );
        let approved = e.approve_customer_report(&ops, &old.report.id).await.unwrap();
        assert_eq!(approved.state, ReportState::Reported);
        refused(
            e.approve_customer_report(&ops, &old.report.id).await,
            ReportError::ReportNotPending,
        );

        // 15 days later to the millisecond the first reports expire, with no job running.
        e.advance_clock(&ops, 15 * 24 * 3600 - 1).await.unwrap();
        refused(
            e.create_customer_report(&zen, same_number.clone(), reseller).await,
            ReportError::ReportedByAnotherPartner,
        );
        e.advance_clock(&ops, 1).await.unwrap();
        let listed = e.list_customer_reports(&acme, None, None).await.unwrap();
        assert_eq!(listed.total, 2);
        assert!(listed.rows.iter().all(|v| v.state == ReportState::Expired), "{backend}");
        let taken = e.create_customer_report(&zen, same_number, reseller).await.unwrap();
        assert_eq!(taken.state, ReportState::Reported);

        // Deleting a reported report voids it: the prospect is free, the list forgets it.
        e.delete_customer_report(&zen, &taken.report.id).await.unwrap();
        refused(
            e.delete_customer_report(&zen, &taken.report.id).await,
            ReportError::UnknownReport(taken.report.id.clone()),
        );
        refused(
            e.delete_customer_report(&acme, &approved.report.id).await,
            ReportError::UnknownReport(approved.report.id.clone()),
        );
        let again = e.create_customer_report(&acme, request(Some("13700000000"), None), reseller);
        assert_eq!(again.await.unwrap().state, ReportState::Reported);
        let zen_list = e.list_customer_reports(&zen, Some(0), Some(1)).await.unwrap();
        assert_eq!((zen_list.total, zen_list.rows.len()), (1, 1), "{backend}");

        let events = e.recent_audit_events(30).await.unwrap();
        let refusals = events.iter().filter(|ev| ev.result == "ReportedByAnotherPartner").count();
        assert_eq!(refusals, 3, "{backend}");
        assert!(
            events
                .iter()
                .any(|ev| ev.operation == "DeleteCustomerReport" && ev.result == "success")
        );
    }
}

#[tokio::test]
async fn an_invitation_associates_a_recent_customer_and_an_old_one_with_a_report() {
    use partner_engine::reports::InvitationRequest;
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        let acme = partner("acme");
        let offline =
            InvitationRequest { kind: Some(AssociationType::Referral), ..Default::default() };
        let code = t.engine.create_invitation(&acme, offline.clone()).await.unwrap().code;
        let newcomer = crate::support::customer("c-new");
        let made = t.engine.accept_invitation(&newcomer, &code).await.unwrap();
        assert_eq!((made.partner.0.as_str(), made.kind), ("acme", AssociationType::Referral));
        let again = t.engine.accept_invitation(&newcomer, &code).await;
        assert!(
            matches!(again, Err(EngineError::Report(ReportError::AlreadyAssociated))),
            "{backend}"
        );

        // Registered two months ago: only through a valid report of the inviting partner.
        let old = crate::support::customer("c-old");
        let refused = t.engine.accept_invitation(&old, &code).await;
        assert!(
            matches!(refused, Err(EngineError::Report(ReportError::RegistrationTimeOverLimit))),
            "{backend}: {refused:?}"
        );
        let report = t
            .engine
            .create_customer_report(
                &acme,
                request(Some("13800000001"), None),
                AssociationType::Reseller,
            )
            .await
            .unwrap();
        assert_eq!(report.state, ReportState::PendingReview, "{backend}");
        t.engine.approve_customer_report(&operator("ops"), &report.report.id).await.unwrap();
        let online =
            InvitationRequest { report_id: Some(report.report.id.clone()), ..Default::default() };
        let online = t.engine.create_invitation(&acme, online).await.unwrap();
        let made = t.engine.accept_invitation(&old, &online.code).await.unwrap();
        assert_eq!(made.kind, AssociationType::Reseller, "{backend}: the report's type");
        let listed = t.engine.list_customer_reports(&acme, None, None).await.unwrap();
        assert_eq!(listed.rows[0].state, ReportState::Associated, "{backend}");
    }
}
