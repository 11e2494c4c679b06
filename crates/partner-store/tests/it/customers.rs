//! `CustomerRows`: customers, and a partner's sub-customers filtered and paged in SQL exactly
//! as `SubCustomerFilter::matches` and `Page::cut` say.

use partner_domain::{
    Timestamp,
    customers::{
        Association, AssociationType, Customer, CustomerId, CustomerType, SubCustomerFilter,
        VerifiedStatus,
    },
    paging::Paged,
    partners::{PartnerId, PartnerKind},
};

use crate::{TRICKY_NAMES, backends, customer, page, partner, tricky_patterns};

#[tokio::test]
async fn customers_round_trip_and_insert_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        let c1 = customer("c1", "acme", 3);
        let loner = Customer {
            association: None,
            email: Some("x@example.com".into()),
            mobile_phone: None,
            label: None,
            real_name: Some("Real Name".into()),
            xaccount_id: Some("xa".into()),
            xaccount_type: Some("idp-a".into()),
            verified_status: VerifiedStatus::InReview,
            customer_type: CustomerType::Unset,
            frozen: 2,
            ..customer("loner", "acme", 0)
        };
        assert!(tx.insert_customer(&c1).await.unwrap(), "{}", b.name);
        assert!(!tx.insert_customer(&c1).await.unwrap(), "{}: insert is idempotent", b.name);
        assert!(tx.insert_customer(&loner).await.unwrap(), "{}", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.customer(&c1.id).await.unwrap(), Some(c1.clone()), "{}", b.name);
        assert_eq!(tx.customer(&loner.id).await.unwrap(), Some(loner.clone()), "{}", b.name);
        assert_eq!(tx.customer(&CustomerId("nobody".into())).await.unwrap(), None, "{}", b.name);
        let ids: Vec<CustomerId> =
            ["loner", "ghost", "c1"].into_iter().map(|id| CustomerId(id.into())).collect();
        let mut found = tx.customers_by_ids(&ids).await.unwrap();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(found, vec![c1, loner], "{}", b.name);
        assert_eq!(tx.customers_by_ids(&[]).await.unwrap(), vec![], "{}", b.name);
    }
}

#[tokio::test]
async fn sub_customers_are_a_partners_associated_customers_by_association_time_then_id() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("other", PartnerKind::Distributor, None, 1)).await.unwrap();
        for (id, on) in [("c2", 9), ("c1", 9), ("c0", 3)] {
            tx.insert_customer(&customer(id, "acme", on)).await.unwrap();
        }
        tx.insert_customer(&customer("far", "other", 1)).await.unwrap();
        tx.insert_customer(&Customer { association: None, ..customer("loner", "acme", 1) })
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        let mut pages = Vec::new();
        for (offset, limit) in [(0, 10), (1, 1), (3, 10)] {
            let filter = SubCustomerFilter::default();
            let paged = tx.sub_customers(&acme, &filter, page(offset, limit)).await.unwrap();
            pages.push((paged.total, paged.rows.into_iter().map(|c| c.id.0).collect::<Vec<_>>()));
        }
        let expected: Vec<(u64, Vec<String>)> = vec![
            (3, vec!["c0".into(), "c1".into(), "c2".into()]),
            (3, vec!["c1".into()]),
            (3, vec![]),
        ];
        assert_eq!(pages, expected, "{}", b.name);
        let first =
            tx.sub_customers(&acme, &SubCustomerFilter::default(), page(0, 1)).await.unwrap();
        assert_eq!(first.rows, vec![customer("c0", "acme", 3)], "{}", b.name);
        let nobody = tx
            .sub_customers(&PartnerId("nobody".into()), &SubCustomerFilter::default(), page(0, 10))
            .await
            .unwrap();
        assert_eq!(nobody, Paged { total: 0, rows: vec![] }, "{}", b.name);
    }
}

/// The customers a filter picks in SQL are those `matches` picks among all of the partner's,
/// and the page is what `Page::cut` cuts from those.
#[tokio::test]
async fn sub_customer_filters_in_sql_are_the_domains_matches() {
    const LABELS: [Option<&str>; 7] = [
        Some("Spring"),
        Some("spring"),
        Some("SPRING_2024"),
        Some("100%"),
        Some("a\\b"),
        Some("É"),
        None,
    ];
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("other", PartnerKind::Distributor, None, 1)).await.unwrap();
        let mut customers = Vec::new();
        for (n, name) in TRICKY_NAMES.into_iter().enumerate() {
            let partner = if n % 7 == 6 { "other" } else { "acme" };
            let kind =
                if n % 3 == 0 { AssociationType::Reseller } else { AssociationType::Referral };
            let on = Timestamp::from_millis(100 + i64::try_from(n % 4).unwrap());
            let customer = Customer {
                account_name: name.into(),
                // Another tricky name, or none.
                real_name: (n % 5 != 4)
                    .then(|| TRICKY_NAMES[(n * 7 + 3) % TRICKY_NAMES.len()].into()),
                label: LABELS[n % LABELS.len()].map(str::to_owned),
                association: (n != 9).then(|| Association {
                    partner: PartnerId(partner.into()),
                    kind,
                    associated_on: on,
                }),
                ..customer(&format!("c{n:02}"), partner, 0)
            };
            tx.insert_customer(&customer).await.unwrap();
            if customer.association.as_ref().is_some_and(|a| a.partner.0 == "acme") || n == 9 {
                customers.push(customer);
            }
        }
        tx.commit().await.unwrap();
        // Every customer that could be acme's, unassociated ones included: `matches` says no.
        customers.sort_by_key(|c| (c.association.as_ref().map(|a| a.associated_on), c.id.clone()));

        let at = |ms| Some(Timestamp::from_millis(ms));
        let mut filters = Vec::new();
        for pattern in tricky_patterns() {
            filters.push(SubCustomerFilter {
                account_name: Some(pattern.clone()),
                ..Default::default()
            });
            filters
                .push(SubCustomerFilter { real_name: Some(pattern.clone()), ..Default::default() });
            filters.push(SubCustomerFilter { label: Some(pattern), ..Default::default() });
        }
        for label in ["Spr", "spr", "SPRING", "_", "%", "\\", "100%", "É", "é"] {
            filters.push(SubCustomerFilter { label: Some(label.into()), ..Default::default() });
        }
        for id in ["", "c03", "c0", "c06", "c09", "ghost"] {
            filters.push(SubCustomerFilter { customer_id: Some(id.into()), ..Default::default() });
        }
        for association in [AssociationType::Referral, AssociationType::Reseller] {
            filters
                .push(SubCustomerFilter { association: Some(association), ..Default::default() });
        }
        for (begin, end) in
            [(at(101), None), (None, at(101)), (at(101), at(102)), (at(103), at(100))]
        {
            filters.push(SubCustomerFilter {
                associated_on_begin: begin,
                associated_on_end: end,
                ..Default::default()
            });
        }
        filters.push(SubCustomerFilter {
            account_name: Some("E".into()),
            real_name: Some("a".into()),
            label: Some("S".into()),
            association: Some(AssociationType::Referral),
            associated_on_begin: at(100),
            associated_on_end: at(103),
            customer_id: None,
        });
        filters.push(SubCustomerFilter {
            account_name: Some("e".into()),
            label: Some("a b".into()),
            ..Default::default()
        });

        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        for filter in &filters {
            for page in [page(0, 100), page(1, 2), page(50, 10)] {
                let expected =
                    page.cut(customers.iter().filter(|c| filter.matches(c)).cloned().collect());
                let got = tx.sub_customers(&acme, filter, page).await.unwrap();
                assert_eq!(got, expected, "{}: {filter:?} {page:?}", b.name);
            }
        }
    }
}

/// Customers written before the store kept folded names (migration 0003) are folded when the
/// store opens, so that filters find them.
#[tokio::test]
async fn customers_written_before_folded_names_are_folded_when_the_store_opens() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        let old = Customer {
            account_name: "ÄRZTE".into(),
            real_name: Some("ΣΊΣΥΦΟΣ".into()),
            ..customer("c1", "acme", 2)
        };
        tx.insert_customer(&old).await.unwrap();
        tx.commit().await.unwrap();
        crate::under_the_store(
            &b,
            "UPDATE customers SET account_name_folded = NULL, real_name_folded = NULL",
        )
        .await;

        let filter = SubCustomerFilter {
            account_name: Some("ärz".into()),
            real_name: Some("σίσυφος".into()),
            ..Default::default()
        };
        let store = partner_store::open(&b.url).await.unwrap();
        let mut tx = store.read().await.unwrap();
        let found =
            tx.sub_customers(&PartnerId("acme".into()), &filter, page(0, 10)).await.unwrap();
        assert_eq!(found.rows, vec![old], "{}", b.name);
    }
}

#[tokio::test]
async fn accounts_holding_an_identity_are_counted_across_customers_and_partners() {
    use partner_domain::customers::UserIdentity;
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        let acme = partner_domain::partners::Partner {
            name: "Acme-Dist".into(),
            email: Some("shared@example.com".into()),
            mobile_phone: Some("0086-13800000001".into()),
            ..partner("acme", PartnerKind::Distributor, None, 1)
        };
        tx.insert_partner(&acme).await.unwrap();
        let c1 = Customer {
            account_name: "Buyer-One".into(),
            email: Some("shared@example.com".into()),
            mobile_phone: Some("0086-13800000001".into()),
            ..customer("c1", "acme", 3)
        };
        tx.insert_customer(&c1).await.unwrap();
        let rows = [
            (UserIdentity::Name("buyer-one".into()), 1),
            (UserIdentity::Name("ACME-dist".into()), 1),
            (UserIdentity::Name("nobody-here".into()), 0),
            (UserIdentity::Email("shared@example.com".into()), 2),
            (UserIdentity::Email("SHARED@example.com".into()), 0),
            (UserIdentity::Mobile("0086-13800000001".into()), 2),
            (UserIdentity::Mobile("0086-13800000002".into()), 0),
            // Numbers compare by their key: the world file's bare mainland number is one.
            (UserIdentity::Mobile("13800000001".into()), 2),
            (UserIdentity::Mobile("+86 13800000001".into()), 2),
        ];
        for (identity, n) in rows {
            assert_eq!(
                tx.accounts_with_identity(&identity).await.unwrap(),
                n,
                "{}: {identity:?}",
                b.name
            );
        }
    }
}

#[tokio::test]
async fn a_platform_user_binds_one_customer_and_registered_names_are_unique() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        let bound = |id: &str, name: &str, xaccount: &str| Customer {
            account_name: name.into(),
            xaccount_id: Some(xaccount.into()),
            xaccount_type: Some("acme_platform".into()),
            ..customer(id, "acme", 1)
        };
        tx.insert_customer(&bound("c1", "Buyer", "u1")).await.unwrap();
        assert!(tx.xaccount_bound("acme_platform", "u1").await.unwrap(), "{}", b.name);
        assert!(!tx.xaccount_bound("acme_platform", "u2").await.unwrap(), "{}", b.name);
        assert!(!tx.xaccount_bound("other", "u1").await.unwrap(), "{}", b.name);
        // World-file customers (no platform user) may share a name, as they always could.
        tx.insert_customer(&customer("w1", "acme", 1)).await.unwrap();
        tx.insert_customer(&Customer { account_name: "w1".into(), ..customer("w2", "acme", 1) })
            .await
            .unwrap();
        tx.commit().await.unwrap();

        for clash in [bound("c2", "Buyer2", "u1"), bound("c3", "BUYER", "u3")] {
            let mut tx = b.store.write().await.unwrap();
            let res = tx.insert_customer(&clash).await;
            assert!(
                matches!(res, Err(partner_store::StoreError::Conflict { .. })),
                "{}: {res:?}",
                b.name
            );
        }
    }
}

#[tokio::test]
async fn sub_customers_among_ids_are_the_partners_only_paged_in_order() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("other", PartnerKind::Distributor, None, 1)).await.unwrap();
        for (id, on) in [("c2", 9), ("c1", 9), ("c0", 3)] {
            tx.insert_customer(&customer(id, "acme", on)).await.unwrap();
        }
        tx.insert_customer(&customer("far", "other", 1)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        let ids: Vec<CustomerId> = ["c2", "far", "ghost", "c0", "c1"]
            .into_iter()
            .map(|id| CustomerId(id.into()))
            .collect();
        let got = |paged: Paged<Customer>| {
            (paged.total, paged.rows.into_iter().map(|c| c.id.0).collect::<Vec<_>>())
        };
        let all = tx.sub_customers_among(&acme, &ids, page(0, 10)).await.unwrap();
        assert_eq!(got(all), (3, vec!["c0".into(), "c1".into(), "c2".into()]), "{}", b.name);
        let second = tx.sub_customers_among(&acme, &ids, page(1, 1)).await.unwrap();
        assert_eq!(got(second), (3, vec!["c1".into()]), "{}", b.name);
        let past = tx.sub_customers_among(&acme, &ids, page(5, 1)).await.unwrap();
        assert_eq!(got(past), (3, vec![]), "{}", b.name);
        let none = tx.sub_customers_among(&acme, &[], page(0, 10)).await.unwrap();
        assert_eq!(got(none), (0, vec![]), "{}", b.name);
    }
}
