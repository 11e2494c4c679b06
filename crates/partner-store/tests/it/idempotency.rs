//! `IdempotencyRows`: the first answer to a request sent with an idempotency key.

use partner_domain::Timestamp;
use partner_store::{IdempotentResult, StoreError};

use crate::backends;

#[tokio::test]
async fn the_first_answer_is_kept_per_caller_and_key() {
    for b in backends().await {
        let first = IdempotentResult {
            operation: "AdjustToSubCustomer".into(),
            fingerprint: "c1:100".into(),
            result: "t1".into(),
        };
        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.idempotent_result("partner:acme", "k1").await.unwrap(), None, "{}", b.name);
        let at = Timestamp::from_millis(5);
        tx.insert_idempotent_result("partner:acme", "k1", &first, at).await.unwrap();
        let other = IdempotentResult { result: "t2".into(), ..first.clone() };
        // The same key from another caller is another request.
        tx.insert_idempotent_result("partner:bolt", "k1", &other, at).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        assert_eq!(
            tx.idempotent_result("partner:acme", "k1").await.unwrap(),
            Some(first.clone()),
            "{}",
            b.name
        );
        assert_eq!(tx.idempotent_result("partner:bolt", "k1").await.unwrap(), Some(other));
        assert_eq!(tx.idempotent_result("partner:acme", "k2").await.unwrap(), None);
        let err = tx.insert_idempotent_result("partner:acme", "k1", &first, at).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{}: {err}", b.name);
    }
}

#[tokio::test]
async fn answers_older_than_a_time_are_forgotten() {
    for b in backends().await {
        let first = IdempotentResult {
            operation: "UpdateCustomerAccountAmount".into(),
            fingerprint: "f".into(),
            result: "t1".into(),
        };
        let mut tx = b.store.write().await.unwrap();
        tx.insert_idempotent_result("partner:acme", "old", &first, Timestamp::from_millis(10))
            .await
            .unwrap();
        tx.insert_idempotent_result("partner:acme", "new", &first, Timestamp::from_millis(20))
            .await
            .unwrap();
        let forgotten =
            tx.forget_idempotent_results_before(Timestamp::from_millis(20)).await.unwrap();
        assert_eq!(forgotten, 1, "{}", b.name);
        assert_eq!(tx.idempotent_result("partner:acme", "old").await.unwrap(), None);
        assert_eq!(tx.idempotent_result("partner:acme", "new").await.unwrap(), Some(first));
    }
}
