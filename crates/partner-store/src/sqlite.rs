//! The embedded default: SQLite in WAL mode, one file created with its folder.

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{
    Store, StoreError, Tx,
    sql::{Backend, Placeholders},
};

type Db = sqlx::Sqlite;

pub struct SqliteStore {
    pool: sqlx::SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Acknowledged means on disk: FULL syncs the WAL at every commit.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(30))
            // Group commits write batches of every size, each size its own statement text.
            .statement_cache_capacity(4096);
        if let Some(folder) = options.get_filename().parent()
            && !folder.as_os_str().is_empty()
        {
            std::fs::create_dir_all(folder)?;
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let mut tx =
            SqliteTx { tx: Connection::Transaction(pool.begin_with("BEGIN IMMEDIATE").await?) };
        crate::partners::fold_names(&mut tx).await?;
        crate::customers::fold_names(&mut tx).await?;
        crate::customers::key_mobiles(&mut tx).await?;
        Box::new(tx).commit().await?;
        Ok(SqliteStore { pool })
    }
}

pub(crate) struct SqliteTx {
    tx: Connection,
}

/// A write transaction, or a plain connection for reads: in WAL mode each read statement sees
/// one committed state, and skipping `BEGIN`/`COMMIT` saves two round trips to SQLite's
/// worker thread on every read operation.
enum Connection {
    Transaction(sqlx::Transaction<'static, Db>),
    Autocommit(sqlx::pool::PoolConnection<Db>),
}

impl std::ops::Deref for Connection {
    type Target = sqlx::SqliteConnection;

    fn deref(&self) -> &Self::Target {
        match self {
            Connection::Transaction(tx) => tx,
            Connection::Autocommit(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for Connection {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Connection::Transaction(tx) => tx,
            Connection::Autocommit(conn) => conn,
        }
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn write(&self) -> Result<Box<dyn Tx>, StoreError> {
        // IMMEDIATE takes the database's write lock at BEGIN, so a transaction never reads a
        // balance that another writer is about to change.
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Box::new(SqliteTx { tx: Connection::Transaction(tx) }))
    }

    async fn read(&self) -> Result<Box<dyn Tx>, StoreError> {
        let conn = self.pool.acquire().await?;
        Ok(Box::new(SqliteTx { tx: Connection::Autocommit(conn) }))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        if let Connection::Transaction(tx) = self.tx {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl Backend for SqliteTx {
    type Connection = sqlx::SqliteConnection;
    /// A SQLite write transaction holds the whole database from `BEGIN IMMEDIATE` on.
    const LOCK_ROWS: &'static str = "";
    const PLACEHOLDERS: Placeholders = Placeholders::Anonymous;

    fn connection(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }
}
