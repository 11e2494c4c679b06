//! `PartnerRows`: partners, and a distributor's resellers filtered and paged in SQL exactly as
//! `IndirectPartnerFilter::matches` and `Page::cut` say.

use partner_domain::{
    Timestamp,
    paging::Paged,
    partners::{IndirectPartnerFilter, Partner, PartnerId, PartnerKind},
};

use crate::{TRICKY_NAMES, backends, page, partner, tricky_patterns};

#[tokio::test]
async fn partners_round_trip_and_insert_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        let acme = partner("acme", PartnerKind::Distributor, None, 1);
        let bolt = Partner {
            mobile_phone: Some("139".into()),
            xaccount_types: vec![],
            realname_attachments: false,
            ..partner("bolt", PartnerKind::Reseller, Some("acme"), 2)
        };
        assert!(tx.insert_partner(&acme).await.unwrap(), "{}", b.name);
        assert!(!tx.insert_partner(&acme).await.unwrap(), "{}: insert is idempotent", b.name);
        assert!(tx.insert_partner(&bolt).await.unwrap(), "{}", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.partner(&acme.id).await.unwrap(), Some(acme.clone()), "{}", b.name);
        assert_eq!(tx.partner(&bolt.id).await.unwrap(), Some(bolt.clone()), "{}", b.name);
        assert_eq!(tx.partner(&PartnerId("nobody".into())).await.unwrap(), None, "{}", b.name);
    }
}

#[tokio::test]
async fn partners_by_ids_finds_those_that_exist_in_statements_of_bounded_size() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        for id in ["p0", "p700", "p1199"] {
            tx.insert_partner(&partner(id, PartnerKind::SolutionProvider, None, 1)).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        // More ids than one statement carries.
        let ids: Vec<PartnerId> = (0..1200).map(|n| PartnerId(format!("p{n}"))).collect();
        let mut found: Vec<String> =
            tx.partners_by_ids(&ids).await.unwrap().into_iter().map(|p| p.id.0).collect();
        found.sort();
        assert_eq!(found, ["p0", "p1199", "p700"], "{}", b.name);
        assert_eq!(tx.partners_by_ids(&[]).await.unwrap(), vec![], "{}", b.name);
    }
}

#[tokio::test]
async fn indirect_partners_are_a_distributors_resellers_by_association_time_then_id() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("other", PartnerKind::Distributor, None, 1)).await.unwrap();
        for (id, on) in [("r-b", 5), ("r-a", 5), ("r-c", 2)] {
            tx.insert_partner(&partner(id, PartnerKind::Reseller, Some("acme"), on)).await.unwrap();
        }
        tx.insert_partner(&partner("far", PartnerKind::Reseller, Some("other"), 1)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        let mut pages = Vec::new();
        for (offset, limit) in [(0, 10), (1, 1), (3, 10), (99, 10)] {
            let filter = IndirectPartnerFilter::default();
            let paged = tx.indirect_partners(&acme, &filter, page(offset, limit)).await.unwrap();
            pages.push((paged.total, paged.rows.into_iter().map(|p| p.id.0).collect::<Vec<_>>()));
        }
        let expected: Vec<(u64, Vec<String>)> = vec![
            (3, vec!["r-c".into(), "r-a".into(), "r-b".into()]),
            (3, vec!["r-a".into()]),
            (3, vec![]),
            (3, vec![]),
        ];
        assert_eq!(pages, expected, "{}", b.name);
        let nobody = tx
            .indirect_partners(
                &PartnerId("nobody".into()),
                &IndirectPartnerFilter::default(),
                page(0, 10),
            )
            .await
            .unwrap();
        assert_eq!(nobody, Paged { total: 0, rows: vec![] }, "{}", b.name);
    }
}

/// The resellers a filter picks in SQL are those `matches` picks among all of them, and the
/// page is what `Page::cut` cuts from those.
#[tokio::test]
async fn indirect_partner_filters_in_sql_are_the_domains_matches() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("other", PartnerKind::Distributor, None, 1)).await.unwrap();
        let mut resellers = Vec::new();
        for (n, name) in TRICKY_NAMES.into_iter().enumerate() {
            let n = i64::try_from(n).unwrap();
            let parent = if n % 7 == 6 { "other" } else { "acme" };
            let reseller = Partner {
                name: name.into(),
                ..partner(&format!("r{n:02}"), PartnerKind::Reseller, Some(parent), 100 + n % 4)
            };
            tx.insert_partner(&reseller).await.unwrap();
            if parent == "acme" {
                resellers.push(reseller);
            }
        }
        tx.commit().await.unwrap();
        resellers.sort_by_key(|r| (r.associated_on, r.id.clone()));

        let at = |ms| Some(Timestamp::from_millis(ms));
        let mut filters: Vec<IndirectPartnerFilter> = tricky_patterns()
            .into_iter()
            .map(|p| IndirectPartnerFilter { account_name: Some(p), ..Default::default() })
            .collect();
        for id in ["", "r03", "r0", "r06", "ghost"] {
            filters.push(IndirectPartnerFilter {
                indirect_partner_id: Some(id.into()),
                ..Default::default()
            });
        }
        for (begin, end) in
            [(at(101), None), (None, at(101)), (at(101), at(102)), (at(103), at(100))]
        {
            filters.push(IndirectPartnerFilter {
                associated_on_begin: begin,
                associated_on_end: end,
                ..Default::default()
            });
        }
        filters.push(IndirectPartnerFilter {
            account_name: Some("E".into()),
            associated_on_begin: at(101),
            ..Default::default()
        });

        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        for filter in &filters {
            for page in [page(0, 100), page(1, 2), page(50, 10)] {
                let expected =
                    page.cut(resellers.iter().filter(|r| filter.matches(r)).cloned().collect());
                let got = tx.indirect_partners(&acme, filter, page).await.unwrap();
                assert_eq!(got, expected, "{}: {filter:?} {page:?}", b.name);
            }
        }
    }
}

/// Partners written before the store kept folded names (migration 0003) are folded when the
/// store opens, so that filters find them.
#[tokio::test]
async fn partners_written_before_folded_names_are_folded_when_the_store_opens() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        let old = Partner {
            name: "ÉCOLE".into(),
            ..partner("r1", PartnerKind::Reseller, Some("acme"), 2)
        };
        tx.insert_partner(&old).await.unwrap();
        tx.commit().await.unwrap();
        crate::under_the_store(&b, "UPDATE partners SET name_folded = NULL").await;

        let filter =
            IndirectPartnerFilter { account_name: Some("école".into()), ..Default::default() };
        let acme = PartnerId("acme".into());
        let store = partner_store::open(&b.url).await.unwrap();
        let mut tx = store.read().await.unwrap();
        let found = tx.indirect_partners(&acme, &filter, page(0, 10)).await.unwrap();
        assert_eq!(found.rows, vec![old], "{}", b.name);
    }
}
