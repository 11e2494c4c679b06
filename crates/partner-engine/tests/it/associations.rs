//! Switching and unbinding end to end on both databases: requested by one side, answered by
//! the other, the three-month rule on the business clock, money left where it is.

use partner_domain::{
    Money,
    associations::{AssociationChangeError as E, ChangeKind, ChangeState},
    customers::{AssociationType, CustomerId},
    funds::{AccountKind, Owner},
};
use partner_engine::EngineError;

use crate::support::{TestEngine, WORLD, customer, operator, partner};

fn refused(res: Result<impl std::fmt::Debug, EngineError>) -> E {
    match res {
        Err(EngineError::AssociationChange(err)) => err,
        other => panic!("not an association change refusal: {other:?}"),
    }
}

#[tokio::test]
async fn a_switch_and_an_unbind_take_effect_when_the_other_side_accepts() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        let (acme, c1) = (partner("acme"), customer("c-acme-1"));
        let association = |t: &TestEngine, id: &str| {
            let store = t.store.clone();
            let id = CustomerId(id.to_owned());
            async move { store.read().await.unwrap().customer(&id).await.unwrap().unwrap().association }
        };
        let switch = t
            .engine
            .request_association_change(&acme, Some("c-acme-1"), ChangeKind::Switch)
            .await
            .unwrap();
        // Pending changes nothing; the asking side cannot answer itself; a second waits not.
        assert_eq!(
            association(&t, "c-acme-1").await.unwrap().kind,
            AssociationType::Reseller,
            "{backend}"
        );
        assert_eq!(
            refused(t.engine.answer_association_change(&acme, &switch.id, true).await),
            E::NotTheCounterparty
        );
        assert_eq!(
            refused(t.engine.request_association_change(&c1, None, ChangeKind::Unbind).await),
            E::RequestPending,
            "{backend}"
        );
        // Another partner's or customer's eyes see no such request.
        let other =
            t.engine.answer_association_change(&customer("c-acme-2"), &switch.id, true).await;
        assert!(matches!(refused(other), E::UnknownRequest(_)), "{backend}");
        let accepted = t.engine.answer_association_change(&c1, &switch.id, true).await.unwrap();
        assert_eq!(accepted.state, ChangeState::Accepted);
        assert_eq!(
            association(&t, "c-acme-1").await.unwrap().kind,
            AssociationType::Referral,
            "{backend}"
        );

        // Three months on the business clock before the partner may ask again.
        let too_soon =
            t.engine.request_association_change(&acme, Some("c-acme-1"), ChangeKind::Unbind).await;
        assert!(matches!(refused(too_soon), E::TooSoon(_)), "{backend}");
        t.engine.advance_clock(&operator("ops"), 90 * 24 * 3600).await.unwrap();
        let unbind =
            t.engine.request_association_change(&c1, None, ChangeKind::Unbind).await.unwrap();
        t.engine.answer_association_change(&acme, &unbind.id, true).await.unwrap();
        assert_eq!(association(&t, "c-acme-1").await, None, "{backend}");
        // The customer keeps its money on the ledger.
        let mut tx = t.store.read().await.unwrap();
        let cash = tx
            .fund_account(&Owner::Customer(CustomerId("c-acme-1".into())), AccountKind::Cash)
            .await
            .unwrap();
        assert_eq!(cash.unwrap().balance, Money::parse("10.00").unwrap(), "{backend}");
        drop(tx);
        let log = t.engine.list_association_changes(&acme).await.unwrap();
        assert_eq!(
            log.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [ChangeKind::Unbind, ChangeKind::Switch]
        );
        // No longer associated: the partner asks about it no more.
        let gone =
            t.engine.request_association_change(&acme, Some("c-acme-1"), ChangeKind::Switch).await;
        assert!(matches!(refused(gone), E::NotAssociated(_)), "{backend}");
    }
}

#[tokio::test]
async fn concurrent_requests_for_one_customer_make_one() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        let tasks: Vec<_> = (0..6)
            .map(|n| {
                let engine = t.engine.clone();
                tokio::spawn(async move {
                    if n % 2 == 0 {
                        engine
                            .request_association_change(
                                &partner("acme"),
                                Some("c-acme-2"),
                                ChangeKind::Unbind,
                            )
                            .await
                    } else {
                        engine
                            .request_association_change(
                                &customer("c-acme-2"),
                                None,
                                ChangeKind::Unbind,
                            )
                            .await
                    }
                })
            })
            .collect();
        let mut made = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => made += 1,
                Err(EngineError::AssociationChange(E::RequestPending)) => {}
                Err(other) => panic!("{backend}: {other:?}"),
            }
        }
        assert_eq!(made, 1, "{backend}");
    }
}
