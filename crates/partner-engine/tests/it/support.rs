//! A test engine: SQLite in a temporary folder, a fixed clock, sequential ids.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use partner_domain::Timestamp;
use partner_engine::{Caller, Clock, Engine, IdGen, Principal, world};

pub(crate) struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

#[derive(Default)]
pub(crate) struct SequentialIds(AtomicU64);

impl IdGen for SequentialIds {
    fn next_id(&self) -> String {
        format!("id{:06}", self.0.fetch_add(1, Ordering::Relaxed))
    }
}

pub(crate) struct TestEngine {
    pub(crate) engine: Engine,
    /// The engine's database, for tests that check what it holds (the engine opens no back
    /// door to it).
    pub(crate) store: Arc<dyn partner_store::Store>,
    pub(crate) backend: &'static str,
    _dir: tempfile::TempDir,
    /// The admin URL and the name of a PostgreSQL database to drop when done.
    postgres: Option<(String, String)>,
}

impl Drop for TestEngine {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(&drop).execute(&mut conn).await.unwrap();
            });
        })
        .join()
        .unwrap();
    }
}

/// 2026-01-15T00:00:00Z.
pub(crate) const JAN_15: Timestamp = Timestamp::from_millis(1_768_435_200_000);

impl TestEngine {
    pub(crate) async fn new() -> TestEngine {
        TestEngine::on("sqlite").await
    }

    /// An empty engine on `backend`: `sqlite`, or `postgres` in a fresh database.
    pub(crate) async fn on(backend: &'static str) -> TestEngine {
        let dir = tempfile::tempdir().unwrap();
        let (url, postgres) = match backend {
            "postgres" => {
                use sqlx::Connection;
                let admin = std::env::var("PARTNER_TEST_POSTGRES_URL").unwrap();
                let name = format!("pc_engine_{}", rand::random::<u64>());
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
                let (base, _) = admin.rsplit_once('/').unwrap();
                (format!("{base}/{name}"), Some((admin.clone(), name)))
            }
            _ => (format!("sqlite://{}/pc.db", dir.path().display()), None),
        };
        let store = partner_store::open(&url).await.unwrap();
        let engine = Engine::new(
            store.clone(),
            Arc::new(FixedClock(JAN_15)),
            Arc::new(SequentialIds::default()),
        );
        TestEngine { engine, store, backend, _dir: dir, postgres }
    }

    /// The backends this run tests: SQLite, and PostgreSQL when `PARTNER_TEST_POSTGRES_URL`
    /// names a server.
    pub(crate) fn backends() -> Vec<&'static str> {
        let mut all = vec!["sqlite"];
        if std::env::var("PARTNER_TEST_POSTGRES_URL").is_ok() {
            all.push("postgres");
        }
        all
    }

    /// An engine on `backend` holding the world `text`.
    pub(crate) async fn with(backend: &'static str, text: &str) -> TestEngine {
        let t = TestEngine::on(backend).await;
        let world = world::parse(text, world::Format::Toml).unwrap();
        t.engine.apply_world(&Caller::system(), &world).await.unwrap();
        t
    }

    /// An engine holding `WORLD`.
    pub(crate) async fn with_world() -> TestEngine {
        let t = TestEngine::new().await;
        let world = world::parse(WORLD, world::Format::Toml).unwrap();
        t.engine.apply_world(&Caller::system(), &world).await.unwrap();
        t
    }
}

pub(crate) fn partner(id: &str) -> Caller {
    caller(Principal::Partner(partner_domain::partners::PartnerId(id.into())))
}

pub(crate) fn customer(id: &str) -> Caller {
    caller(Principal::Customer(partner_domain::customers::CustomerId(id.into())))
}

pub(crate) fn operator(name: &str) -> Caller {
    caller(Principal::Operator(name.into()))
}

fn caller(principal: Principal) -> Caller {
    Caller { principal, member: None, source_ip: "127.0.0.1".into(), request_id: "req-1".into() }
}

/// A channel with two distributors, their resellers, a solution provider and customers.
pub(crate) const WORLD: &str = r#"
[clock]
mode = "manual"
now = "2026-02-01T00:00:00Z"

[[operators]]
name = "ops"
ak = "OPSAK000000000000001"
sk = "opssecret000000000000000000000000000001"

[[partners]]
id = "acme"
name = "acme-distribution"
kind = "distributor"
balance = "1000.50"
credit = "200.00"
coupon_quotas = [{ id = "q1", amount = "50.00" }]

[[partners]]
id = "bolt"
name = "bolt-cloud"
kind = "reseller"
parent = "acme"
ak = "BOLTAK00000000000001"
sk = "boltsecret0000000000000000000000000001"
balance = "20.00"

[[partners]]
id = "other"
name = "other-distribution"
kind = "distributor"

[[partners]]
id = "far"
name = "far-reseller"
kind = "reseller"
parent = "other"

[[partners]]
id = "nova"
name = "nova-solutions"
kind = "solution_provider"

[[customers]]
id = "c-acme-1"
name = "lighthouse-games"
partner = "acme"
balance = "10.00"

[[customers]]
id = "c-acme-2"
name = "harbor-labs"
partner = "acme"
association = "referral"

[[customers]]
id = "c-bolt-1"
name = "juniper-health"
partner = "bolt"

[[customers]]
id = "c-far-1"
name = "far-customer"
partner = "far"

[[customers]]
id = "c-nova-1"
name = "nova-customer"
partner = "nova"

[[catalog.prices]]
cloud_service_type = "hws.service.type.ec2"
resource_type = "hws.resource.type.vm"
resource_spec = "s6.small.1.linux"
region = "cn-north-4"
monthly = "32.20"

[[discounts]]
customer = "c-acme-1"
kind = "partner"
rate = "0.85"
"#;
