//! Secret keys at rest: sealed under the server key, opened for the signature check only.

use partner_domain::access::OwnerKind;
use partner_engine::{Engine, RandomIds, SystemClock, secrets::SecretVault};

use crate::support::{TestEngine, operator};

const SERVER_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const OTHER_KEY: &str = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

#[tokio::test]
async fn a_secret_key_is_stored_sealed_and_opens_with_the_server_key_only() {
    let t = TestEngine::with_world().await;
    let sealing = t.engine.clone().with_secret_vault(SecretVault::from_hex(SERVER_KEY).unwrap());
    let key = sealing
        .create_access_key(&operator("ops"), OwnerKind::Partner, "bolt", None)
        .await
        .unwrap();

    let mut tx = t.store.read().await.unwrap();
    let stored = tx.access_key(&key.ak).await.unwrap().unwrap();
    assert!(stored.sk.starts_with("sealed:v1:"), "{}", stored.sk);
    assert!(!stored.sk.contains(&key.sk));

    let credential = sealing.credential(&key.ak).await.unwrap().unwrap();
    assert_eq!(credential.sk, key.sk);
    // Without the server key, or with another, the secret does not open: an internal failure,
    // never a wrong secret. (Fresh engines: a clone would share the cache of opened keys.)
    let fresh = || {
        let (clock, ids) = (std::sync::Arc::new(SystemClock), std::sync::Arc::new(RandomIds));
        Engine::new(t.store.clone(), clock, ids)
    };
    let other = fresh().with_secret_vault(SecretVault::from_hex(OTHER_KEY).unwrap());
    for engine in [&fresh(), &other] {
        let res = engine.credential(&key.ak).await;
        assert!(matches!(res, Err(partner_engine::EngineError::Internal(_))), "{res:?}");
    }
}

#[tokio::test]
async fn secrets_stored_before_the_server_had_a_key_still_work() {
    let t = TestEngine::with_world().await;
    let key = t
        .engine
        .create_access_key(&operator("ops"), OwnerKind::Partner, "bolt", None)
        .await
        .unwrap();
    let sealing = t.engine.clone().with_secret_vault(SecretVault::from_hex(SERVER_KEY).unwrap());
    assert_eq!(sealing.credential(&key.ak).await.unwrap().unwrap().sk, key.sk);
}

#[test]
fn a_server_key_is_32_bytes_of_hex() {
    for bad in ["", "zz", "00", &"0".repeat(66)] {
        assert!(SecretVault::from_hex(bad).is_err(), "{bad:?}");
    }
    assert!(SecretVault::from_hex(&format!("{SERVER_KEY}\n")).is_ok());
}
