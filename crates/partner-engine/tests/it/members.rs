//! A partner's members end to end: from the world file and the operator API to the credential
//! the gateway checks, and the audit trail naming the member.

use partner_domain::{access::OwnerKind, partners::PartnerId};
use partner_engine::{Caller, EngineError, Principal, world};

use crate::support::{TestEngine, operator};

const WORLD: &str = r#"
[[operators]]
name = "ops"
ak = "OPSAK000000000000001"
sk = "opssecret000000000000000000000000000001"

[[partners]]
id = "acme"
name = "acme-distribution"
kind = "distributor"
roles = [
    { name = "viewer", permissions = ["BPC_ITEM_SUBCUSTSERV_010100"] },
    { name = "creator", permissions = ["BPC_ITEM_SUBCUSTSERV_010118", "BPC_ITEM_SUBCUSTSERV_010100"] },
]
members = [
    { name = "alice", roles = ["viewer", "creator"], ak = "ALICEAK0000000000001", sk = "alicesecret00000000000000000000000000001" },
    { name = "idle" },
]
"#;

fn check_invalid(members: &str, expect_in_message: &[&str]) {
    let text = format!(
        "[[partners]]\nid = \"acme\"\nname = \"a\"\nkind = \"distributor\"\n\
         roles = [{{ name = \"r1\" }}, {{ name = \"r2\" }}, {{ name = \"r3\" }}, {{ name = \"r4\" }}]\n{members}\n"
    );
    let err = world::parse(&text, world::Format::Toml).map(|_| ()).unwrap_err();
    let EngineError::WorldInvalid(message) = err else { panic!("not WorldInvalid: {err:?}") };
    for part in expect_in_message {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

#[test]
fn invalid_members_and_roles_name_their_entry_and_field() {
    check_invalid(
        "members = [{ name = \"m\", roles = [\"r1\", \"r2\", \"r3\", \"r4\"] }]",
        &["members[0]", "roles", "at most 3"],
    );
    check_invalid("members = [{ name = \"m\", roles = [\"nope\"] }]", &["members[0]", "nope"]);
    check_invalid("members = [{ name = \"m\" }, { name = \"m\" }]", &["members[1]", "twice"]);
    check_invalid("members = [{ name = \"has space\" }]", &["members[0]", "name"]);
    let text = "[[partners]]\nid = \"acme\"\nname = \"a\"\nkind = \"distributor\"\n\
                roles = [{ name = \"r\", permissions = [\"EVERYTHING\"] }]\n";
    let err = world::parse(text, world::Format::Toml).map(|_| ()).unwrap_err();
    assert!(
        err.to_string().contains("roles[0]") && err.to_string().contains("permissions"),
        "{err}"
    );
}

#[tokio::test]
async fn a_members_key_speaks_for_its_partner_with_its_roles_items() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, WORLD).await;
        let credential = t.engine.credential("ALICEAK0000000000001").await.unwrap().unwrap();
        assert_eq!(credential.principal, Principal::Partner(PartnerId("acme".into())), "{backend}");
        let grant = credential.member.unwrap();
        assert_eq!(grant.name, "alice");
        let items: Vec<&str> = grant.permissions.iter().map(String::as_str).collect();
        assert_eq!(
            items,
            ["BPC_ITEM_SUBCUSTSERV_010100", "BPC_ITEM_SUBCUSTSERV_010118"],
            "{backend}"
        );

        // The operator API makes members and their keys too.
        let ops = operator("ops");
        t.engine.create_partner_role(&ops, "acme", "none".into(), vec![]).await.unwrap();
        let view = t
            .engine
            .create_partner_member(&ops, "acme", "bob".into(), vec!["none".into()])
            .await
            .unwrap();
        assert_eq!(
            view.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            ["alice", "bob", "idle"]
        );
        let res = t.engine.create_partner_member(&ops, "acme", "bob".into(), vec![]).await;
        assert!(matches!(res, Err(EngineError::Conflict(_))), "{backend}: {res:?}");
        let res = t
            .engine
            .create_partner_member(&ops, "acme", "carol".into(), vec!["ghost".into()])
            .await;
        assert!(matches!(res, Err(EngineError::Member(_))), "{backend}: {res:?}");
        let key = t
            .engine
            .create_access_key(&ops, OwnerKind::Partner, "acme", Some("bob"))
            .await
            .unwrap();
        let bob = t.engine.credential(&key.ak).await.unwrap().unwrap().member.unwrap();
        assert!(bob.permissions.is_empty(), "{backend}");
        let res =
            t.engine.create_access_key(&ops, OwnerKind::Partner, "acme", Some("nobody")).await;
        assert!(
            matches!(res, Err(EngineError::UnknownOwner { kind: "member", .. })),
            "{backend}: {res:?}"
        );

        // A member's operation is its partner's, and the audit trail says who.
        let alice = Caller {
            principal: Principal::Partner(PartnerId("acme".into())),
            member: Some("alice".into()),
            source_ip: "127.0.0.1".into(),
            request_id: "r".into(),
        };
        let request = partner_domain::verification::SendRequest::default();
        t.engine.send_verification_message_code(&alice, request).await.unwrap_err();
        let events = t.engine.recent_audit_events(1).await.unwrap();
        assert_eq!(events[0].actor.id(), "acme/alice", "{backend}");
    }
}
