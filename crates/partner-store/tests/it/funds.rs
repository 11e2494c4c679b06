//! `FundRows`: accounts, transfers and their ledger, and the adjust-record and ledger-entry
//! lists with their filters and pages.

use partner_domain::{
    Money, Timestamp,
    funds::{
        AccountId, AccountKind, AdjustParties, AdjustRecord, AdjustRecordFilter, Direction,
        FundAccount, LedgerEntry, LedgerEntryFilter, Owner, Transfer, TransferKind,
    },
    paging::Paged,
    partners::{PartnerId, PartnerKind},
};
use partner_store::StoreError;

use crate::{Backend, backends, cash, customer, page, partner, transfer};

fn partner_owner(id: &str) -> Owner {
    Owner::Partner(PartnerId(id.into()))
}

fn customer_owner(id: &str) -> Owner {
    Owner::Customer(partner_domain::customers::CustomerId(id.into()))
}

#[tokio::test]
async fn accounts_are_found_by_owner_and_kind_and_open_empty() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        let credit = FundAccount {
            id: AccountId("acme-credit".into()),
            kind: AccountKind::Credit,
            // Only transfers give an account its balance: this one is ignored.
            balance: Money::from_micros(9),
            designated: Money::from_micros(3),
            credit_limit: Money::from_micros(5_000_000),
            ..cash("acme-credit", partner_owner("acme"))
        };
        assert!(tx.insert_fund_account(&credit).await.unwrap(), "{}", b.name);
        assert!(tx.insert_fund_account(&cash("acme-cash", partner_owner("acme"))).await.unwrap());
        assert!(
            !tx.insert_fund_account(&cash("acme-cash-2", partner_owner("acme"))).await.unwrap(),
            "{}: one account per owner and kind",
            b.name
        );
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        let stored = FundAccount { balance: Money::ZERO, ..credit };
        assert_eq!(
            tx.fund_account(&partner_owner("acme"), AccountKind::Credit).await.unwrap(),
            Some(stored.clone()),
            "{}",
            b.name
        );
        assert_eq!(tx.fund_account(&Owner::Platform, AccountKind::Cash).await.unwrap(), None);
        let all = tx.fund_accounts_of(&partner_owner("acme")).await.unwrap();
        assert_eq!(all, vec![cash("acme-cash", partner_owner("acme")), stored], "{}", b.name);
        assert_eq!(tx.fund_accounts_of(&partner_owner("nobody")).await.unwrap(), vec![]);
    }
}

#[tokio::test]
async fn cash_accounts_for_update_are_partners_then_customers_each_by_id() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        // More owners of each kind than one statement carries.
        let mut owners = Vec::new();
        for n in 0..600 {
            let (p, c) = (format!("p{n:03}"), format!("c{n:03}"));
            if n % 100 == 7 {
                tx.insert_partner(&partner(&p, PartnerKind::SolutionProvider, None, 1))
                    .await
                    .unwrap();
                tx.insert_fund_account(&cash(&format!("{p}-cash"), partner_owner(&p)))
                    .await
                    .unwrap();
                tx.insert_customer(&customer(&c, &p, 1)).await.unwrap();
                tx.insert_fund_account(&cash(&format!("{c}-cash"), customer_owner(&c)))
                    .await
                    .unwrap();
            }
            owners.extend([customer_owner(&c), partner_owner(&p), partner_owner(&p)]);
        }
        tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
        let credit =
            FundAccount { kind: AccountKind::Credit, ..cash("p007-credit", partner_owner("p007")) };
        tx.insert_fund_account(&credit).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        owners.push(Owner::Platform);
        let mut ids: Vec<String> = tx
            .cash_accounts_for_update(&owners)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id.0)
            .collect();
        ids.sort();
        let mut expected: Vec<String> = (0..6)
            .flat_map(|n| {
                [format!("p{:03}-cash", n * 100 + 7), format!("c{:03}-cash", n * 100 + 7)]
            })
            .collect();
        expected.sort();
        assert_eq!(ids, expected, "{}", b.name);
        // Within one statement's worth of owners: partners' accounts first, each kind by id.
        let few = [
            customer_owner("c107"),
            partner_owner("p207"),
            customer_owner("c007"),
            partner_owner("p007"),
        ];
        let ids: Vec<String> =
            tx.cash_accounts_for_update(&few).await.unwrap().into_iter().map(|a| a.id.0).collect();
        assert_eq!(ids, ["p007-cash", "p207-cash", "c007-cash", "c107-cash"], "{}", b.name);
        assert_eq!(tx.cash_accounts_for_update(&[]).await.unwrap(), vec![], "{}", b.name);
    }
}

#[tokio::test]
async fn transfers_move_both_balances_and_conserve_money() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_fund_account(&cash("acme-cash", partner_owner("acme"))).await.unwrap();
        tx.post_transfer(&transfer("t1", "platform", "acme-cash", 2_500_000)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let err = tx.post_transfer(&transfer("t1", "platform", "acme-cash", 1)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{}: {err}", b.name);
        drop(tx);

        // A transaction dropped without commit leaves nothing behind.
        let mut tx = b.store.write().await.unwrap();
        tx.post_transfer(&transfer("t2", "platform", "acme-cash", 1)).await.unwrap();
        drop(tx);

        let mut tx = b.store.read().await.unwrap();
        let acme =
            tx.fund_account(&partner_owner("acme"), AccountKind::Cash).await.unwrap().unwrap();
        assert_eq!(acme.balance, Money::from_micros(2_500_000), "{}", b.name);
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", b.name);
        assert_eq!(tx.accounts_off_their_ledger().await.unwrap(), vec![], "{}", b.name);
    }
}

#[tokio::test]
async fn concurrent_writers_lose_no_update() {
    const WRITERS: i64 = 24;
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_fund_account(&cash("acme-cash", partner_owner("acme"))).await.unwrap();
        tx.commit().await.unwrap();

        let tasks: Vec<_> = (0..WRITERS)
            .map(|n| {
                let store = b.store.clone();
                tokio::spawn(async move {
                    let mut tx = store.write().await.unwrap();
                    tx.post_transfer(&transfer(&format!("t{n}"), "platform", "acme-cash", 1_000))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let mut tx = b.store.read().await.unwrap();
        let acme =
            tx.fund_account(&partner_owner("acme"), AccountKind::Cash).await.unwrap().unwrap();
        assert_eq!(acme.balance, Money::from_micros(WRITERS * 1_000), "{}", b.name);
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", b.name);
    }
}

#[tokio::test]
async fn an_account_off_its_ledger_is_found() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_fund_account(&cash("acme-cash", partner_owner("acme"))).await.unwrap();
        tx.post_transfer(&transfer("t1", "platform", "acme-cash", 10)).await.unwrap();
        tx.commit().await.unwrap();
        // A lost ledger line (no test writes a balance but through a transfer).
        crate::under_the_store(
            &b,
            "UPDATE ledger_entries SET amount_micros = 9 WHERE account_id = 'acme-cash'",
        )
        .await;

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(
            tx.accounts_off_their_ledger().await.unwrap(),
            vec![AccountId("acme-cash".into())],
            "{}",
            b.name
        );
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", b.name);
    }
}

/// The platform funds acme; acme adjusts to and reclaims from its customers c1, c2 and its
/// reseller bolt, all but the opening in one batch, as a group commit writes them.
async fn acme_moves_money(b: &Backend) {
    let mut tx = b.store.write().await.unwrap();
    tx.insert_fund_account(&cash("platform", Owner::Platform)).await.unwrap();
    tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
    tx.insert_partner(&partner("bolt", PartnerKind::Reseller, Some("acme"), 1)).await.unwrap();
    tx.insert_fund_account(&cash("acme-cash", partner_owner("acme"))).await.unwrap();
    tx.insert_fund_account(&cash("bolt-cash", partner_owner("bolt"))).await.unwrap();
    for c in ["c1", "c2"] {
        tx.insert_customer(&customer(c, "acme", 1)).await.unwrap();
        tx.insert_fund_account(&cash(&format!("{c}-cash"), customer_owner(c))).await.unwrap();
    }
    tx.post_transfer(&Transfer {
        at: Timestamp::from_millis(1),
        ..transfer("t0", "platform", "acme-cash", 1000)
    })
    .await
    .unwrap();
    let adjust = |id: &str, kind, from: &str, to: &str, amount, at, counterparty: &str| Transfer {
        kind,
        at: Timestamp::from_millis(at),
        parties: Some(AdjustParties {
            partner: PartnerId("acme".into()),
            counterparty: counterparty.into(),
        }),
        ..transfer(id, from, to, amount)
    };
    let batch = [
        adjust("t1", TransferKind::Adjust, "acme-cash", "c1-cash", 100, 10, "c1"),
        adjust("t2", TransferKind::Adjust, "acme-cash", "bolt-cash", 200, 20, "bolt"),
        adjust("t3", TransferKind::Reclaim, "c1-cash", "acme-cash", 30, 20, "c1"),
        adjust("t4", TransferKind::Adjust, "acme-cash", "c2-cash", 50, 30, "c2"),
        adjust("t5", TransferKind::Adjust, "acme-cash", "c1-cash", 5, 40, "c1"),
    ];
    tx.post_transfers(&batch).await.unwrap();
    tx.post_transfers(&[]).await.unwrap();
    tx.commit().await.unwrap();
}

fn transfer_ids<T>(paged: Paged<T>, id: impl Fn(&T) -> &str) -> (u64, Vec<String>) {
    (paged.total, paged.rows.iter().map(|r| id(r).to_owned()).collect())
}

#[tokio::test]
async fn a_batch_of_transfers_writes_each_entry_with_the_balance_right_after_it() {
    for b in backends().await {
        acme_moves_money(&b).await;
        let mut tx = b.store.read().await.unwrap();
        for (owner, balance) in [
            (partner_owner("acme"), 1000 - 100 - 200 + 30 - 50 - 5),
            (customer_owner("c1"), 100 - 30 + 5),
            (customer_owner("c2"), 50),
            (partner_owner("bolt"), 200),
        ] {
            let account = tx.fund_account(&owner, AccountKind::Cash).await.unwrap().unwrap();
            assert_eq!(account.balance.micros(), balance, "{}: {owner:?}", b.name);
        }
        assert_eq!(tx.balance_sum().await.unwrap(), Money::ZERO, "{}", b.name);
        assert_eq!(tx.accounts_off_their_ledger().await.unwrap(), vec![], "{}", b.name);

        let all = LedgerEntryFilter {
            kinds: None,
            direction: None,
            from: Timestamp::from_millis(0),
            to: Timestamp::from_millis(i64::MAX),
            transfer_id: None,
        };
        let entries =
            tx.ledger_entries(&AccountId("acme-cash".into()), &all, page(0, 100)).await.unwrap();
        let seen: Vec<(&str, i64, i64)> = entries
            .rows
            .iter()
            .map(|e| (e.transfer_id.as_str(), e.amount.micros(), e.balance_after.micros()))
            .collect();
        assert_eq!(
            seen,
            [
                ("t5", -5, 675),
                ("t4", -50, 680),
                ("t3", 30, 730),
                ("t2", -200, 700),
                ("t1", -100, 900),
                ("t0", 1000, 1000)
            ],
            "{}",
            b.name
        );
        let numbers: Vec<i64> = entries.rows.iter().map(|e| e.entry_no).collect();
        assert!(numbers.windows(2).all(|w| w[0] > w[1]), "{}: {numbers:?}", b.name);
        let reclaim = &entries.rows[2];
        assert_eq!(
            reclaim,
            &LedgerEntry {
                entry_no: reclaim.entry_no,
                transfer_id: "t3".into(),
                account: AccountId("acme-cash".into()),
                amount: Money::from_micros(30),
                balance_after: Money::from_micros(730),
                kind: TransferKind::Reclaim,
                at: Timestamp::from_millis(20),
                counterparty: Some(("c1".into(), "c1".into())),
            },
            "{}",
            b.name
        );
        assert_eq!(
            entries.rows[5].counterparty, None,
            "{}: an opening has no counterparty",
            b.name
        );
    }
}

#[tokio::test]
async fn ledger_entries_filter_and_page_newest_first() {
    for b in backends().await {
        acme_moves_money(&b).await;
        let mut tx = b.store.read().await.unwrap();
        let acme = AccountId("acme-cash".into());
        let all = LedgerEntryFilter {
            kinds: None,
            direction: None,
            from: Timestamp::from_millis(0),
            to: Timestamp::from_millis(i64::MAX),
            transfer_id: None,
        };
        let cases: Vec<(LedgerEntryFilter, _, (u64, Vec<&str>))> = vec![
            (all.clone(), page(0, 100), (6, vec!["t5", "t4", "t3", "t2", "t1", "t0"])),
            (all.clone(), page(2, 3), (6, vec!["t3", "t2", "t1"])),
            (all.clone(), page(6, 10), (6, vec![])),
            (
                LedgerEntryFilter { direction: Some(Direction::Income), ..all.clone() },
                page(0, 100),
                (2, vec!["t3", "t0"]),
            ),
            (
                LedgerEntryFilter { direction: Some(Direction::Expense), ..all.clone() },
                page(0, 100),
                (4, vec!["t5", "t4", "t2", "t1"]),
            ),
            (
                LedgerEntryFilter { kinds: Some(vec![TransferKind::Adjust]), ..all.clone() },
                page(0, 100),
                (4, vec!["t5", "t4", "t2", "t1"]),
            ),
            (
                LedgerEntryFilter {
                    kinds: Some(vec![TransferKind::Reclaim, TransferKind::Opening]),
                    ..all.clone()
                },
                page(0, 1),
                (2, vec!["t3"]),
            ),
            (LedgerEntryFilter { kinds: Some(vec![]), ..all.clone() }, page(0, 100), (0, vec![])),
            (
                LedgerEntryFilter {
                    from: Timestamp::from_millis(20),
                    to: Timestamp::from_millis(30),
                    ..all.clone()
                },
                page(0, 100),
                (3, vec!["t4", "t3", "t2"]),
            ),
            (
                LedgerEntryFilter { transfer_id: Some("t3".into()), ..all.clone() },
                page(0, 100),
                (1, vec!["t3"]),
            ),
            (
                LedgerEntryFilter {
                    kinds: Some(vec![TransferKind::Adjust]),
                    direction: Some(Direction::Income),
                    ..all.clone()
                },
                page(0, 100),
                (0, vec![]),
            ),
        ];
        for (filter, page, expected) in cases {
            let got = tx.ledger_entries(&acme, &filter, page).await.unwrap();
            let expected = (expected.0, expected.1.into_iter().map(str::to_owned).collect());
            assert_eq!(
                transfer_ids(got, |e| &e.transfer_id),
                expected,
                "{}: {filter:?} {page:?}",
                b.name
            );
        }
        let c1 = tx.ledger_entries(&AccountId("c1-cash".into()), &all, page(0, 100)).await.unwrap();
        assert_eq!(
            transfer_ids(c1, |e| &e.transfer_id),
            (3, vec!["t5".into(), "t3".into(), "t1".into()])
        );
    }
}

#[tokio::test]
async fn adjust_records_filter_and_page_newest_first() {
    for b in backends().await {
        acme_moves_money(&b).await;
        let mut tx = b.store.read().await.unwrap();
        let acme = PartnerId("acme".into());
        let all = AdjustRecordFilter::default();
        let at = |ms| Some(Timestamp::from_millis(ms));
        let cases: Vec<(AdjustRecordFilter, _, (u64, Vec<&str>))> = vec![
            // Moves at the same instant keep the order they were made in: t3 after t2.
            (all.clone(), page(0, 100), (5, vec!["t5", "t4", "t3", "t2", "t1"])),
            (all.clone(), page(1, 2), (5, vec!["t4", "t3"])),
            (all.clone(), page(10, 10), (5, vec![])),
            (
                AdjustRecordFilter { counterparty: Some("c1".into()), ..all.clone() },
                page(0, 100),
                (3, vec!["t5", "t3", "t1"]),
            ),
            (
                AdjustRecordFilter { counterparty: Some("ghost".into()), ..all.clone() },
                page(0, 100),
                (0, vec![]),
            ),
            (
                AdjustRecordFilter { kind: Some(TransferKind::Reclaim), ..all.clone() },
                page(0, 100),
                (1, vec!["t3"]),
            ),
            (
                AdjustRecordFilter { kind: Some(TransferKind::Opening), ..all.clone() },
                page(0, 100),
                (0, vec![]),
            ),
            (
                AdjustRecordFilter { from: at(20), to: at(30), ..all.clone() },
                page(0, 100),
                (3, vec!["t4", "t3", "t2"]),
            ),
            (
                AdjustRecordFilter { transfer_id: Some("t2".into()), ..all.clone() },
                page(0, 100),
                (1, vec!["t2"]),
            ),
            (
                AdjustRecordFilter {
                    counterparty: Some("c1".into()),
                    kind: Some(TransferKind::Adjust),
                    from: at(11),
                    ..all.clone()
                },
                page(0, 100),
                (1, vec!["t5"]),
            ),
        ];
        for (filter, page, expected) in cases {
            let got = tx.adjust_records(&acme, &filter, page).await.unwrap();
            let expected = (expected.0, expected.1.into_iter().map(str::to_owned).collect());
            assert_eq!(
                transfer_ids(got, |r| &r.transfer_id),
                expected,
                "{}: {filter:?} {page:?}",
                b.name
            );
        }
        let bolt = tx
            .adjust_records(
                &acme,
                &AdjustRecordFilter { transfer_id: Some("t2".into()), ..all.clone() },
                page(0, 1),
            )
            .await
            .unwrap();
        let record = AdjustRecord {
            transfer_id: "t2".into(),
            kind: TransferKind::Adjust,
            amount: Money::from_micros(200),
            at: Timestamp::from_millis(20),
            counterparty: "bolt".into(),
            counterparty_name: "bolt name".into(),
        };
        assert_eq!(bolt.rows, vec![record], "{}", b.name);
        let others =
            tx.adjust_records(&PartnerId("bolt".into()), &all, page(0, 100)).await.unwrap();
        assert_eq!(others, Paged { total: 0, rows: vec![] }, "{}", b.name);
    }
}
