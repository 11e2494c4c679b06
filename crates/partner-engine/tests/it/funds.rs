//! Money movements through the engine, on every backend: the rules, a naive model that
//! predicts every balance, concurrency and idempotency.

use std::collections::HashMap;

use partner_domain::{
    Money,
    funds::{AccountKind, Owner, TransferKind},
};
use partner_engine::{
    Caller, EngineError,
    funds::{AccountChangeQuery, AdjustRecordQuery},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;

use crate::support::{TestEngine, customer, partner};

/// Two distributors with resellers, a solution provider, customers of every kind.
const FUNDS_WORLD: &str = r#"
[clock]
mode = "manual"
now = "2026-02-01T00:00:00Z"

[[partners]]
id = "acme"
name = "acme"
kind = "distributor"
balance = "1000.00"

[[partners]]
id = "bolt"
name = "bolt"
kind = "reseller"
parent = "acme"
balance = "100.00"

[[partners]]
id = "cove"
name = "cove"
kind = "reseller"
parent = "acme"

[[partners]]
id = "other"
name = "other"
kind = "distributor"
balance = "500.00"

[[partners]]
id = "far"
name = "far"
kind = "reseller"
parent = "other"
balance = "50.00"

[[partners]]
id = "nova"
name = "nova"
kind = "solution_provider"
balance = "300.00"

[[partners]]
id = "poor"
name = "poor"
kind = "distributor"
balance = "10.00"

[[customers]]
id = "a1"
name = "a1"
partner = "acme"
balance = "5.00"

[[customers]]
id = "a2"
name = "a2"
partner = "acme"

[[customers]]
id = "a-ref"
name = "a-ref"
partner = "acme"
association = "referral"
balance = "7.00"

[[customers]]
id = "b1"
name = "b1"
partner = "bolt"
balance = "1.00"

[[customers]]
id = "c1"
name = "c1"
partner = "cove"

[[customers]]
id = "f1"
name = "f1"
partner = "far"

[[customers]]
id = "n1"
name = "n1"
partner = "nova"

[[customers]]
id = "p1"
name = "p1"
partner = "poor"
"#;

fn yuan(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn outcome(res: Result<String, EngineError>) -> &'static str {
    match res {
        Ok(_) => "ok",
        Err(err) => err.rule(),
    }
}

async fn cash(t: &TestEngine, owner: Owner) -> Money {
    let mut tx = t.store.read().await.unwrap();
    tx.fund_account(&owner, AccountKind::Cash)
        .await
        .unwrap()
        .map(|a| a.balance)
        .unwrap_or(Money::ZERO)
}

fn p(id: &str) -> Owner {
    Owner::Partner(partner_domain::partners::PartnerId(id.into()))
}

fn c(id: &str) -> Owner {
    Owner::Customer(partner_domain::customers::CustomerId(id.into()))
}

/// Money is conserved and every balance is the sum of its ledger entries.
async fn check_ledger(t: &TestEngine) {
    let mut tx = t.store.read().await.unwrap();
    assert_eq!(
        tx.balance_sum().await.unwrap(),
        Money::ZERO,
        "{}: money was created or lost",
        t.backend
    );
    assert_eq!(tx.accounts_off_their_ledger().await.unwrap(), vec![], "{}", t.backend);
}

#[tokio::test]
async fn each_rule_in_its_order() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, FUNDS_WORLD).await;
        let e = &t.engine;
        let adjust = |who: &str, customer: &str, amount: &str, indirect: Option<&str>| {
            let caller = partner(who);
            let (customer, amount, indirect) =
                (customer.to_owned(), yuan(amount), indirect.map(str::to_owned));
            async move {
                e.update_customer_account_amount(
                    &caller,
                    partner_engine::funds::CustomerFundsMove {
                        customer_id: customer,
                        amount,
                        indirect_partner_id: indirect,
                    },
                    partner_engine::funds::RetryKeys::none(),
                )
                .await
            }
        };
        let rows: Vec<(&str, &'static str)> = vec![
            ("acme → a1 10.00", outcome(adjust("acme", "a1", "10.00", None).await)),
            ("acme → a1 0", outcome(adjust("acme", "a1", "0", None).await)),
            ("acme → a1 -1", outcome(adjust("acme", "a1", "-1", None).await)),
            ("acme → a1 0.001", outcome(adjust("acme", "a1", "0.001", None).await)),
            ("acme → a-ref", outcome(adjust("acme", "a-ref", "1", None).await)),
            ("acme → f1", outcome(adjust("acme", "f1", "1", None).await)),
            ("acme → ghost", outcome(adjust("acme", "ghost", "1", None).await)),
            ("acme → b1 (no indirect)", outcome(adjust("acme", "b1", "1", None).await)),
            ("acme for bolt → b1", outcome(adjust("acme", "b1", "2.00", Some("bolt")).await)),
            (
                "acme for bolt → b1 too much",
                outcome(adjust("acme", "b1", "500", Some("bolt")).await),
            ),
            ("acme for far → f1", outcome(adjust("acme", "f1", "1", Some("far")).await)),
            ("acme → a1 too much", outcome(adjust("acme", "a1", "990.01", None).await)),
            ("bolt → b1", outcome(adjust("bolt", "b1", "1", None).await)),
            (
                "nova → n1 (indirect ignored)",
                outcome(adjust("nova", "n1", "1", Some("bolt")).await),
            ),
            (
                "customer a1 adjusts",
                outcome(
                    e.update_customer_account_amount(
                        &customer("a1"),
                        partner_engine::funds::CustomerFundsMove {
                            customer_id: "a2".into(),
                            amount: yuan("1"),
                            indirect_partner_id: None,
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "acme reclaims 15.01 of a1",
                outcome(
                    e.reclaim_to_partner_account(
                        &partner("acme"),
                        partner_engine::funds::CustomerFundsMove {
                            customer_id: "a1".into(),
                            amount: yuan("15.01"),
                            indirect_partner_id: None,
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "acme reclaims 15.00 of a1",
                outcome(
                    e.reclaim_to_partner_account(
                        &partner("acme"),
                        partner_engine::funds::CustomerFundsMove {
                            customer_id: "a1".into(),
                            amount: yuan("15.00"),
                            indirect_partner_id: None,
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "acme → bolt 50",
                outcome(
                    e.update_indirect_partner_account(
                        &partner("acme"),
                        partner_engine::funds::ResellerFundsMove {
                            indirect_partner_id: "bolt".into(),
                            amount: yuan("50"),
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "acme → far",
                outcome(
                    e.update_indirect_partner_account(
                        &partner("acme"),
                        partner_engine::funds::ResellerFundsMove {
                            indirect_partner_id: "far".into(),
                            amount: yuan("1"),
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "nova → bolt",
                outcome(
                    e.update_indirect_partner_account(
                        &partner("nova"),
                        partner_engine::funds::ResellerFundsMove {
                            indirect_partner_id: "bolt".into(),
                            amount: yuan("1"),
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "acme reclaims 148.01 of bolt",
                outcome(
                    e.reclaim_indirect_partner_account(
                        &partner("acme"),
                        partner_engine::funds::ResellerFundsMove {
                            indirect_partner_id: "bolt".into(),
                            amount: yuan("148.01"),
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
            (
                "acme reclaims 148.00 of bolt",
                outcome(
                    e.reclaim_indirect_partner_account(
                        &partner("acme"),
                        partner_engine::funds::ResellerFundsMove {
                            indirect_partner_id: "bolt".into(),
                            amount: yuan("148.00"),
                        },
                        partner_engine::funds::RetryKeys::none(),
                    )
                    .await,
                ),
            ),
        ];
        let table: String = rows.iter().map(|(what, res)| format!("{what:<30} {res}\n")).collect();
        let expect = "\
acme → a1 10.00                ok
acme → a1 0                    AmountMustBePositive
acme → a1 -1                   AmountMustBePositive
acme → a1 0.001                TooManyDecimals
acme → a-ref                   ReferralCustomerFundsAreNotYours
acme → f1                      NotYourCustomer
acme → ghost                   NotYourCustomer
acme → b1 (no indirect)        NotYourCustomer
acme for bolt → b1             ok
acme for bolt → b1 too much    InsufficientBalance
acme for far → f1              NotYourIndirectPartner
acme → a1 too much             InsufficientBalance
bolt → b1                      OperationNotOpenToPartnerKind
nova → n1 (indirect ignored)   ok
customer a1 adjusts            OperationNotOpenToCaller
acme reclaims 15.01 of a1      InsufficientBalance
acme reclaims 15.00 of a1      ok
acme → bolt 50                 ok
acme → far                     NotYourIndirectPartner
nova → bolt                    OperationNotOpenToPartnerKind
acme reclaims 148.01 of bolt   InsufficientBalance
acme reclaims 148.00 of bolt   ok
";
        assert_eq!(table, expect, "{backend}");
        // acme: 1000 − 10 + 15 − 50 + 148; bolt: 100 − 2 + 50 − 148; b1: 1 + 2.
        assert_eq!(cash(&t, p("acme")).await, Money::parse("1103.00").unwrap(), "{backend}");
        assert_eq!(cash(&t, p("bolt")).await, Money::ZERO, "{backend}");
        assert_eq!(cash(&t, c("b1")).await, Money::parse("3.00").unwrap(), "{backend}");
        assert_eq!(cash(&t, c("a1")).await, Money::ZERO, "{backend}");
        check_ledger(&t).await;
    }
}

/// A naive ledger: balances in a map, the rules written again as plainly as possible.
struct Model {
    balances: HashMap<String, i64>,
    parent: HashMap<&'static str, &'static str>,
    kind: HashMap<&'static str, &'static str>,
    customer_of: HashMap<&'static str, (&'static str, bool)>,
}

impl Model {
    fn new() -> Model {
        let cents = |y: i64| y * 1_000_000;
        let balances = [
            ("acme", 1000),
            ("bolt", 100),
            ("cove", 0),
            ("other", 500),
            ("far", 50),
            ("nova", 300),
            ("poor", 10),
            ("a1", 5),
            ("a2", 0),
            ("a-ref", 7),
            ("b1", 1),
            ("c1", 0),
            ("f1", 0),
            ("n1", 0),
            ("p1", 0),
        ]
        .into_iter()
        .map(|(id, y)| (id.to_owned(), cents(y)))
        .collect();
        Model {
            balances,
            parent: HashMap::from([("bolt", "acme"), ("cove", "acme"), ("far", "other")]),
            kind: HashMap::from([
                ("acme", "distributor"),
                ("other", "distributor"),
                ("poor", "distributor"),
                ("bolt", "reseller"),
                ("cove", "reseller"),
                ("far", "reseller"),
                ("nova", "sp"),
            ]),
            customer_of: HashMap::from([
                ("a1", ("acme", true)),
                ("a2", ("acme", true)),
                ("a-ref", ("acme", false)),
                ("b1", ("bolt", true)),
                ("c1", ("cove", true)),
                ("f1", ("far", true)),
                ("n1", ("nova", true)),
                ("p1", ("poor", true)),
            ]),
        }
    }

    /// Moves `micros` from `payer` to `payee`, or says why not.
    fn pay(&mut self, payer: &str, payee: &str, micros: i64) -> &'static str {
        if self.balances[payer] < micros {
            return "InsufficientBalance";
        }
        *self.balances.get_mut(payer).unwrap() -= micros;
        *self.balances.get_mut(payee).unwrap() += micros;
        "ok"
    }

    fn customer_move(
        &mut self,
        caller: &str,
        customer: &str,
        indirect: Option<&str>,
        micros: i64,
        reclaim: bool,
    ) -> &'static str {
        if !matches!(self.kind[caller], "distributor" | "sp") {
            return "OperationNotOpenToPartnerKind";
        }
        let acting = match indirect {
            Some(r) if self.kind[caller] == "distributor" => {
                if self.parent.get(r) != Some(&caller) {
                    return "NotYourIndirectPartner";
                }
                r
            }
            _ => caller,
        };
        match self.customer_of.get(customer) {
            Some((owner, _)) if *owner != acting => "NotYourCustomer",
            None => "NotYourCustomer",
            Some((_, false)) => "ReferralCustomerFundsAreNotYours",
            Some(_) if reclaim => self.pay(customer, acting, micros),
            Some(_) => self.pay(acting, customer, micros),
        }
    }

    fn reseller_move(
        &mut self,
        caller: &str,
        reseller: &str,
        micros: i64,
        reclaim: bool,
    ) -> &'static str {
        if self.kind[caller] != "distributor" {
            return "OperationNotOpenToPartnerKind";
        }
        if self.parent.get(reseller) != Some(&caller) {
            return "NotYourIndirectPartner";
        }
        if reclaim {
            self.pay(reseller, caller, micros)
        } else {
            self.pay(caller, reseller, micros)
        }
    }
}

#[tokio::test]
async fn a_naive_model_predicts_every_outcome_and_balance() {
    const PARTNERS: [&str; 7] = ["acme", "bolt", "cove", "other", "far", "nova", "poor"];
    const CUSTOMERS: [&str; 8] = ["a1", "a2", "a-ref", "b1", "c1", "f1", "n1", "p1"];
    for backend in TestEngine::backends() {
        for seed in 0..3_u64 {
            let t = TestEngine::with(backend, FUNDS_WORLD).await;
            let mut model = Model::new();
            let mut rng = StdRng::seed_from_u64(seed);
            for step in 0..120 {
                let caller = PARTNERS[rng.random_range(0..PARTNERS.len())];
                // Amounts from 0.01 to 60.00 in whole fen.
                let fen: i64 = rng.random_range(1..=6_000);
                let amount = Decimal::new(fen, 2);
                let micros = fen * 10_000;
                let indirect =
                    rng.random_bool(0.3).then(|| PARTNERS[rng.random_range(0..PARTNERS.len())]);
                let (expected, got) = match rng.random_range(0..4) {
                    op @ (0 | 1) => {
                        let target = CUSTOMERS[rng.random_range(0..CUSTOMERS.len())];
                        let reclaim = op == 1;
                        let expected =
                            model.customer_move(caller, target, indirect, micros, reclaim);
                        let (who, target, ind) =
                            (partner(caller), target.to_owned(), indirect.map(str::to_owned));
                        let res = if reclaim {
                            t.engine
                                .reclaim_to_partner_account(
                                    &who,
                                    partner_engine::funds::CustomerFundsMove {
                                        customer_id: target,
                                        amount,
                                        indirect_partner_id: ind,
                                    },
                                    partner_engine::funds::RetryKeys::none(),
                                )
                                .await
                        } else {
                            t.engine
                                .update_customer_account_amount(
                                    &who,
                                    partner_engine::funds::CustomerFundsMove {
                                        customer_id: target,
                                        amount,
                                        indirect_partner_id: ind,
                                    },
                                    partner_engine::funds::RetryKeys::none(),
                                )
                                .await
                        };
                        (expected, outcome(res))
                    }
                    op => {
                        let target = PARTNERS[rng.random_range(0..PARTNERS.len())];
                        let reclaim = op == 3;
                        let expected = model.reseller_move(caller, target, micros, reclaim);
                        let who = partner(caller);
                        let res = if reclaim {
                            t.engine
                                .reclaim_indirect_partner_account(
                                    &who,
                                    partner_engine::funds::ResellerFundsMove {
                                        indirect_partner_id: target.into(),
                                        amount,
                                    },
                                    partner_engine::funds::RetryKeys::none(),
                                )
                                .await
                        } else {
                            t.engine
                                .update_indirect_partner_account(
                                    &who,
                                    partner_engine::funds::ResellerFundsMove {
                                        indirect_partner_id: target.into(),
                                        amount,
                                    },
                                    partner_engine::funds::RetryKeys::none(),
                                )
                                .await
                        };
                        (expected, outcome(res))
                    }
                };
                assert_eq!(got, expected, "{backend} seed {seed} step {step}");
            }
            for (id, micros) in &model.balances {
                let owner = if CUSTOMERS.contains(&id.as_str()) { c(id) } else { p(id) };
                assert_eq!(cash(&t, owner).await.micros(), *micros, "{backend} seed {seed}: {id}");
            }
            check_ledger(&t).await;
        }
    }
}

#[tokio::test]
async fn sixty_four_concurrent_adjustments_lose_no_update_and_never_overdraw() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, FUNDS_WORLD).await;
        let tasks: Vec<_> = (0..64)
            .map(|n| {
                let engine = t.engine.clone();
                let target = ["a1", "a2"][n % 2].to_owned();
                tokio::spawn(async move {
                    engine
                        .update_customer_account_amount(
                            &partner("acme"),
                            partner_engine::funds::CustomerFundsMove {
                                customer_id: target,
                                amount: yuan("1.00"),
                                indirect_partner_id: None,
                            },
                            partner_engine::funds::RetryKeys::none(),
                        )
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(cash(&t, p("acme")).await, Money::parse("936.00").unwrap(), "{backend}");

        // A distributor with 10.00 facing 20 concurrent debits of 1.00: exactly ten succeed.
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let engine = t.engine.clone();
                tokio::spawn(async move {
                    outcome(
                        engine
                            .update_customer_account_amount(
                                &partner("poor"),
                                partner_engine::funds::CustomerFundsMove {
                                    customer_id: "p1".into(),
                                    amount: yuan("1"),
                                    indirect_partner_id: None,
                                },
                                partner_engine::funds::RetryKeys::none(),
                            )
                            .await,
                    )
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        assert_eq!(outcomes.iter().filter(|o| **o == "ok").count(), 10, "{backend}: {outcomes:?}");
        assert!(outcomes.iter().all(|o| *o == "ok" || *o == "InsufficientBalance"));
        assert_eq!(cash(&t, p("poor")).await, Money::ZERO, "{backend}");
        check_ledger(&t).await;
    }
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_moves_money_once() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, FUNDS_WORLD).await;
        let acme = partner("acme");
        let adjust = |amount: &str, key: &str| {
            t.engine.update_customer_account_amount(
                &acme,
                partner_engine::funds::CustomerFundsMove {
                    customer_id: "a1".into(),
                    amount: yuan(amount),
                    indirect_partner_id: None,
                },
                partner_engine::funds::RetryKeys {
                    idempotency_key: Some(key.into()),
                    ..partner_engine::funds::RetryKeys::none()
                },
            )
        };
        let first = adjust("3.00", "key-1").await.unwrap();
        assert_eq!(adjust("3.00", "key-1").await.unwrap(), first);
        assert_eq!(outcome(adjust("4.00", "key-1").await), "IdempotencyKeyReused");
        let reclaim = t.engine.reclaim_to_partner_account(
            &acme,
            partner_engine::funds::CustomerFundsMove {
                customer_id: "a1".into(),
                amount: yuan("3.00"),
                indirect_partner_id: None,
            },
            partner_engine::funds::RetryKeys {
                idempotency_key: Some("key-1".into()),
                ..partner_engine::funds::RetryKeys::none()
            },
        );
        assert_eq!(outcome(reclaim.await), "IdempotencyKeyReused");
        // The same key from another caller is another request.
        let nova = partner("nova");
        let res = t.engine.update_customer_account_amount(
            &nova,
            partner_engine::funds::CustomerFundsMove {
                customer_id: "n1".into(),
                amount: yuan("1"),
                indirect_partner_id: None,
            },
            partner_engine::funds::RetryKeys {
                idempotency_key: Some("key-1".into()),
                ..partner_engine::funds::RetryKeys::none()
            },
        );
        assert_eq!(outcome(res.await), "ok");
        assert_eq!(cash(&t, c("a1")).await, Money::parse("8.00").unwrap(), "{backend}");
        // A refused request keeps no answer: fixing it and retrying with its key works.
        assert_eq!(outcome(adjust("5000", "key-2").await), "InsufficientBalance");
        assert_eq!(outcome(adjust("5", "key-2").await), "ok");
        check_ledger(&t).await;
    }
}

#[tokio::test]
async fn records_show_each_movement_from_both_sides() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, FUNDS_WORLD).await;
        let acme = partner("acme");
        let adjust = t
            .engine
            .update_customer_account_amount(
                &acme,
                partner_engine::funds::CustomerFundsMove {
                    customer_id: "a1".into(),
                    amount: yuan("10"),
                    indirect_partner_id: None,
                },
                partner_engine::funds::RetryKeys::none(),
            )
            .await
            .unwrap();
        let reclaim = t
            .engine
            .reclaim_to_partner_account(
                &acme,
                partner_engine::funds::CustomerFundsMove {
                    customer_id: "a1".into(),
                    amount: yuan("2.5"),
                    indirect_partner_id: None,
                },
                partner_engine::funds::RetryKeys::none(),
            )
            .await
            .unwrap();
        let to_bolt = t
            .engine
            .update_indirect_partner_account(
                &acme,
                partner_engine::funds::ResellerFundsMove {
                    indirect_partner_id: "bolt".into(),
                    amount: yuan("20"),
                },
                partner_engine::funds::RetryKeys::none(),
            )
            .await
            .unwrap();
        let for_bolt = t
            .engine
            .update_customer_account_amount(
                &acme,
                partner_engine::funds::CustomerFundsMove {
                    customer_id: "b1".into(),
                    amount: yuan("4"),
                    indirect_partner_id: Some("bolt".into()),
                },
                partner_engine::funds::RetryKeys::none(),
            )
            .await
            .unwrap();
        assert!(
            adjust.starts_with("AD2026020100") && reclaim.starts_with("RE2026020100"),
            "{adjust} {reclaim}"
        );

        let records = t
            .engine
            .list_partner_adjust_records(&acme, AdjustRecordQuery::default())
            .await
            .unwrap();
        let seen: Vec<(&str, TransferKind, &str)> = records
            .rows
            .iter()
            .map(|r| (r.transfer_id.as_str(), r.kind, r.counterparty.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (to_bolt.as_str(), TransferKind::Adjust, "bolt"),
                (reclaim.as_str(), TransferKind::Reclaim, "a1"),
                (adjust.as_str(), TransferKind::Adjust, "a1")
            ],
            "{backend}: newest first; the adjust made for bolt is bolt's"
        );
        let bolts =
            AdjustRecordQuery { indirect_partner_id: Some("bolt".into()), ..Default::default() };
        let bolts = t.engine.list_partner_adjust_records(&acme, bolts).await.unwrap();
        assert_eq!(
            bolts.rows.iter().map(|r| r.transfer_id.as_str()).collect::<Vec<_>>(),
            [for_bolt.as_str()]
        );

        let changes = |who: Caller, kinds: Option<Vec<TransferKind>>| {
            let query = AccountChangeQuery {
                account: AccountKind::Cash,
                kinds,
                direction: None,
                trade_id: None,
                begin: None,
                end: None,
                offset: None,
                limit: Some(100),
                indirect_partner_id: None,
            };
            let engine = t.engine.clone();
            async move { engine.list_partner_account_change_records(&who, query).await.unwrap() }
        };
        let acme_changes = changes(acme.clone(), None).await;
        let lines: Vec<(i64, i64)> = acme_changes
            .rows
            .iter()
            .map(|e| (e.amount.micros() / 10_000, e.balance_after.micros() / 10_000))
            .collect();
        // In fen: opening +1000.00, −10.00, +2.50, −20.00; newest first.
        assert_eq!(
            lines,
            [(-2_000, 97_250), (250, 99_250), (-1_000, 99_000), (100_000, 100_000)],
            "{backend}"
        );
        let bolt_adjusts = changes(partner("bolt"), Some(vec![TransferKind::Adjust])).await;
        assert_eq!(bolt_adjusts.total, 2, "{backend}: funded by acme, and paying b1 for acme");
        check_ledger(&t).await;
    }
}

#[tokio::test]
async fn every_attempt_to_move_money_is_audited_with_its_result() {
    let t = TestEngine::with("sqlite", FUNDS_WORLD).await;
    let acme = partner("acme");
    let e = &t.engine;
    e.update_customer_account_amount(
        &acme,
        partner_engine::funds::CustomerFundsMove {
            customer_id: "a1".into(),
            amount: yuan("1"),
            indirect_partner_id: None,
        },
        partner_engine::funds::RetryKeys::none(),
    )
    .await
    .unwrap();
    let _ = e
        .update_customer_account_amount(
            &acme,
            partner_engine::funds::CustomerFundsMove {
                customer_id: "a1".into(),
                amount: yuan("0"),
                indirect_partner_id: None,
            },
            partner_engine::funds::RetryKeys::none(),
        )
        .await;
    let _ = e
        .update_customer_account_amount(
            &acme,
            partner_engine::funds::CustomerFundsMove {
                customer_id: "f1".into(),
                amount: yuan("1"),
                indirect_partner_id: None,
            },
            partner_engine::funds::RetryKeys::none(),
        )
        .await;
    let _ = e
        .reclaim_indirect_partner_account(
            &acme,
            partner_engine::funds::ResellerFundsMove {
                indirect_partner_id: "far".into(),
                amount: yuan("1"),
            },
            partner_engine::funds::RetryKeys::none(),
        )
        .await;
    let events = e.recent_audit_events(4).await.unwrap();
    let mut seen: Vec<(String, String, String)> =
        events.into_iter().map(|ev| (ev.operation, ev.target, ev.result)).collect();
    seen.sort();
    let expect = [
        ("ReclaimIndirectPartnerAccount", "partner:far", "NotYourIndirectPartner"),
        ("UpdateCustomerAccountAmount", "customer:a1", "AmountMustBePositive"),
        ("UpdateCustomerAccountAmount", "customer:a1", "success"),
        ("UpdateCustomerAccountAmount", "customer:f1", "NotYourCustomer"),
    ];
    let expect: Vec<(String, String, String)> = expect
        .iter()
        .map(|(o, t, r)| ((*o).to_owned(), (*t).to_owned(), (*r).to_owned()))
        .collect();
    assert_eq!(seen, expect);
}

/// A movement the caller may not make touches nothing before it is refused: no account is
/// opened (nor locked) for another partner's customer.
#[tokio::test]
async fn a_refused_movement_opens_no_account() {
    for backend in TestEngine::backends() {
        let t = TestEngine::with(backend, FUNDS_WORLD).await;
        let bare = partner_domain::customers::CustomerId("f-bare".into());
        let mut tx = t.store.write().await.unwrap();
        let far_customer = tx.customer(&partner_domain::customers::CustomerId("f1".into())).await;
        let customer = partner_domain::customers::Customer {
            id: bare.clone(),
            account_name: "f-bare".into(),
            ..far_customer.unwrap().unwrap()
        };
        tx.insert_customer(&customer).await.unwrap();
        tx.commit().await.unwrap();
        let request = partner_engine::funds::CustomerFundsMove {
            customer_id: "f-bare".into(),
            amount: yuan("1.00"),
            indirect_partner_id: None,
        };
        let res = t
            .engine
            .update_customer_account_amount(
                &partner("acme"),
                request,
                partner_engine::funds::RetryKeys::none(),
            )
            .await;
        assert_eq!(outcome(res), "NotYourCustomer", "{backend}");
        let mut tx = t.store.read().await.unwrap();
        let accounts = tx.fund_accounts_of(&Owner::Customer(bare)).await.unwrap();
        assert!(accounts.is_empty(), "{backend}: {accounts:?}");
    }
}

/// More movements than the group commit queues are shed at once, with the flow-control
/// answer, and move nothing; the queued ones all commit.
#[tokio::test]
async fn movements_past_the_committer_queue_are_shed() {
    let t = TestEngine::with("sqlite", FUNDS_WORLD).await;
    let engine = t.engine.clone().with_committer_queue(2);
    let adjust = || partner_engine::funds::CustomerFundsMove {
        customer_id: "a1".into(),
        amount: yuan("1.00"),
        indirect_partner_id: None,
    };
    let before =
        cash(&t, Owner::Customer(partner_domain::customers::CustomerId("a1".into()))).await;
    // Holding the database's write lock keeps the committer from finishing a batch, so the
    // movements wait in its queue: two in the queue, at most two more in the batch it took.
    let blocker = t.store.write().await.unwrap();
    let mut n_shed = 0;
    let acme = partner("acme");
    for _ in 0..10 {
        let call = engine.update_customer_account_amount(
            &acme,
            adjust(),
            partner_engine::funds::RetryKeys::none(),
        );
        // A shed movement answers at its first poll; a queued one waits (and is dropped here:
        // its job still commits).
        if let Ok(res) = tokio::time::timeout(std::time::Duration::ZERO, call).await {
            assert!(matches!(res, Err(EngineError::Overloaded)), "{res:?}");
            n_shed += 1;
        }
    }
    assert!(n_shed >= 6, "{n_shed} shed");
    blocker.commit().await.unwrap();
    // A last movement, retried while the queue drains (as a shed caller would), commits after
    // every queued one.
    let mut last = Err(EngineError::Overloaded);
    for _ in 0..100_000 {
        let retry = partner_engine::funds::RetryKeys::none();
        last = engine.update_customer_account_amount(&acme, adjust(), retry).await;
        if !matches!(last, Err(EngineError::Overloaded)) {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(last.is_ok(), "{last:?}");
    let after = cash(&t, Owner::Customer(partner_domain::customers::CustomerId("a1".into()))).await;
    let moved = 10 - n_shed + 1;
    assert_eq!(after.micros() - before.micros(), moved * 1_000_000);
    check_ledger(&t).await;
}
