//! `IdempotencyRows`: the first answer to a request sent with an idempotency key.

use partner_domain::Timestamp;
use partner_store::{IdempotentResult, RetryKey, StoreError};

use crate::backends;

fn key(caller: &str, key: &str) -> RetryKey {
    RetryKey { caller: caller.into(), key: key.into() }
}

fn answer(result: &str) -> IdempotentResult {
    IdempotentResult {
        operation: "UpdateCustomerAccountAmount".into(),
        fingerprint: "v1|c1|100".into(),
        result: result.into(),
    }
}

#[tokio::test]
async fn the_first_answers_are_kept_per_caller_and_key() {
    for b in backends().await {
        let at = Timestamp::from_millis(5);
        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.idempotent_results(&[key("partner:acme", "k1")]).await.unwrap(), vec![]);
        let first = vec![
            (key("partner:acme", "k1"), answer("t1")),
            // The same key from another caller is another request.
            (key("partner:bolt", "k1"), answer("t2")),
            (key("partner:bolt", "k2"), answer("t3")),
        ];
        tx.insert_idempotent_results(&first, at).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        // acme's k2 and bolt's k1 share their parts with rows that exist: neither is asked for.
        let asked =
            [key("partner:acme", "k1"), key("partner:acme", "k2"), key("partner:bolt", "k2")];
        let mut found = tx.idempotent_results(&asked).await.unwrap();
        found.sort_by(|a, b| a.1.result.cmp(&b.1.result));
        assert_eq!(
            found,
            vec![
                (key("partner:acme", "k1"), answer("t1")),
                (key("partner:bolt", "k2"), answer("t3"))
            ],
            "{}",
            b.name
        );
        let again = [(key("partner:acme", "k1"), answer("t9"))];
        let err = tx.insert_idempotent_results(&again, at).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{}: {err}", b.name);
    }
}

#[tokio::test]
async fn answers_older_than_a_time_are_forgotten() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        let old = [(key("partner:acme", "old"), answer("t1"))];
        tx.insert_idempotent_results(&old, Timestamp::from_millis(10)).await.unwrap();
        let new = [(key("partner:acme", "new"), answer("t2"))];
        tx.insert_idempotent_results(&new, Timestamp::from_millis(20)).await.unwrap();
        let forgotten =
            tx.forget_idempotent_results_before(Timestamp::from_millis(20)).await.unwrap();
        assert_eq!(forgotten, 1, "{}", b.name);
        let found = tx
            .idempotent_results(&[key("partner:acme", "old"), key("partner:acme", "new")])
            .await
            .unwrap();
        assert_eq!(found, vec![(key("partner:acme", "new"), answer("t2"))], "{}", b.name);
    }
}
