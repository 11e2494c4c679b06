//! `AssociationRows`: requests to switch or unbind, one waiting per customer, answered once;
//! a customer's association set and cleared.

use partner_domain::{
    Timestamp,
    associations::{AssociationChange, ChangeKind, ChangeState, Side},
    customers::{Association, AssociationType, CustomerId},
    partners::{PartnerId, PartnerKind},
};

use crate::{backends, customer, partner};

fn change(id: &str, customer: &str, state: ChangeState) -> AssociationChange {
    AssociationChange {
        id: id.into(),
        customer: CustomerId(customer.into()),
        partner: PartnerId("acme".into()),
        kind: ChangeKind::Unbind,
        from: AssociationType::Reseller,
        requested_by: Side::Partner,
        requested_at: Timestamp::from_millis(5),
        state,
        decided_at: None,
    }
}

#[tokio::test]
async fn requests_are_kept_newest_first_one_waiting_per_customer_answered_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        for id in ["c1", "c2"] {
            tx.insert_customer(&customer(id, "acme", 1)).await.unwrap();
        }
        let old = AssociationChange {
            decided_at: Some(Timestamp::from_millis(6)),
            ..change("r0", "c1", ChangeState::Rejected)
        };
        tx.insert_association_change(&old).await.unwrap();
        tx.insert_association_change(&change("r1", "c1", ChangeState::Pending)).await.unwrap();
        tx.insert_association_change(&change("r2", "c2", ChangeState::Pending)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let second = tx.insert_association_change(&change("r3", "c1", ChangeState::Pending)).await;
        assert!(
            matches!(second, Err(partner_store::StoreError::Conflict { .. })),
            "{}: {second:?}",
            b.name
        );
        drop(tx);

        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.association_change("r0").await.unwrap(), Some(old.clone()), "{}", b.name);
        assert_eq!(tx.association_change("nope").await.unwrap(), None, "{}", b.name);
        let at = Timestamp::from_millis(9);
        assert!(
            tx.decide_association_change("r1", ChangeState::Accepted, at).await.unwrap(),
            "{}",
            b.name
        );
        assert!(
            !tx.decide_association_change("r1", ChangeState::Rejected, at).await.unwrap(),
            "{}: once",
            b.name
        );
        let acme = PartnerId("acme".into());
        let ids =
            |changes: Vec<AssociationChange>| changes.into_iter().map(|c| c.id).collect::<Vec<_>>();
        let all = tx.association_changes(Some(&acme), None, 10).await.unwrap();
        assert_eq!(ids(all), ["r2", "r1", "r0"], "{}", b.name);
        let c1 = CustomerId("c1".into());
        let of_c1 = tx.association_changes(None, Some(&c1), 10).await.unwrap();
        assert_eq!(of_c1[0].state, ChangeState::Accepted, "{}", b.name);
        assert_eq!(of_c1[0].decided_at, Some(at), "{}", b.name);
        assert_eq!(
            ids(tx.association_changes(Some(&acme), Some(&c1), 1).await.unwrap()),
            ["r1"],
            "{}",
            b.name
        );

        tx.set_association(&c1, None).await.unwrap();
        assert_eq!(tx.customer(&c1).await.unwrap().unwrap().association, None, "{}", b.name);
        let back = Association {
            partner: acme.clone(),
            kind: AssociationType::Reseller,
            associated_on: at,
        };
        tx.set_association(&c1, Some(&back)).await.unwrap();
        assert_eq!(tx.customer(&c1).await.unwrap().unwrap().association, Some(back), "{}", b.name);
    }
}
