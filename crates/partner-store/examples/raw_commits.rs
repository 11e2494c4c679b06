//! The database's bare commit rate, the yardstick of `bench/funds`: N concurrent clients, each
//! committing single-row updates of its own row, with the durability Partner Center uses
//! (SQLite: WAL, `synchronous=FULL`; PostgreSQL: its defaults).
//!
//! `cargo run --release -p partner-store --example raw_commits -- URL SECONDS CLIENTS`

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::{
    str::FromStr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::{
    Executor,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// One row per client, then every client commits single-row updates of its row until the
/// deadline. A macro, because the two pools are different types with the same methods.
macro_rules! hammer {
    ($pool:expr, $clients:expr, $deadline:expr, $commits:expr) => {{
        let pool = $pool;
        pool.execute(
            "CREATE TABLE IF NOT EXISTS raw_commit_rows (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)",
        )
        .await
        .unwrap();
        for id in 0..$clients {
            sqlx::query("INSERT INTO raw_commit_rows VALUES ($1, 0) ON CONFLICT DO NOTHING")
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
        let tasks: Vec<_> = (0..$clients)
            .map(|id| {
                let (pool, commits) = (pool.clone(), $commits.clone());
                tokio::spawn(async move {
                    while Instant::now() < $deadline {
                        sqlx::query("UPDATE raw_commit_rows SET value = value + 1 WHERE id = $1")
                            .bind(id)
                            .execute(&pool)
                            .await
                            .unwrap();
                        commits.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    }};
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).expect("usage: raw_commits URL SECONDS CLIENTS").clone();
    let seconds: u64 = args.get(2).map_or(10, |s| s.parse().unwrap());
    let clients: i64 = args.get(3).map_or(64, |s| s.parse().unwrap());
    let commits = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.unwrap();
        hammer!(pool, clients, deadline, commits);
    } else {
        let pool = PgPoolOptions::new()
            .max_connections(u32::try_from(clients).unwrap())
            .connect(&url)
            .await
            .unwrap();
        hammer!(pool, clients, deadline, commits);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = commits.load(Ordering::Relaxed);
    println!(
        "raw_commits url_kind={} clients={clients} commits={n} seconds={elapsed:.2} per_second={:.0}",
        url.split(':').next().unwrap_or(""),
        n as f64 / elapsed
    );
}
