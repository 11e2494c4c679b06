//! `ReportRows`: reports round trip, are found by any key of their prospect, paged newest first
//! without the deleted ones, change state once; invitations are used once; a customer's
//! standing and label are written and read back.

use partner_domain::{
    Timestamp,
    customers::{AssociationType, CustomerId},
    partners::{PartnerId, PartnerKind},
    reports::{Invitation, Prospect, Report, ReportStatus, Restriction, Standing},
};

use crate::{backends, customer, page, partner};

fn report(id: &str, mobile: Option<&str>, email: Option<&str>, status: ReportStatus) -> Report {
    Report {
        id: id.into(),
        partner: PartnerId("acme".into()),
        prospect: Prospect {
            customer_name: "Carol Ltd".into(),
            mobile: mobile.map(str::to_owned),
            mobile_key: mobile.map(|m| format!("0086-{m}")),
            email: email.map(str::to_owned),
            account_name: None,
        },
        customer: None,
        kind: AssociationType::Reseller,
        status,
        submitted_at: Timestamp::from_millis(100),
        reported_at: (status == ReportStatus::Reported).then_some(Timestamp::from_millis(100)),
        reason: None,
        reviewed_by: None,
    }
}

#[tokio::test]
async fn reports_round_trip_are_found_by_their_prospect_and_change_state_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_customer(&customer("c1", "acme", 1)).await.unwrap();
        let by_account = Report {
            customer: Some(CustomerId("c1".into())),
            prospect: Prospect {
                account_name: Some("Carol".into()),
                ..report("r3", None, Some("x@y.cn"), ReportStatus::PendingReview).prospect
            },
            ..report("r3", None, Some("x@y.cn"), ReportStatus::PendingReview)
        };
        let all = [
            report("r1", Some("13800000001"), None, ReportStatus::Reported),
            report("r2", None, Some("Mail@Example.com"), ReportStatus::Deleted),
            by_account,
        ];
        for r in &all {
            tx.insert_report(r).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        for r in &all {
            assert_eq!(tx.report(&r.id).await.unwrap().as_ref(), Some(r), "{}", b.name);
        }
        assert_eq!(tx.report("nothing").await.unwrap(), None);
        let ids = |rs: Vec<Report>| rs.into_iter().map(|r| r.id).collect::<Vec<_>>();
        let prospect =
            |mobile: Option<&str>, email: Option<&str>, account: Option<&str>| Prospect {
                customer_name: String::new(),
                mobile_key: mobile.map(str::to_owned),
                mobile: None,
                email: email.map(str::to_owned),
                account_name: account.map(str::to_owned),
            };
        let naming = tx
            .reports_naming(
                &prospect(Some("0086-13800000001"), Some("MAIL@example.COM"), None),
                None,
            )
            .await
            .unwrap();
        assert_eq!(ids(naming), ["r1", "r2"], "{}", b.name);
        let by_name = tx.reports_naming(&prospect(None, None, Some("CAROL")), None).await.unwrap();
        assert_eq!(ids(by_name), ["r3"], "{}", b.name);
        let c1 = CustomerId("c1".into());
        let by_id = tx.reports_naming(&prospect(None, None, None), Some(&c1)).await.unwrap();
        assert_eq!(ids(by_id), ["r3"], "{}", b.name);
        assert!(tx.reports_naming(&prospect(None, None, None), None).await.unwrap().is_empty());

        let mine = tx.reports_of(&PartnerId("acme".into()), page(0, 10)).await.unwrap();
        assert_eq!((mine.total, ids(mine.rows)), (2, vec!["r3".to_owned(), "r1".to_owned()]));
        let second = tx.reports_of(&PartnerId("acme".into()), page(1, 1)).await.unwrap();
        assert_eq!((second.total, ids(second.rows)), (2, vec!["r1".to_owned()]));
        let past = tx.reports_of(&PartnerId("acme".into()), page(5, 1)).await.unwrap();
        assert_eq!((past.total, past.rows.len()), (2, 0));
        let pending = tx.reports_in_status(ReportStatus::PendingReview, 10).await.unwrap();
        assert_eq!(ids(pending), ["r3"]);

        let approved = Report {
            status: ReportStatus::Reported,
            reported_at: Some(Timestamp::from_millis(500)),
            reviewed_by: Some("ops".into()),
            reason: Some("fine".into()),
            ..all[2].clone()
        };
        assert!(tx.update_report(&approved, ReportStatus::PendingReview).await.unwrap());
        assert!(!tx.update_report(&approved, ReportStatus::PendingReview).await.unwrap());
        assert_eq!(tx.report("r3").await.unwrap(), Some(approved), "{}", b.name);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn invitations_are_used_once_and_customers_carry_their_standing() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_customer(&customer("c1", "acme", 7)).await.unwrap();
        tx.insert_report(&report("r1", Some("13800000001"), None, ReportStatus::Reported))
            .await
            .unwrap();
        let online = Invitation {
            code: "on".into(),
            partner: PartnerId("acme".into()),
            kind: AssociationType::Reseller,
            report: Some("r1".into()),
            label: None,
            created_at: Timestamp::from_millis(10),
            used_at: None,
        };
        let offline = Invitation {
            code: "off".into(),
            report: None,
            label: Some("Fair".into()),
            kind: AssociationType::Referral,
            ..online.clone()
        };
        tx.insert_invitation(&online).await.unwrap();
        tx.insert_invitation(&offline).await.unwrap();
        assert_eq!(tx.invitation("on").await.unwrap(), Some(online.clone()), "{}", b.name);
        assert_eq!(tx.invitation("off").await.unwrap(), Some(offline), "{}", b.name);
        assert_eq!(tx.invitation("none").await.unwrap(), None);
        assert!(tx.use_invitation("on", Timestamp::from_millis(20)).await.unwrap());
        assert!(!tx.use_invitation("on", Timestamp::from_millis(30)).await.unwrap());
        let used = tx.invitation("on").await.unwrap().unwrap();
        assert_eq!(used.used_at, Some(Timestamp::from_millis(20)));

        // A customer inserted associated counts as registered when it was associated.
        let c1 = CustomerId("c1".into());
        let first = tx.customer_standing(&c1).await.unwrap().unwrap();
        assert_eq!(
            first,
            Standing { registered_at: Timestamp::from_millis(7), restrictions: vec![] }
        );
        let standing = Standing {
            registered_at: Timestamp::from_millis(3),
            restrictions: vec![Restriction::PostPay, Restriction::ReportedByCloud],
        };
        tx.set_customer_standing(&c1, &standing).await.unwrap();
        assert_eq!(tx.customer_standing(&c1).await.unwrap(), Some(standing), "{}", b.name);
        assert_eq!(tx.customer_standing(&CustomerId("no".into())).await.unwrap(), None);
        tx.set_customer_label(&c1, Some("Fair")).await.unwrap();
        assert_eq!(tx.customer(&c1).await.unwrap().unwrap().label.as_deref(), Some("Fair"));

        assert!(tx.partner_holds_name("ACME NAME").await.unwrap());
        assert!(!tx.partner_holds_name("c1").await.unwrap());
        let by_name = tx.customers_matching(Some("C1"), None, None, 10).await.unwrap();
        assert_eq!(by_name, vec![c1.clone()], "{}", b.name);
        let by_mobile =
            tx.customers_matching(None, Some("+86 13800000000"), None, 10).await.unwrap();
        assert_eq!(by_mobile, vec![c1.clone()], "{}", b.name);
        assert!(tx.customers_matching(None, None, Some("x@y.cn"), 10).await.unwrap().is_empty());
        tx.commit().await.unwrap();
    }
}
