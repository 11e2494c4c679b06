//! Fund accounts, transfers and the ledger: where money sits, how it moves, and the lists of
//! adjust records and ledger entries.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use partner_domain::{
    Money, Timestamp,
    customers::CustomerId,
    funds::{
        AccountId, AccountKind, AdjustRecord, AdjustRecordFilter, Direction, FundAccount,
        LedgerEntry, LedgerEntryFilter, Owner, Transfer, TransferKind,
    },
    paging::{Page, Paged},
    partners::PartnerId,
};

use crate::{
    FundRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const ACCOUNT_COLUMNS: &str =
    "id, owner_kind, owner_id, kind, balance_micros, designated_micros, credit_limit_micros";

/// `SELECT` of every column from `fund_accounts`, then `rest`.
fn select_accounts(rest: &str) -> String {
    format!("SELECT {ACCOUNT_COLUMNS} FROM fund_accounts {rest}")
}

/// A new account starts empty: its balance only ever comes from transfers.
const INSERT_ACCOUNT: &str = "INSERT INTO fund_accounts (id, owner_kind, owner_id, kind, \
     balance_micros, designated_micros, credit_limit_micros) VALUES ($1, $2, $3, $4, 0, $5, $6) \
     ON CONFLICT DO NOTHING";

const INSERT_TRANSFERS: &str = "INSERT INTO transfers (id, debit_account_id, \
     credit_account_id, amount_micros, kind, at, partner_id, counterparty_id) ";

const INSERT_ENTRIES: &str = "INSERT INTO ledger_entries (transfer_id, account_id, \
     amount_micros, balance_after_micros, at) ";

const BALANCE_SUM: &str =
    "SELECT CAST(COALESCE(SUM(balance_micros), 0) AS BIGINT) AS total FROM fund_accounts";

const ACCOUNTS_OFF_THEIR_LEDGER: &str = "SELECT a.id FROM fund_accounts a LEFT JOIN ( \
       SELECT account_id, CAST(SUM(amount_micros) AS BIGINT) AS total \
       FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id \
     WHERE a.balance_micros <> COALESCE(e.total, 0) ORDER BY a.id";

/// A partner's adjusts and reclaims as `AdjustRecordFilter` filters them, each filter NULL
/// when absent: `$2` the counterparty, `$3` the kind, `$4` and `$5` the bounds of their time,
/// `$6` a transfer id.
const ADJUST_RECORDS: &str = "t.partner_id = $1 AND t.kind IN ('adjust', 'reclaim') \
     AND ($2 IS NULL OR t.counterparty_id = $2) AND ($3 IS NULL OR t.kind = $3) \
     AND ($4 IS NULL OR t.at >= $4) AND ($5 IS NULL OR t.at <= $5) \
     AND ($6 IS NULL OR t.id = $6)";

/// The columns an owner is stored as.
fn owner_key(owner: &Owner) -> (&'static str, &str) {
    match owner {
        Owner::Platform => ("platform", "platform"),
        Owner::Partner(id) => ("partner", &id.0),
        Owner::Customer(id) => ("customer", &id.0),
        Owner::Quota(id) => ("quota", id),
        Owner::Coupon(id) => ("coupon", id),
    }
}

fn owner_from(kind: &str, id: String) -> Result<Owner, StoreError> {
    match kind {
        "platform" => Ok(Owner::Platform),
        "partner" => Ok(Owner::Partner(PartnerId(id))),
        "customer" => Ok(Owner::Customer(CustomerId(id))),
        "quota" => Ok(Owner::Quota(id)),
        "coupon" => Ok(Owner::Coupon(id)),
        other => Err(sql::corrupt("fund_accounts.owner_kind", other)),
    }
}

fn transfer_kind(code: &str) -> Result<TransferKind, StoreError> {
    TransferKind::from_code(code).ok_or_else(|| sql::corrupt("transfers.kind", code))
}

fn account_row(row: &impl Columns) -> Result<FundAccount, StoreError> {
    let kind = row.int("kind")?;
    Ok(FundAccount {
        id: AccountId(row.text("id")?),
        owner: owner_from(&row.text("owner_kind")?, row.text("owner_id")?)?,
        kind: AccountKind::from_code(kind)
            .ok_or_else(|| sql::corrupt("fund_accounts.kind", kind))?,
        balance: sql::money(row.int("balance_micros")?),
        designated: sql::money(row.int("designated_micros")?),
        credit_limit: sql::money(row.int("credit_limit_micros")?),
    })
}

fn adjust_record_row(row: &impl Columns) -> Result<AdjustRecord, StoreError> {
    Ok(AdjustRecord {
        transfer_id: row.text("id")?,
        kind: transfer_kind(&row.text("kind")?)?,
        amount: sql::money(row.int("amount_micros")?),
        at: sql::at(row.int("at")?),
        counterparty: row.text_or_null("counterparty_id")?.unwrap_or_default(),
        counterparty_name: row.text("counterparty_name")?,
    })
}

fn ledger_entry_row(row: &impl Columns) -> Result<LedgerEntry, StoreError> {
    let name = row.text_or_null("counterparty_name")?;
    Ok(LedgerEntry {
        entry_no: row.int("entry_no")?,
        transfer_id: row.text("transfer_id")?,
        account: AccountId(row.text("account_id")?),
        amount: sql::money(row.int("amount_micros")?),
        balance_after: sql::money(row.int("balance_after_micros")?),
        kind: transfer_kind(&row.text("kind")?)?,
        at: sql::at(row.int("at")?),
        counterparty: row.text_or_null("counterparty_id")?.map(|c| (c, name.unwrap_or_default())),
    })
}

#[async_trait]
impl<T: Backend> FundRows for T {
    async fn fund_account(
        &mut self,
        owner: &Owner,
        kind: AccountKind,
    ) -> Result<Option<FundAccount>, StoreError> {
        let (owner_kind, owner_id) = owner_key(owner);
        let statement = Statement::new(select_accounts(
            "WHERE owner_kind = $1 AND owner_id = $2 AND kind = $3",
        ))
        .bind(owner_kind)
        .bind(owner_id)
        .bind(kind.code());
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(account_row).transpose()
    }

    async fn fund_accounts_of(&mut self, owner: &Owner) -> Result<Vec<FundAccount>, StoreError> {
        let (owner_kind, owner_id) = owner_key(owner);
        let statement = Statement::new(select_accounts(
            "WHERE owner_kind = $1 AND owner_id = $2 ORDER BY kind",
        ))
        .bind(owner_kind)
        .bind(owner_id);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(account_row).collect()
    }

    async fn insert_fund_account(&mut self, account: &FundAccount) -> Result<bool, StoreError> {
        let (owner_kind, owner_id) = owner_key(&account.owner);
        let statement = Statement::new(INSERT_ACCOUNT)
            .bind(&account.id.0)
            .bind(owner_kind)
            .bind(owner_id)
            .bind(account.kind.code())
            .bind(account.designated.micros())
            .bind(account.credit_limit.micros());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn cash_accounts_for_update(
        &mut self,
        owners: &[Owner],
    ) -> Result<Vec<FundAccount>, StoreError> {
        let ids_of = |owner_kind: &str| {
            let mut ids: Vec<&str> = owners
                .iter()
                .map(owner_key)
                .filter(|(kind, _)| *kind == owner_kind)
                .map(|(_, id)| id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let (partners, customers) = (ids_of("partner"), ids_of("customer"));
        let mut accounts = Vec::new();
        let n_chunks =
            partners.len().max(customers.len()).div_ceil(sql::MAX_ROWS_PER_STATEMENT).max(1);
        for n in 0..n_chunks {
            let (partners, customers) = (nth_chunk(&partners, n), nth_chunk(&customers, n));
            // One statement for both kinds of owner; `partner` sorts after `customer`, so
            // partners' accounts are locked first, each kind in id order.
            let mut statement =
                Statement::assemble(T::PLACEHOLDERS, &select_accounts("WHERE kind = "));
            statement.push_bind(AccountKind::Cash.code()).push(" AND (1 = 0");
            for (owner_kind, ids) in [("partner", partners), ("customer", customers)] {
                if ids.is_empty() {
                    continue;
                }
                statement
                    .push(" OR (owner_kind = ")
                    .push_bind(owner_kind)
                    .push(" AND owner_id IN (");
                statement.push_list(ids.iter().copied()).push("))");
            }
            statement.push(") ORDER BY owner_kind DESC, id").push(T::LOCK_ROWS);
            for row in self.connection().fetch_all(statement).await? {
                accounts.push(account_row(&row)?);
            }
        }
        Ok(accounts)
    }

    async fn post_transfers(&mut self, transfers: &[Transfer]) -> Result<(), StoreError> {
        if transfers.is_empty() {
            return Ok(());
        }
        // The only statement that writes a balance (the tidy test holds it here): completed by
        // `(id, delta)` rows, it moves each account's balance by its delta and tells the
        // balances after.
        const MOVE_BALANCES: &str = ") UPDATE fund_accounts SET balance_micros = balance_micros + \
             (SELECT moves.delta FROM moves WHERE moves.id = fund_accounts.id) \
             WHERE id IN (SELECT id FROM moves) RETURNING id, balance_micros";
        let overflow = |account: &str| sql::corrupt("fund_accounts.balance_micros", account);
        // Each account moves once, by the sum of its transfers, in id order.
        let mut deltas: BTreeMap<&str, i64> = BTreeMap::new();
        for transfer in transfers {
            for (account, delta) in sides(transfer) {
                let sum = deltas.entry(account).or_insert(0);
                *sum = sum.checked_add(delta).ok_or_else(|| overflow(account))?;
            }
        }
        let deltas: Vec<(&str, i64)> = deltas.into_iter().collect();
        // The balances after the move give, walking back by the deltas, the balances before
        // it; from those, each entry's balance right after it.
        let mut balances = HashMap::new();
        for chunk in deltas.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, "WITH moves (id, delta) AS (");
            statement
                .push_values(chunk, |(id, delta)| [(*id).into(), (*delta).into()])
                .push(MOVE_BALANCES);
            for row in self.connection().fetch_all(statement).await? {
                balances.insert(row.text("id")?, row.int("balance_micros")?);
            }
        }
        for (id, delta) in &deltas {
            let balance =
                balances.get_mut(*id).ok_or_else(|| sql::corrupt("transfers.account", id))?;
            *balance = balance.checked_sub(*delta).ok_or_else(|| overflow(id))?;
        }
        let mut entries = Vec::with_capacity(transfers.len() * 2);
        for transfer in transfers {
            for (account, delta) in sides(transfer) {
                let balance = balances
                    .get_mut(account)
                    .ok_or_else(|| sql::corrupt("transfers.account", account))?;
                *balance = balance.checked_add(delta).ok_or_else(|| overflow(account))?;
                entries.push((transfer, account, delta, *balance));
            }
        }
        for chunk in transfers.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, INSERT_TRANSFERS);
            statement.push_values(chunk, |t| {
                let parties = t.parties.as_ref();
                [
                    t.id.as_str().into(),
                    t.debit.0.as_str().into(),
                    t.credit.0.as_str().into(),
                    t.amount.micros().into(),
                    t.kind.code().into(),
                    t.at.millis().into(),
                    parties.map(|p| p.partner.0.as_str()).into(),
                    parties.map(|p| p.counterparty.as_str()).into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        for chunk in entries.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, INSERT_ENTRIES);
            statement.push_values(chunk, |(transfer, account, delta, after)| {
                [
                    transfer.id.as_str().into(),
                    (*account).into(),
                    (*delta).into(),
                    (*after).into(),
                    transfer.at.millis().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn balance_sum(&mut self) -> Result<Money, StoreError> {
        let row = self.connection().fetch_one(Statement::new(BALANCE_SUM)).await?;
        Ok(sql::money(row.int("total")?))
    }

    async fn accounts_off_their_ledger(&mut self) -> Result<Vec<AccountId>, StoreError> {
        let rows = self.connection().fetch_all(Statement::new(ACCOUNTS_OFF_THEIR_LEDGER)).await?;
        rows.iter().map(|row| Ok(AccountId(row.text("id")?))).collect()
    }

    async fn adjust_records(
        &mut self,
        partner: &PartnerId,
        filter: &AdjustRecordFilter,
        page: Page,
    ) -> Result<Paged<AdjustRecord>, StoreError> {
        let statement = |sql: String| {
            Statement::new(sql)
                .bind(partner.0.as_str())
                .bind(filter.counterparty.as_deref())
                .bind(filter.kind.map(TransferKind::code))
                .bind(filter.from.map(Timestamp::millis))
                .bind(filter.to.map(Timestamp::millis))
                .bind(filter.transfer_id.as_deref())
        };
        let (limit, offset) = sql::limit_offset(page);
        // A transfer's debit entry (its one negative entry) gives it its place in the order
        // money moved.
        let rows = statement(format!(
            "SELECT t.id, t.kind, t.amount_micros, t.at, t.counterparty_id, \
               COALESCE(c.account_name, p.name, '') AS counterparty_name, \
               COUNT(*) OVER () AS total \
             FROM transfers t \
             JOIN ledger_entries e ON e.transfer_id = t.id AND e.amount_micros < 0 \
             LEFT JOIN customers c ON c.id = t.counterparty_id \
             LEFT JOIN partners p ON p.id = t.counterparty_id \
             WHERE {ADJUST_RECORDS} ORDER BY t.at DESC, e.entry_no DESC LIMIT $7 OFFSET $8"
        ))
        .bind(limit)
        .bind(offset);
        let count = || {
            statement(format!("SELECT COUNT(*) AS total FROM transfers t WHERE {ADJUST_RECORDS}"))
        };
        sql::paged(self.connection(), rows, count, adjust_record_row).await
    }

    async fn ledger_entries(
        &mut self,
        account: &AccountId,
        filter: &LedgerEntryFilter,
        page: Page,
    ) -> Result<Paged<LedgerEntry>, StoreError> {
        let kinds: Option<Vec<&str>> =
            filter.kinds.as_ref().map(|k| k.iter().map(|k| k.code()).collect());
        if kinds.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Paged { total: 0, rows: Vec::new() });
        }
        let kinds: &[&str] = kinds.as_deref().unwrap_or(&[]);
        // At most a handful of kinds: spelled out as a list of placeholders.
        let kind_clause = if kinds.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 6)).collect();
            format!(" AND t.kind IN ({})", list.join(", "))
        };
        let direction: Option<i64> = filter.direction.map(|d| match d {
            Direction::Income => 1,
            Direction::Expense => -1,
        });
        let where_clause = format!(
            "e.account_id = $1 AND e.at >= $2 AND e.at <= $3 \
             AND ($4 IS NULL OR e.transfer_id = $4) \
             AND ($5 IS NULL OR ($5 > 0 AND e.amount_micros > 0) \
               OR ($5 < 0 AND e.amount_micros < 0)){kind_clause}"
        );
        let statement = |sql: String| {
            let mut statement = Statement::new(sql)
                .bind(account.0.as_str())
                .bind(filter.from.millis())
                .bind(filter.to.millis())
                .bind(filter.transfer_id.as_deref())
                .bind(direction);
            for kind in kinds {
                statement = statement.bind(*kind);
            }
            statement
        };
        let (limit, offset) = sql::limit_offset(page);
        let rows = statement(format!(
            "SELECT e.entry_no, e.transfer_id, e.account_id, e.amount_micros, \
               e.balance_after_micros, e.at, t.kind, t.counterparty_id, \
               COALESCE(c.account_name, p.name) AS counterparty_name, \
               COUNT(*) OVER () AS total \
             FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id \
             LEFT JOIN customers c ON c.id = t.counterparty_id \
             LEFT JOIN partners p ON p.id = t.counterparty_id \
             WHERE {where_clause} ORDER BY e.at DESC, e.entry_no DESC LIMIT ${} OFFSET ${}",
            6 + kinds.len(),
            7 + kinds.len()
        ))
        .bind(limit)
        .bind(offset);
        let count = || {
            statement(format!(
                "SELECT COUNT(*) AS total FROM ledger_entries e \
                 JOIN transfers t ON t.id = e.transfer_id WHERE {where_clause}"
            ))
        };
        sql::paged(self.connection(), rows, count, ledger_entry_row).await
    }
}

/// A transfer's two ledger sides: its debit account loses the amount, its credit account
/// gains it.
fn sides(transfer: &Transfer) -> [(&str, i64); 2] {
    [
        (transfer.debit.0.as_str(), -transfer.amount.micros()),
        (transfer.credit.0.as_str(), transfer.amount.micros()),
    ]
}

/// The `n`-th run of ids one statement carries; none past the last.
fn nth_chunk<'i, 'a>(ids: &'i [&'a str], n: usize) -> &'i [&'a str] {
    ids.chunks(sql::MAX_ROWS_PER_STATEMENT).nth(n).unwrap_or_default()
}
