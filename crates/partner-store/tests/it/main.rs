//! The store contract: every backend passes the same story, one file per business domain
//! (`partners.rs`, `funds.rs`, …), and `tidy.rs` checks that every `Tx` method is in one.
//! SQLite always; PostgreSQL when `PARTNER_TEST_POSTGRES_URL` names a server (each test gets a
//! fresh database on it, dropped when the test ends).

// Test helpers outside `#[test]` functions may unwrap and index too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod access;
mod associations;
mod audit;
mod catalog;
mod clock;
mod coupons;
mod customers;
mod funds;
mod idempotency;
mod members;
mod partners;
mod realname;
mod reports;
mod tidy;
mod verification;

use std::sync::Arc;

use partner_domain::{
    Money, Timestamp,
    customers::{Association, AssociationType, Customer, CustomerId, CustomerType, VerifiedStatus},
    funds::{AccountId, AccountKind, FundAccount, Owner, Transfer, TransferKind},
    paging::{Page, PageRules},
    partners::{Partner, PartnerId, PartnerKind},
};
use partner_store::Store;

/// A store under test and what keeps its database alive.
struct Backend {
    name: &'static str,
    store: Arc<dyn Store>,
    /// Where the store is, to open it again or to reach under it.
    url: String,
    _dir: Option<tempfile::TempDir>,
    /// The admin URL and the name of a PostgreSQL database to drop when done.
    postgres: Option<(String, String)>,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            });
        })
        .join()
        .unwrap();
    }
}

async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/pc.db", dir.path().display());
    let store = partner_store::open(&url).await.unwrap();
    let mut all = vec![Backend { name: "sqlite", store, url, _dir: Some(dir), postgres: None }];
    if let Ok(admin) = std::env::var("PARTNER_TEST_POSTGRES_URL") {
        use sqlx::Connection;
        let name = format!("pc_store_{}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        let store = partner_store::open(&url).await.unwrap();
        all.push(Backend {
            name: "postgres",
            store,
            url,
            _dir: None,
            postgres: Some((admin, name)),
        });
    }
    all
}

fn partner(id: &str, kind: PartnerKind, parent: Option<&str>, on: i64) -> Partner {
    Partner {
        id: PartnerId(id.into()),
        name: format!("{id} name"),
        kind,
        parent: parent.map(|p| PartnerId(p.into())),
        email: Some(format!("{id}@example.com")),
        mobile_phone: None,
        associated_on: Timestamp::from_millis(on),
        xaccount_types: vec!["idp-a".into(), "idp-b".into()],
        realname_attachments: true,
    }
}

fn customer(id: &str, partner: &str, on: i64) -> Customer {
    Customer {
        id: CustomerId(id.into()),
        account_name: id.into(),
        association: Some(Association {
            partner: PartnerId(partner.into()),
            kind: AssociationType::Referral,
            associated_on: Timestamp::from_millis(on),
        }),
        email: None,
        mobile_phone: Some("13800000000".into()),
        country: "CN".into(),
        label: Some("Spring".into()),
        real_name: None,
        xaccount_id: None,
        xaccount_type: None,
        verified_status: VerifiedStatus::Verified,
        customer_type: CustomerType::Enterprise,
        frozen: 0,
        level: "V3".into(),
        marketing_messages: false,
    }
}

fn cash(id: &str, owner: Owner) -> FundAccount {
    FundAccount {
        id: AccountId(id.into()),
        owner,
        kind: AccountKind::Cash,
        balance: Money::ZERO,
        designated: Money::ZERO,
        credit_limit: Money::ZERO,
    }
}

fn transfer(id: &str, from: &str, to: &str, micros: i64) -> Transfer {
    Transfer {
        id: id.into(),
        debit: AccountId(from.into()),
        credit: AccountId(to.into()),
        amount: Money::from_micros(micros),
        kind: TransferKind::Opening,
        at: Timestamp::from_millis(7),
        parties: None,
    }
}

fn page(offset: i64, limit: i64) -> Page {
    PageRules::FUND_RECORDS.page(Some(offset), Some(limit)).unwrap()
}

/// Names that a fuzzy filter in SQL could get wrong: `LIKE`'s wildcards and escape, ASCII and
/// non-ASCII case (Turkish dotted I, final sigma, the Kelvin sign, ß, full-width letters),
/// scripts without case, and spaces.
const TRICKY_NAMES: [&str; 20] = [
    "Lighthouse-Games",
    "LIGHT_house",
    "light%house",
    "50%off",
    "a_b",
    "axb",
    "a\\b",
    "back\\\\slash",
    "Ärzte GmbH",
    "ärzte",
    "ÉCOLE",
    "école",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "北京云科技",
    "ＦＵＬＬ",
    "\u{212A}elvin",
    "Straße",
    "STRASSE",
    "x",
];

/// Patterns to filter `TRICKY_NAMES` with: the table's own tricks, then pieces of every name
/// in their own, upper and lower case.
fn tricky_patterns() -> Vec<String> {
    let mut patterns: Vec<String> = [
        "",
        " ",
        "with space",
        "%",
        "_",
        "\\",
        "\\\\",
        "%%",
        "a_b",
        "a%b",
        "a\\b",
        "50%",
        "_h",
        "light",
        "LIGHT",
        "ä",
        "Ä",
        "ÄRZ",
        "é",
        "É",
        "i̇",
        "i",
        "I",
        "σ",
        "ς",
        "Σ",
        "ΣΥΦ",
        "北京",
        "ｆｕｌｌ",
        "k",
        "K",
        "\u{212A}",
        "ss",
        "SS",
        "ß",
        "ẞ",
        "?",
        "*",
        "[a]",
        "'",
        "x",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for name in TRICKY_NAMES {
        let chars: Vec<char> = name.chars().collect();
        let n = chars.len();
        for piece in [&chars[..n.min(2)], &chars[n.saturating_sub(2)..], &chars[n / 2..n / 2 + 1]] {
            let piece: String = piece.iter().collect();
            patterns.extend([piece.to_uppercase(), piece.to_lowercase(), piece]);
        }
    }
    patterns.sort();
    patterns.dedup();
    patterns
}

/// Runs `sql` on a backend's database directly, as an older version of the store would.
async fn under_the_store(b: &Backend, sql: &str) {
    use sqlx::Connection;
    if b.name == "postgres" {
        let mut conn = sqlx::PgConnection::connect(&b.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&b.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}
