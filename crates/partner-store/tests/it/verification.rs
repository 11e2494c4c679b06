//! `VerificationRows`: the outbox of verification codes, the send counts, the newest code and
//! its use.

use partner_domain::{
    Timestamp,
    customers::CustomerId,
    partners::{PartnerId, PartnerKind},
    verification::{Language, Scene, VerificationCode},
};

use crate::{backends, partner};

fn code(id: &str, partner: &str, mobile: &str, sent: i64) -> VerificationCode {
    VerificationCode {
        id: id.into(),
        partner: PartnerId(partner.into()),
        mobile: mobile.into(),
        scene: Scene::Registration,
        customer: None,
        language: Language::EnUs,
        code: "012345".into(),
        sent_at: Timestamp::from_millis(sent),
        expires_at: Timestamp::from_millis(sent + 600_000),
        failed_attempts: 0,
        used_at: None,
    }
}

#[tokio::test]
async fn codes_are_counted_by_number_and_found_newest_first_per_partner_and_scene() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("zeta", PartnerKind::SolutionProvider, None, 1)).await.unwrap();
        let bank = VerificationCode {
            scene: Scene::BankCardRealName,
            customer: Some(CustomerId("c1".into())),
            ..code("v4", "acme", "13800000000", 400)
        };
        for c in [
            code("v1", "acme", "13800000000", 100),
            code("v2", "acme", "13800000000", 200),
            code("v3", "zeta", "13800000000", 300),
            bank.clone(),
            code("v5", "acme", "13900000000", 500),
        ] {
            tx.insert_verification_code(&c).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let at = Timestamp::from_millis;
        assert_eq!(tx.codes_sent_since("13800000000", at(0)).await.unwrap(), 4, "{}", b.name);
        assert_eq!(tx.codes_sent_since("13800000000", at(200)).await.unwrap(), 3, "{}", b.name);
        assert_eq!(tx.codes_sent_since("13700000000", at(0)).await.unwrap(), 0, "{}", b.name);
        let acme = PartnerId("acme".into());
        let latest = tx
            .latest_verification_code(&acme, "13800000000", Scene::Registration, None)
            .await
            .unwrap();
        assert_eq!(latest.map(|c| c.id), Some("v2".into()), "{}: not zeta's v3", b.name);
        let c1 = CustomerId("c1".into());
        let latest = tx
            .latest_verification_code(&acme, "13800000000", Scene::BankCardRealName, Some(&c1))
            .await
            .unwrap();
        assert_eq!(latest, Some(bank), "{}", b.name);
        let other = CustomerId("c2".into());
        let none = tx
            .latest_verification_code(&acme, "13800000000", Scene::BankCardRealName, Some(&other))
            .await
            .unwrap();
        assert_eq!(none, None, "{}", b.name);

        tx.record_failed_verification("v2").await.unwrap();
        tx.record_failed_verification("v2").await.unwrap();
        assert!(tx.use_verification_code("v2", at(250)).await.unwrap(), "{}", b.name);
        assert!(!tx.use_verification_code("v2", at(260)).await.unwrap(), "{}: used once", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let all = tx.verification_outbox(None, 10).await.unwrap();
        let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["v5", "v4", "v3", "v2", "v1"], "{}", b.name);
        let v2 = &all[3];
        assert_eq!((v2.failed_attempts, v2.used_at), (2, Some(at(250))), "{}", b.name);
        let one = tx.verification_outbox(Some("13900000000"), 10).await.unwrap();
        assert_eq!(one.len(), 1, "{}", b.name);
        assert_eq!(tx.verification_outbox(None, 2).await.unwrap().len(), 2, "{}", b.name);
    }
}
