//! Partner Center's operations: one function per operation, the same for the API and the console.
//!
//! Every operation follows one skeleton: open a transaction, find the caller, check what it may
//! do (a `partner_domain` rule), load, decide (a `partner_domain` rule), persist, write the audit
//! event, commit. This crate knows no SQL (that is `partner-store`), no JSON field names, CBC
//! codes or HTTP statuses (that is `partner-http`). Time and ids come from [`Clock`] and
//! [`IdGen`], never from the system directly.

use std::sync::Arc;

use partner_domain::{
    Timestamp,
    audit::{Actor, AuditEvent},
    customers::{Customer, CustomerId},
    partners::{Partner, PartnerId},
    time::ClockSetting,
};
use partner_store::{Store, Tx};

pub mod access;
pub mod associations;
pub mod clock;
mod committer;
pub mod coupons;
pub mod customers;
pub mod divisions;
mod error;
pub mod funds;
pub mod members;
pub mod partners;
pub mod realname;
pub mod reports;
mod retry;
pub mod secrets;
pub mod verification;
pub mod world;

pub use error::{EngineError, Internal};

/// The wall clock or a test's fixed clock. The world's manual clock, kept in the database so
/// that every server of a cluster agrees, takes precedence over it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// Ids for entities the server creates itself.
pub trait IdGen: Send + Sync {
    fn next_id(&self) -> String;
}

/// The system's wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one place business time meets the wall clock.
    fn now(&self) -> Timestamp {
        let since_epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Timestamp::from_millis(i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX))
    }
}

/// Huawei-style ids: 32 lower-case hex digits.
pub struct RandomIds;

impl IdGen for RandomIds {
    fn next_id(&self) -> String {
        let bytes: [u8; 16] = rand::random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Who is calling, as the gateway authenticated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Partner(PartnerId),
    Customer(CustomerId),
    Operator(String),
    /// The command line, applying a world file.
    System,
}

/// The caller of one operation and where the call came from, for authorization and audit.
#[derive(Clone, Debug)]
pub struct Caller {
    pub principal: Principal,
    /// The partner's member (operator account) calling with its own key; `None` for a main
    /// account. It acts as its partner: the gateway has checked its permission items.
    pub member: Option<String>,
    pub source_ip: String,
    pub request_id: String,
}

impl Caller {
    /// Who the caller is, as one string: `partner:acme`.
    pub fn label(&self) -> String {
        let actor = self.actor();
        format!("{}:{}", actor.kind(), actor.id())
    }

    pub fn system() -> Caller {
        Caller {
            principal: Principal::System,
            member: None,
            source_ip: "local".into(),
            request_id: String::new(),
        }
    }

    fn actor(&self) -> Actor {
        match &self.principal {
            Principal::Partner(id) => match &self.member {
                // The audit trail says which member acted: `acme/alice`.
                Some(member) => Actor::Partner(format!("{id}/{member}")),
                None => Actor::Partner(id.0.clone()),
            },
            Principal::Customer(id) => Actor::Customer(id.0.clone()),
            Principal::Operator(name) => Actor::Operator(name.clone()),
            Principal::System => Actor::System,
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    credentials: Arc<access::CredentialCache>,
    committer: Arc<committer::Committer>,
    /// Seals secret keys at rest; `None` stores them as given (a sandbox without a server key).
    vault: Option<secrets::SecretVault>,
}

impl Engine {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, ids: Arc<dyn IdGen>) -> Engine {
        divisions::load();
        Engine {
            store,
            clock,
            ids,
            credentials: Arc::default(),
            committer: Arc::default(),
            vault: None,
        }
    }

    /// The same engine sealing the secret keys it stores with `vault` (and opening those sealed
    /// before).
    pub fn with_secret_vault(mut self, vault: secrets::SecretVault) -> Engine {
        self.vault = Some(vault);
        self
    }

    /// A secret key as it is to be stored: sealed when the server has a key.
    fn stored_secret(&self, ak: &str, secret: &str) -> Result<String, EngineError> {
        match &self.vault {
            Some(vault) => vault.seal(ak, secret),
            None => Ok(secret.to_owned()),
        }
    }

    /// The same engine with room for `capacity` movements waiting for the group commit; more
    /// are shed with `EngineError::Overloaded` (default `4096`).
    pub fn with_committer_queue(mut self, capacity: usize) -> Engine {
        self.committer = Arc::new(committer::Committer::with_capacity(capacity));
        self
    }

    /// Business time: the world's manual clock when it has one, else the clock.
    async fn now(&self, tx: &mut dyn Tx) -> Result<Timestamp, EngineError> {
        Ok(self.business_time(tx.clock().await?))
    }

    fn business_time(&self, setting: Option<ClockSetting>) -> Timestamp {
        match setting {
            Some(ClockSetting::Manual(now)) => now,
            Some(ClockSetting::System) | None => self.clock.now(),
        }
    }

    /// The partner making the call; partner-only operations refuse everyone else.
    async fn calling_partner(
        &self,
        tx: &mut dyn Tx,
        caller: &Caller,
    ) -> Result<Partner, EngineError> {
        let Principal::Partner(id) = &caller.principal else {
            return Err(EngineError::OperationNotOpenToCaller);
        };
        tx.partner(id).await?.ok_or(EngineError::OperationNotOpenToCaller)
    }

    /// The calling partner, checked against `rule` in a read transaction of its own: a mutation
    /// calls this before it takes the write lock, so that a caller the rule refuses never holds
    /// it.
    async fn authorized_partner(
        &self,
        caller: &Caller,
        rule: fn(&Partner) -> Result<(), partner_domain::partners::PartnerError>,
    ) -> Result<Partner, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        rule(&partner)?;
        Ok(partner)
    }

    /// The customer making the call; customer-only operations refuse everyone else.
    async fn calling_customer(
        &self,
        tx: &mut dyn Tx,
        caller: &Caller,
    ) -> Result<Customer, EngineError> {
        let Principal::Customer(id) = &caller.principal else {
            return Err(EngineError::OperationNotOpenToCaller);
        };
        tx.customer(id).await?.ok_or(EngineError::OperationNotOpenToCaller)
    }

    fn calling_operator<'c>(&self, caller: &'c Caller) -> Result<&'c str, EngineError> {
        match &caller.principal {
            Principal::Operator(name) => Ok(name),
            Principal::System => Ok("system"),
            _ => Err(EngineError::OperationNotOpenToCaller),
        }
    }

    /// Records a mutating operation's event inside its own transaction.
    async fn audit(
        &self,
        tx: &mut dyn Tx,
        caller: &Caller,
        at: Timestamp,
        operation: &str,
        target: String,
    ) -> Result<(), EngineError> {
        self.audit_in(tx, caller, at, operation, target, "success").await
    }

    /// Records an operation's event, with its result, inside `tx`.
    async fn audit_in(
        &self,
        tx: &mut dyn Tx,
        caller: &Caller,
        at: Timestamp,
        operation: &str,
        target: String,
        result: &str,
    ) -> Result<(), EngineError> {
        tx.insert_audit_event(&self.audit_event(caller, at, operation, target, result)).await?;
        Ok(())
    }

    /// Records a refused mutating operation: its effect was rolled back, its attempt is not.
    pub async fn audit_refusal(
        &self,
        caller: &Caller,
        operation: &str,
        target: String,
        err: &EngineError,
    ) {
        let res: Result<(), EngineError> = async {
            let mut tx = self.store.write().await?;
            let at = self.now(&mut *tx).await?;
            self.audit_in(&mut *tx, caller, at, operation, target, err.rule()).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(audit_err) = res {
            tracing::error!(error = %audit_err, operation, "could not record a refused operation");
        }
    }

    /// One audit event: who, from where, which operation, on what, with which result, when.
    fn audit_event(
        &self,
        caller: &Caller,
        at: Timestamp,
        operation: &str,
        target: String,
        result: &str,
    ) -> AuditEvent {
        AuditEvent {
            id: self.ids.next_id(),
            at,
            actor: caller.actor(),
            source_ip: caller.source_ip.clone(),
            request_id: caller.request_id.clone(),
            operation: operation.to_owned(),
            target,
            result: result.to_owned(),
        }
    }

    /// Whether the database answers.
    pub async fn health(&self) -> Result<(), EngineError> {
        Ok(self.store.ping().await?)
    }

    /// The newest audit events, for operators and tests.
    pub async fn recent_audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, EngineError> {
        let mut tx = self.store.read().await?;
        Ok(tx.audit_events(limit).await?)
    }
}
