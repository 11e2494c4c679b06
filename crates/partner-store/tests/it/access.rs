//! `AccessRows`: operators and access keys, their listing and revocation.

use partner_domain::{
    Timestamp,
    access::{AccessKey, OwnerKind},
};

use crate::backends;

fn key(ak: &str, owner_kind: OwnerKind, owner_id: &str, created_at: i64) -> AccessKey {
    AccessKey {
        ak: ak.into(),
        sk: format!("secret-of-{ak}"),
        owner_kind,
        owner_id: owner_id.into(),
        member: None,
        created_at: Timestamp::from_millis(created_at),
        revoked_at: None,
    }
}

#[tokio::test]
async fn operators_are_inserted_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        assert!(!tx.operator_exists("ops").await.unwrap(), "{}", b.name);
        assert!(tx.insert_operator("ops").await.unwrap(), "{}", b.name);
        assert!(!tx.insert_operator("ops").await.unwrap(), "{}: insert is idempotent", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert!(tx.operator_exists("ops").await.unwrap(), "{}", b.name);
        assert!(!tx.operator_exists("OPS").await.unwrap(), "{}: names are exact", b.name);
    }
}

#[tokio::test]
async fn access_keys_round_trip_list_by_creation_and_revoke_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        let ops = key("AK1", OwnerKind::Operator, "ops", 5);
        let acme = key("AK0", OwnerKind::Partner, "acme", 5);
        let c1 = key("AK2", OwnerKind::Customer, "c1", 1);
        for k in [&ops, &acme, &c1] {
            assert!(tx.insert_access_key(k).await.unwrap(), "{}", b.name);
        }
        let again = AccessKey { sk: "another-secret".into(), ..ops.clone() };
        assert!(
            !tx.insert_access_key(&again).await.unwrap(),
            "{}: a key is never replaced",
            b.name
        );
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.access_key("AK1").await.unwrap(), Some(ops.clone()), "{}", b.name);
        assert_eq!(tx.access_key("ak1").await.unwrap(), None, "{}: ids are exact", b.name);
        assert_eq!(
            tx.access_keys().await.unwrap(),
            vec![c1.clone(), acme.clone(), ops.clone()],
            "{}: by creation time, then id",
            b.name
        );
        assert!(tx.revoke_access_key("AK1", Timestamp::from_millis(50)).await.unwrap());
        assert!(!tx.revoke_access_key("AK1", Timestamp::from_millis(51)).await.unwrap());
        assert!(!tx.revoke_access_key("ghost", Timestamp::from_millis(51)).await.unwrap());
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let revoked = AccessKey { revoked_at: Some(Timestamp::from_millis(50)), ..ops };
        assert_eq!(tx.access_key("AK1").await.unwrap(), Some(revoked), "{}", b.name);
        assert_eq!(tx.access_key("AK0").await.unwrap(), Some(acme), "{}", b.name);
    }
}
