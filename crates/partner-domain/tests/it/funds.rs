//! The ledger's invariants: money moves only by balanced transfers and is never created.

use partner_domain::{
    Money, Timestamp,
    funds::{self, AccountId, AccountKind, FundAccount, FundsError, Owner, TransferKind},
    partners::PartnerId,
};
use proptest::prelude::*;

fn account(id: &str, balance: i64) -> FundAccount {
    FundAccount {
        id: AccountId(id.into()),
        owner: Owner::Partner(PartnerId(id.into())),
        kind: AccountKind::Cash,
        balance: Money::from_micros(balance),
        designated: Money::ZERO,
        credit_limit: Money::ZERO,
    }
}

const AT: Timestamp = Timestamp::from_millis(0);

#[test]
fn transfers_refuse_what_is_not_a_movement() {
    let a = account("a", 0);
    let b = account("b", 0);
    let t = |amount, from: &FundAccount, to: &FundAccount| {
        funds::transfer(from, to, Money::from_micros(amount), TransferKind::Opening, "t".into(), AT)
    };
    assert_eq!(t(0, &a, &b), Err(FundsError::AmountMustBePositive));
    assert_eq!(t(-5, &a, &b), Err(FundsError::AmountMustBePositive));
    assert_eq!(t(5, &a, &a), Err(FundsError::TransferToSameAccount));
    assert_eq!(t(5, &account("a", i64::MIN + 1), &b), Err(FundsError::BalanceOverflow));
    let opening =
        |amount| funds::opening_transfer(&a, &b, Money::from_micros(amount), "t".into(), AT);
    assert_eq!(opening(0), Ok(None));
    assert_eq!(opening(-1), Err(FundsError::AmountMustNotBeNegative));
}

#[test]
fn debt_is_the_cash_balance_below_zero() {
    assert_eq!(funds::debt(&[account("a", 5)]), Money::ZERO);
    assert_eq!(funds::debt(&[account("a", -7), account("b", 3)]), Money::from_micros(7));
}

proptest! {
    /// For random transfers between random accounts, the sum of all balances never changes
    /// and every balance equals its opening plus what came in minus what went out.
    #[test]
    fn transfers_conserve_money(
        openings in prop::collection::vec(-1_000_000i64..1_000_000, 2..8),
        moves in prop::collection::vec((0usize..8, 0usize..8, 1i64..500_000), 0..64),
    ) {
        let mut accounts: Vec<FundAccount> =
            openings.iter().enumerate().map(|(i, b)| account(&format!("a{i}"), *b)).collect();
        let total: i64 = openings.iter().sum();
        let mut expected = openings.clone();
        for (n, (from, to, amount)) in moves.into_iter().enumerate() {
            let (from, to) = (from % accounts.len(), to % accounts.len());
            let res = funds::transfer(&accounts[from], &accounts[to], Money::from_micros(amount),
                TransferKind::Opening, format!("t{n}"), AT);
            let Ok(transfer) = res else {
                prop_assert_eq!(from, to);
                continue;
            };
            let new_from = funds::apply(&transfer, &accounts[from]).unwrap();
            let new_to = funds::apply(&transfer, &accounts[to]).unwrap();
            accounts[from].balance = new_from;
            accounts[to].balance = new_to;
            expected[from] -= amount;
            expected[to] += amount;
            let sum: i64 = accounts.iter().map(|a| a.balance.micros()).sum();
            prop_assert_eq!(sum, total);
        }
        for (a, e) in accounts.iter().zip(expected) {
            prop_assert_eq!(a.balance.micros(), e);
        }
    }
}

proptest! {
    /// Money moved by the partner operations' rule never overdraws a payer: random movements
    /// among random accounts keep the total, keep every balance at or above zero, and refuse
    /// exactly the movements the payer's available balance cannot cover.
    #[test]
    fn moving_funds_never_overdraws(
        openings in prop::collection::vec(0i64..1_000_000, 2..10),
        designated in prop::collection::vec(0i64..300_000, 10),
        moves in prop::collection::vec((0usize..10, 0usize..10, 1i64..400_000), 0..80),
    ) {
        let mut accounts: Vec<FundAccount> = openings
            .iter()
            .zip(&designated)
            .enumerate()
            .map(|(i, (b, d))| FundAccount { designated: Money::from_micros((*d).min(*b)), ..account(&format!("a{i}"), *b) })
            .collect();
        let total: i64 = openings.iter().sum();
        for (n, (from, to, amount)) in moves.into_iter().enumerate() {
            let (from, to) = (from % accounts.len(), to % accounts.len());
            let available = funds::available(&accounts[from]).micros();
            let res = funds::move_funds(&accounts[from], &accounts[to], Money::from_micros(amount),
                TransferKind::Adjust, format!("t{n}"), AT);
            match res {
                Ok(transfer) => {
                    prop_assert!(amount <= available);
                    let (new_from, new_to) = (funds::apply(&transfer, &accounts[from]).unwrap(), funds::apply(&transfer, &accounts[to]).unwrap());
                    accounts[from].balance = new_from;
                    accounts[to].balance = new_to;
                }
                Err(FundsError::InsufficientBalance { .. }) => prop_assert!(amount > available),
                Err(FundsError::TransferToSameAccount) => prop_assert_eq!(from, to),
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
            prop_assert!(accounts.iter().all(|a| !a.balance.is_negative()));
            prop_assert_eq!(accounts.iter().map(|a| a.balance.micros()).sum::<i64>(), total);
        }
    }
}

/// What the four fund movements accept as an amount: more than 0, at most two decimals,
/// refused and never rounded.
#[test]
fn an_amount_to_move_is_positive_with_at_most_two_decimals() {
    let rows = [
        "10.00",
        "0.01",
        "1",
        "0",
        "-1",
        "0.001",
        "1.100",
        "1.0000000000000000000000000001",
        "79228162514264337593543950335",
    ];
    let table: String = rows
        .iter()
        .map(|text| {
            let amount: rust_decimal::Decimal = text.parse().unwrap();
            let res = match funds::amount_to_move(amount) {
                Ok(money) => format!("{}", money.micros()),
                Err(err) => err.rule().to_owned(),
            };
            format!("{text:<32} {res}\n")
        })
        .collect();
    expect_test::expect![[r#"
        10.00                            10000000
        0.01                             10000
        1                                1000000
        0                                AmountMustBePositive
        -1                               AmountMustBePositive
        0.001                            TooManyDecimals
        1.100                            1100000
        1.0000000000000000000000000001   TooManyDecimals
        79228162514264337593543950335    OutOfRange
    "#]]
    .assert_eq(&table);
}
