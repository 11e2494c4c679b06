//! `RealNameRows` and `CustomerRows::set_verification`: submissions round trip, are counted,
//! listed newest first as `ReviewFilter::matches` says, decided once; a customer's real-name
//! state changes only from the state it was read in.

use partner_domain::{
    Timestamp,
    customers::{CustomerId, CustomerType, SubCustomerFilter, VerifiedStatus},
    partners::{PartnerId, PartnerKind},
    realname::{
        LegalPerson, Method, Organisation, OrganisationCertificate, PersonalCertificate, Purpose,
        ReviewFilter, ReviewStatus, Submission, Verification,
    },
};

use crate::{backends, customer, page, partner};

fn submission(id: &str, customer: &str, status: ReviewStatus) -> Submission {
    Submission {
        id: id.into(),
        customer: CustomerId(customer.into()),
        partner: PartnerId("acme".into()),
        purpose: Purpose::Authentication,
        method: Method::PersonalCertificate(PersonalCertificate::Passport),
        name: "Li Lei".into(),
        verified_number: "E12345678".into(),
        files: vec!["id/front.jpg".into(), "id/back.jpg".into(), "id/hand.JPG".into()],
        xaccount_type: "acme_platform".into(),
        organisation: None,
        bank_account_tail: None,
        status,
        opinion: None,
        submitted_at: Timestamp::from_millis(100),
        decided_at: None,
        decided_by: None,
    }
}

fn organisation(id: &str, customer: &str) -> Submission {
    Submission {
        purpose: Purpose::ChangeToEnterprise,
        method: Method::Organisation(Some(OrganisationCertificate::Other)),
        name: "Lighthouse Games Ltd.".into(),
        files: vec!["licence.pdf".into(), "legal/front.png".into(), "legal/back.png".into()],
        organisation: Some(Organisation {
            reg_country: Some(String::new()),
            reg_address: None,
            legal_person: Some(LegalPerson {
                name: "Han Meimei".into(),
                id_number: "110101199001011234".into(),
                certifier_role: Some("legalPerson".into()),
            }),
        }),
        ..submission(id, customer, ReviewStatus::Pending)
    }
}

#[tokio::test]
async fn submissions_round_trip_are_counted_and_listed_newest_first() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        for id in ["c1", "c2", "c3"] {
            tx.insert_customer(&customer(id, "acme", 1)).await.unwrap();
        }
        let bank = Submission {
            method: Method::BankCard,
            files: vec!["face.png".into()],
            bank_account_tail: Some("1234".into()),
            decided_at: Some(Timestamp::from_millis(100)),
            ..submission("s3", "c2", ReviewStatus::Approved)
        };
        let all = [
            Submission {
                opinion: Some("blurred".into()),
                decided_at: Some(Timestamp::from_millis(150)),
                decided_by: Some("ops".into()),
                ..submission("s1", "c1", ReviewStatus::Rejected)
            },
            submission("s2", "c1", ReviewStatus::Pending),
            bank,
            organisation("s4", "c3"),
        ];
        for s in &all {
            tx.insert_realname_submission(s).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        for s in &all {
            assert_eq!(
                tx.realname_submission(&s.id).await.unwrap().as_ref(),
                Some(s),
                "{}",
                b.name
            );
        }
        assert_eq!(tx.realname_submission("nothing").await.unwrap(), None, "{}", b.name);
        let c1 = CustomerId("c1".into());
        // The newest by submission order: both have the same business time.
        let latest = tx.latest_realname_submission(&c1).await.unwrap();
        assert_eq!(latest.map(|s| s.id), Some("s2".into()), "{}", b.name);
        let none = tx.latest_realname_submission(&CustomerId("c9".into())).await.unwrap();
        assert_eq!(none, None, "{}", b.name);
        let count = |customer: &str, purpose| (CustomerId(customer.into()), purpose);
        for ((customer, purpose), n) in [
            (count("c1", Purpose::Authentication), 2),
            (count("c1", Purpose::ChangeToEnterprise), 0),
            (count("c3", Purpose::ChangeToEnterprise), 1),
        ] {
            let counted = tx.count_realname_submissions(&customer, purpose).await.unwrap();
            assert_eq!(counted, n, "{}: {customer} {purpose:?}", b.name);
        }

        let filters = [ReviewStatus::Pending, ReviewStatus::Approved, ReviewStatus::Rejected]
            .into_iter()
            .flat_map(|status| {
                [None, Some("c1"), Some("c3")].map(|customer| ReviewFilter {
                    status,
                    customer: customer.map(|c| CustomerId(c.into())),
                })
            });
        for filter in filters {
            let listed = tx.realname_submissions(&filter, 10).await.unwrap();
            let expected: Vec<&Submission> =
                all.iter().rev().filter(|s| filter.matches(s)).collect();
            assert_eq!(listed.iter().collect::<Vec<_>>(), expected, "{}: {filter:?}", b.name);
        }
        let pending = ReviewFilter { status: ReviewStatus::Pending, customer: None };
        assert_eq!(tx.realname_submissions(&pending, 1).await.unwrap().len(), 1, "{}", b.name);
    }
}

#[tokio::test]
async fn a_customer_has_one_pending_submission_and_a_submission_is_decided_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_customer(&customer("c1", "acme", 1)).await.unwrap();
        tx.insert_realname_submission(&submission("s1", "c1", ReviewStatus::Pending))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let second = submission("s2", "c1", ReviewStatus::Pending);
        let res = tx.insert_realname_submission(&second).await;
        assert!(
            matches!(res, Err(partner_store::StoreError::Conflict { .. })),
            "{}: {res:?}",
            b.name
        );
        drop(tx);

        let mut tx = b.store.write().await.unwrap();
        let decided = Submission {
            status: ReviewStatus::Rejected,
            opinion: Some("blurred".into()),
            decided_at: Some(Timestamp::from_millis(200)),
            decided_by: Some("ops".into()),
            ..submission("s1", "c1", ReviewStatus::Pending)
        };
        assert!(tx.decide_realname_submission(&decided).await.unwrap(), "{}", b.name);
        let again = Submission { status: ReviewStatus::Approved, ..decided.clone() };
        assert!(!tx.decide_realname_submission(&again).await.unwrap(), "{}: decided once", b.name);
        // Decided, it no longer holds the customer's one pending place.
        tx.insert_realname_submission(&submission("s2", "c1", ReviewStatus::Pending))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.realname_submission("s1").await.unwrap(), Some(decided), "{}", b.name);
    }
}

#[tokio::test]
async fn a_verification_changes_only_from_the_state_it_was_read_in() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_customer(&customer("c1", "acme", 1)).await.unwrap();
        tx.commit().await.unwrap();

        let id = CustomerId("c1".into());
        // The harness's customers are verified enterprises without a real name.
        let from = Verification {
            status: VerifiedStatus::Verified,
            customer_type: CustomerType::Enterprise,
            real_name: None,
        };
        let to = Verification {
            status: VerifiedStatus::InReview,
            customer_type: CustomerType::Individual,
            real_name: Some("Ärger GmbH".into()),
        };
        let mut tx = b.store.write().await.unwrap();
        assert!(tx.set_verification(&id, &from, &to).await.unwrap(), "{}", b.name);
        // Read in the old state, a second change finds it gone.
        assert!(!tx.set_verification(&id, &from, &to).await.unwrap(), "{}", b.name);
        let missing = CustomerId("c9".into());
        assert!(!tx.set_verification(&missing, &to, &from).await.unwrap(), "{}", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let c = tx.customer(&id).await.unwrap().unwrap();
        assert_eq!(Verification::of(&c), to, "{}", b.name);
        // The folded copy follows the name: ListSubCustomers' `customer` filter finds it.
        let filter =
            SubCustomerFilter { real_name: Some("ärger".into()), ..SubCustomerFilter::default() };
        let found = tx.sub_customers(&PartnerId("acme".into()), &filter, page(0, 10)).await;
        assert_eq!(found.unwrap().total, 1, "{}", b.name);
    }
}
