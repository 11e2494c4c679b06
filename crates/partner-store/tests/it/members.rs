//! `MemberRows`: a partner's roles and members, inserted once, read back whole.

use partner_domain::{
    members::{Member, Role},
    partners::{PartnerId, PartnerKind},
};

use crate::{backends, partner};

#[tokio::test]
async fn roles_and_members_round_trip_per_partner_and_insert_once() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_partner(&partner("zeta", PartnerKind::SolutionProvider, None, 1)).await.unwrap();
        let acme = PartnerId("acme".into());
        let viewer = Role {
            partner: acme.clone(),
            name: "viewer".into(),
            permissions: vec!["BPC_ITEM_SUBCUSTSERV_010100".into(), "BPC_ITEM_SALES_020100".into()],
        };
        let empty = Role { name: "empty".into(), permissions: vec![], ..viewer.clone() };
        let alice = Member {
            partner: acme.clone(),
            name: "alice".into(),
            roles: vec!["viewer".into(), "empty".into()],
        };
        let bob = Member { name: "bob".into(), roles: vec![], ..alice.clone() };
        assert!(tx.insert_role(&viewer).await.unwrap(), "{}", b.name);
        assert!(!tx.insert_role(&viewer).await.unwrap(), "{}: once", b.name);
        assert!(tx.insert_role(&empty).await.unwrap(), "{}", b.name);
        assert!(tx.insert_member(&alice).await.unwrap(), "{}", b.name);
        assert!(!tx.insert_member(&alice).await.unwrap(), "{}: once", b.name);
        assert!(tx.insert_member(&bob).await.unwrap(), "{}", b.name);
        let key = partner_domain::access::AccessKey {
            ak: "ALICEAK".into(),
            sk: "alice-secret".into(),
            owner_kind: partner_domain::access::OwnerKind::Partner,
            owner_id: "acme".into(),
            member: Some("alice".into()),
            created_at: partner_domain::Timestamp::from_millis(1),
            revoked_at: None,
        };
        assert!(tx.insert_access_key(&key).await.unwrap(), "{}", b.name);
        assert_eq!(
            tx.access_key("ALICEAK").await.unwrap(),
            Some(key),
            "{}: a member's key",
            b.name
        );
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(tx.roles_of(&acme).await.unwrap(), vec![empty, viewer], "{}", b.name);
        assert_eq!(tx.member(&acme, "alice").await.unwrap(), Some(alice.clone()), "{}", b.name);
        assert_eq!(tx.member(&acme, "ALICE").await.unwrap(), None, "{}", b.name);
        let zeta = PartnerId("zeta".into());
        assert_eq!(tx.member(&zeta, "alice").await.unwrap(), None, "{}", b.name);
        assert_eq!(tx.members_of(&acme).await.unwrap(), vec![alice, bob], "{}", b.name);
        assert_eq!(tx.roles_of(&zeta).await.unwrap(), vec![], "{}", b.name);
    }
}
