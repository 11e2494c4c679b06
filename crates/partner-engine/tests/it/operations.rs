//! Each operation for every kind of caller: the authorization matrix, then behaviour.

use partner_domain::{
    Timestamp,
    access::OwnerKind,
    customers::{AssociationType, SubCustomerFilter},
    partners::IndirectPartnerFilter,
};
use partner_engine::{
    Caller, EngineError,
    customers::SubCustomerQuery,
    divisions::{CityQuery, DivisionPageQuery},
    partners::IndirectPartnerQuery,
};

use crate::support::{TestEngine, customer, operator, partner};

/// What an operation answered, reduced to a comparable word.
fn outcome<T>(res: Result<T, EngineError>) -> &'static str {
    match res {
        Ok(_) => "ok",
        Err(err) => err.rule(),
    }
}

#[tokio::test]
async fn authorization_matrix() {
    let t = TestEngine::with_world().await;
    let e = &t.engine;
    // Every principal comes from a live access key, which only existing owners hold.
    let callers: [(&str, Caller); 5] = [
        ("tier-1", partner("acme")),
        ("tier-2", partner("bolt")),
        ("solution provider", partner("nova")),
        ("customer", customer("c-acme-1")),
        ("operator", operator("ops")),
    ];
    let mut table = String::new();
    for (who, caller) in &callers {
        let rows = [
            (
                "ListIndirectPartners",
                outcome(e.list_indirect_partners(caller, IndirectPartnerQuery::default()).await),
            ),
            (
                "ListSubCustomers",
                outcome(e.list_sub_customers(caller, SubCustomerQuery::default()).await),
            ),
            ("ListPartnerBalances", outcome(e.list_partner_balances(caller, None).await)),
            (
                "ShowCustomerAccountBalances",
                outcome(e.show_customer_account_balances(caller).await),
            ),
            (
                "ListProvinces",
                outcome(e.list_provinces(caller, DivisionPageQuery::default()).await),
            ),
            ("ShowClock", outcome(e.show_clock(caller).await)),
        ];
        for (op, res) in rows {
            table.push_str(&format!("{who:<18} {op:<28} {res}\n"));
        }
    }
    let expect = "\
tier-1             ListIndirectPartners         ok
tier-1             ListSubCustomers             ok
tier-1             ListPartnerBalances          ok
tier-1             ShowCustomerAccountBalances  OperationNotOpenToCaller
tier-1             ListProvinces                ok
tier-1             ShowClock                    OperationNotOpenToCaller
tier-2             ListIndirectPartners         OperationNotOpenToPartnerKind
tier-2             ListSubCustomers             OperationNotOpenToPartnerKind
tier-2             ListPartnerBalances          ok
tier-2             ShowCustomerAccountBalances  OperationNotOpenToCaller
tier-2             ListProvinces                OperationNotOpenToPartnerKind
tier-2             ShowClock                    OperationNotOpenToCaller
solution provider  ListIndirectPartners         OperationNotOpenToPartnerKind
solution provider  ListSubCustomers             ok
solution provider  ListPartnerBalances          ok
solution provider  ShowCustomerAccountBalances  OperationNotOpenToCaller
solution provider  ListProvinces                ok
solution provider  ShowClock                    OperationNotOpenToCaller
customer           ListIndirectPartners         OperationNotOpenToCaller
customer           ListSubCustomers             OperationNotOpenToCaller
customer           ListPartnerBalances          OperationNotOpenToCaller
customer           ShowCustomerAccountBalances  ok
customer           ListProvinces                ok
customer           ShowClock                    OperationNotOpenToCaller
operator           ListIndirectPartners         OperationNotOpenToCaller
operator           ListSubCustomers             OperationNotOpenToCaller
operator           ListPartnerBalances          OperationNotOpenToCaller
operator           ShowCustomerAccountBalances  OperationNotOpenToCaller
operator           ListProvinces                OperationNotOpenToCaller
operator           ShowClock                    ok
";
    assert_eq!(table, expect);
}

#[tokio::test]
async fn the_division_lists_check_the_caller_then_the_request() {
    let t = TestEngine::with_world().await;
    let cities = |province_code: &str, language: Option<&str>, limit| CityQuery {
        province_code: province_code.into(),
        page: DivisionPageQuery { language: language.map(str::to_owned), offset: None, limit },
    };
    let page = t.engine.list_cities(&customer("c-acme-1"), cities("CN-13", None, None)).await;
    let page = page.unwrap();
    assert_eq!((page.total, page.rows.len()), (11, 10));
    let cases = [
        (partner("bolt"), cities("", Some("fr"), Some(0)), "OperationNotOpenToPartnerKind"),
        (partner("acme"), cities("", Some("fr"), Some(0)), "UnknownLanguage"),
        (partner("acme"), cities("", None, Some(0)), "LimitOutOfRange"),
        (partner("acme"), cities("", None, None), "ProvinceCodeRequired"),
        (partner("acme"), cities("CN-99", None, None), "ok"),
    ];
    for (caller, query, expected) in cases {
        assert_eq!(outcome(t.engine.list_cities(&caller, query).await), expected);
    }
}

#[tokio::test]
async fn a_distributor_sees_its_own_resellers_and_their_customers_only() {
    let t = TestEngine::with_world().await;
    let acme = partner("acme");
    let resellers =
        t.engine.list_indirect_partners(&acme, IndirectPartnerQuery::default()).await.unwrap();
    assert_eq!(resellers.rows.iter().map(|p| p.id.0.as_str()).collect::<Vec<_>>(), ["bolt"]);
    let by_name = IndirectPartnerQuery {
        filter: IndirectPartnerFilter {
            account_name: Some("nothing".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(t.engine.list_indirect_partners(&acme, by_name).await.unwrap().total, 0);

    let own = t.engine.list_sub_customers(&acme, SubCustomerQuery::default()).await.unwrap();
    assert_eq!(
        own.rows.iter().map(|c| c.id.0.as_str()).collect::<Vec<_>>(),
        ["c-acme-1", "c-acme-2"]
    );
    let via =
        |id: &str| SubCustomerQuery { indirect_partner_id: Some(id.into()), ..Default::default() };
    let bolt = t.engine.list_sub_customers(&acme, via("bolt")).await.unwrap();
    assert_eq!(bolt.rows.iter().map(|c| c.id.0.as_str()).collect::<Vec<_>>(), ["c-bolt-1"]);
    for foreign in ["far", "other", "nova", "ghost"] {
        let res = t.engine.list_sub_customers(&acme, via(foreign)).await;
        assert_eq!(outcome(res), "NotYourIndirectPartner", "{foreign}");
        assert_eq!(
            outcome(t.engine.list_partner_balances(&acme, Some(foreign)).await),
            "NotYourIndirectPartner"
        );
    }
    // A solution provider's indirect_partner_id is not processed.
    let nova = t.engine.list_sub_customers(&partner("nova"), via("bolt")).await.unwrap();
    assert_eq!(nova.rows.iter().map(|c| c.id.0.as_str()).collect::<Vec<_>>(), ["c-nova-1"]);
    let referral = SubCustomerQuery {
        filter: SubCustomerFilter {
            association: Some(AssociationType::Referral),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(t.engine.list_sub_customers(&acme, referral).await.unwrap().total, 1);
    let bolt_balances = t.engine.list_partner_balances(&acme, Some("bolt")).await.unwrap();
    assert_eq!(bolt_balances.len(), 1);
    assert_eq!(bolt_balances[0].balance.to_string(), "20.00");
}

#[tokio::test]
async fn operator_actions_are_audited_with_their_caller() {
    let t = TestEngine::with_world().await;
    let ops = operator("ops");
    let key = t.engine.create_access_key(&ops, OwnerKind::Partner, "bolt", None).await.unwrap();
    assert!(t.engine.credential(&key.ak).await.unwrap().is_some());
    assert_eq!(
        outcome(t.engine.create_access_key(&ops, OwnerKind::Customer, "ghost", None).await),
        "UnknownOwner"
    );
    t.engine.revoke_access_key(&ops, &key.ak).await.unwrap();
    assert!(t.engine.credential(&key.ak).await.unwrap().is_none());
    assert!(t.engine.list_access_keys(&ops).await.unwrap().iter().all(|k| k.sk.is_empty()));

    let events = t.engine.recent_audit_events(10).await.unwrap();
    let summary: Vec<(String, String, &str)> =
        events.iter().map(|e| (e.operation.clone(), e.result.clone(), e.actor.id())).collect();
    assert_eq!(
        summary[..3],
        [
            ("RevokeAccessKey".into(), "success".into(), "ops"),
            ("CreateAccessKey".into(), "UnknownOwner".into(), "ops"),
            ("CreateAccessKey".into(), "success".into(), "ops"),
        ]
    );
    assert!(
        events.iter().all(|e| e.at == Timestamp::from_millis(1_769_904_000_000)),
        "the manual clock stamps events"
    );
}

#[tokio::test]
async fn the_manual_clock_moves_forward_only() {
    let t = TestEngine::with_world().await;
    let ops = operator("ops");
    let now = t.engine.show_clock(&ops).await.unwrap();
    assert!(now.manual);
    let later = t.engine.advance_clock(&ops, 3600).await.unwrap();
    assert_eq!(later.now.millis() - now.now.millis(), 3_600_000);
    assert_eq!(outcome(t.engine.set_clock(&ops, now.now).await), "ClockMovesForwardOnly");
    assert_eq!(outcome(t.engine.advance_clock(&ops, -1).await), "InvalidParameter");
    let system = TestEngine::new().await;
    assert_eq!(outcome(system.engine.advance_clock(&ops, 1).await), "ClockNotManual");
}
