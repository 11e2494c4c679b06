//! The production backend: PostgreSQL, shared by any number of stateless servers.

use async_trait::async_trait;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::{
    Store, StoreError, Tx,
    sql::{Backend, Placeholders},
};

type Db = sqlx::Postgres;

pub struct PostgresStore {
    pool: sqlx::PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        // Group commits write batches of every size from 1 to hundreds, each size its own
        // statement text: keep them all prepared rather than re-preparing on every batch.
        let options = PgConnectOptions::from_str(url)?.statement_cache_capacity(4096);
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        // Migrations take an advisory lock, so servers starting together migrate once.
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let mut tx = PostgresTx { tx: pool.begin().await? };
        crate::partners::fold_names(&mut tx).await?;
        crate::customers::fold_names(&mut tx).await?;
        crate::customers::key_mobiles(&mut tx).await?;
        Box::new(tx).commit().await?;
        Ok(PostgresStore { pool })
    }
}

pub(crate) struct PostgresTx {
    tx: sqlx::Transaction<'static, Db>,
}

#[async_trait]
impl Store for PostgresStore {
    async fn write(&self) -> Result<Box<dyn Tx>, StoreError> {
        // Writers lock the rows they change (balances are updated in place with
        // `balance_micros + $1`), so READ COMMITTED never loses an update.
        let tx = self.pool.begin().await?;
        Ok(Box::new(PostgresTx { tx }))
    }

    async fn read(&self) -> Result<Box<dyn Tx>, StoreError> {
        let tx = self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
        Ok(Box::new(PostgresTx { tx }))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

#[async_trait]
impl Tx for PostgresTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Backend for PostgresTx {
    type Connection = sqlx::PgConnection;
    /// Rows are locked one by one: a writer locks what it will change.
    const LOCK_ROWS: &'static str = " FOR UPDATE";
    const PLACEHOLDERS: Placeholders = Placeholders::Numbered;

    fn connection(&mut self) -> &mut sqlx::PgConnection {
        &mut self.tx
    }
}
