//! `AuditRows`: the audit trail, written one event or a group commit's batch at a time.

use partner_domain::{
    Timestamp,
    audit::{Actor, AuditEvent},
};

use crate::backends;

fn event(id: &str, at: i64, actor: Actor) -> AuditEvent {
    AuditEvent {
        id: id.into(),
        at: Timestamp::from_millis(at),
        actor,
        source_ip: "127.0.0.1".into(),
        request_id: format!("request-{id}"),
        operation: "CreateAccessKey".into(),
        target: "access_key:AK1".into(),
        result: "success".into(),
    }
}

#[tokio::test]
async fn audit_events_are_listed_newest_first() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.audit_events(10).await.unwrap(), vec![], "{}", b.name);
        let one = event("e1", 43, Actor::Operator("ops".into()));
        tx.insert_audit_event(&one).await.unwrap();
        // More events than one statement carries, every kind of actor.
        let actors = [
            Actor::Partner("acme".into()),
            Actor::Customer("c1".into()),
            Actor::Operator("ops".into()),
            Actor::System,
        ];
        let batch: Vec<AuditEvent> = (0..1100)
            .map(|n| event(&format!("b{n:04}"), 100 + n / 10, actors[n as usize % 4].clone()))
            .collect();
        tx.insert_audit_events(&batch).await.unwrap();
        tx.insert_audit_events(&[]).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let newest = tx.audit_events(12).await.unwrap();
        // At the same instant, the greater id first.
        let expected: Vec<AuditEvent> = batch.iter().rev().take(12).cloned().collect();
        assert_eq!(newest, expected, "{}", b.name);
        let all = tx.audit_events(5000).await.unwrap();
        assert_eq!(all.len(), 1101, "{}", b.name);
        assert_eq!(all.last(), Some(&one), "{}", b.name);
        let mut kinds: Vec<&str> = all.iter().take(4).map(|e| e.actor.kind()).collect();
        kinds.sort();
        assert_eq!(kinds, ["customer", "operator", "partner", "system"], "{}", b.name);
    }
}
