//! Access keys: authenticating a key and the operator operations that issue and revoke them.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Mutex,
    time::{Duration, Instant},
};

use partner_domain::{
    Timestamp,
    access::{self, AccessKey, OwnerKind},
    customers::CustomerId,
    members,
    partners::PartnerId,
};

use crate::{Caller, Engine, EngineError, Principal};

/// A live access key and whom it speaks for.
#[derive(Clone, Debug)]
pub struct Credential {
    pub sk: String,
    pub principal: Principal,
    /// For a member's key: the member, who acts as its partner with its roles' items only.
    pub member: Option<MemberGrant>,
}

/// A partner's member (operator account) and every permission item its roles hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberGrant {
    pub name: String,
    pub permissions: BTreeSet<String>,
}

/// How long a key read from the database is trusted before it is read again. A key revoked on
/// this server stops working at once; on the other servers of a cluster, within this time.
const CREDENTIAL_TTL: Duration = Duration::from_secs(2);

/// Keys recently read, so that the signature check of a busy client does not cost a database
/// round trip per request. Unknown keys are remembered too (as `None`): a stranger guessing
/// keys costs one look-up per key and TTL, not one per request.
#[derive(Default)]
pub(crate) struct CredentialCache {
    entries: Mutex<HashMap<String, (Option<Credential>, Instant)>>,
}

/// Past this many keys the cache forgets the expired ones.
const CACHE_SWEEP_AT: usize = 10_000;

impl CredentialCache {
    /// `Some(None)`: known not to exist, lately.
    fn get(&self, ak: &str, now: Instant) -> Option<Option<Credential>> {
        let entries = self.entries.lock().ok()?;
        let (credential, read_at) = entries.get(ak)?;
        (now.saturating_duration_since(*read_at) < CREDENTIAL_TTL).then(|| credential.clone())
    }

    fn put(&self, ak: &str, credential: Option<&Credential>, now: Instant) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CACHE_SWEEP_AT {
                entries.retain(|_, (_, at)| now.saturating_duration_since(*at) < CREDENTIAL_TTL);
            }
            entries.insert(ak.to_owned(), (credential.cloned(), now));
        }
    }

    fn forget(&self, ak: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(ak);
        }
    }

    /// Forgets every key: after a world added some.
    pub(crate) fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// The account an access key belongs to, as IAM's `GET /v3/auth/domains` shows it.
#[derive(Clone, Debug)]
pub struct Domain {
    pub id: String,
    pub name: String,
}

impl Engine {
    /// The live key with this id, for the gateway to verify a signature with.
    pub async fn credential(&self, ak: &str) -> Result<Option<Credential>, EngineError> {
        let now = Instant::now();
        if let Some(credential) = self.credentials.get(ak, now) {
            return Ok(credential);
        }
        let mut tx = self.store.read().await?;
        let Some(key) = tx.access_key(ak).await?.filter(|k| k.revoked_at.is_none()) else {
            self.credentials.put(ak, None, now);
            return Ok(None);
        };
        let principal = match key.owner_kind {
            OwnerKind::Partner => Principal::Partner(PartnerId(key.owner_id)),
            OwnerKind::Customer => Principal::Customer(CustomerId(key.owner_id)),
            OwnerKind::Operator => Principal::Operator(key.owner_id),
        };
        let member = match (&principal, &key.member) {
            (Principal::Partner(partner), Some(name)) => {
                let Some(member) = tx.member(partner, name).await? else {
                    // A key of a member that is gone speaks for nobody.
                    self.credentials.put(ak, None, now);
                    return Ok(None);
                };
                let roles = tx.roles_of(partner).await?;
                Some(MemberGrant {
                    name: name.clone(),
                    permissions: members::grant(&member, &roles),
                })
            }
            _ => None,
        };
        let sk = crate::secrets::open(self.vault.as_ref(), &key.ak, key.sk)?;
        let credential = Credential { sk, principal, member };
        self.credentials.put(ak, Some(&credential), now);
        Ok(Some(credential))
    }

    /// The caller's own account: what IAM answers the SDK when it looks up its domain id.
    pub async fn show_domain(&self, caller: &Caller) -> Result<Domain, EngineError> {
        let mut tx = self.store.read().await?;
        match &caller.principal {
            Principal::Partner(_) => {
                let partner = self.calling_partner(&mut *tx, caller).await?;
                Ok(Domain { id: partner.id.0, name: partner.name })
            }
            Principal::Customer(_) => {
                let customer = self.calling_customer(&mut *tx, caller).await?;
                Ok(Domain { id: customer.id.0, name: customer.account_name })
            }
            Principal::Operator(name) => Ok(Domain { id: name.clone(), name: name.clone() }),
            Principal::System => Err(EngineError::OperationNotOpenToCaller),
        }
    }

    /// Issues a new key pair for an existing partner, customer or operator. The secret is
    /// returned here once and never shown again.
    pub async fn create_access_key(
        &self,
        caller: &Caller,
        owner_kind: OwnerKind,
        owner_id: &str,
        member: Option<&str>,
    ) -> Result<AccessKey, EngineError> {
        self.calling_operator(caller)?;
        let target = match member {
            Some(name) => format!("{}:{owner_id}/{name}", owner_kind.code()),
            None => format!("{}:{owner_id}", owner_kind.code()),
        };
        let res = async {
            let mut tx = self.store.write().await?;
            let exists = match owner_kind {
                OwnerKind::Partner => tx.partner(&PartnerId(owner_id.to_owned())).await?.is_some(),
                OwnerKind::Customer => {
                    tx.customer(&CustomerId(owner_id.to_owned())).await?.is_some()
                }
                OwnerKind::Operator => tx.operator_exists(owner_id).await?,
            };
            if !exists {
                return Err(EngineError::UnknownOwner {
                    kind: owner_kind.code(),
                    id: owner_id.to_owned(),
                });
            }
            if let Some(name) = member {
                let partner = PartnerId(owner_id.to_owned());
                let found =
                    owner_kind == OwnerKind::Partner && tx.member(&partner, name).await?.is_some();
                if !found {
                    let id = format!("{owner_id}/{name}");
                    return Err(EngineError::UnknownOwner { kind: "member", id });
                }
            }
            let now = self.now(&mut *tx).await?;
            let key = AccessKey {
                ak: self.ids.next_id().to_uppercase().chars().take(20).collect(),
                sk: format!("{}{}", self.ids.next_id(), self.ids.next_id())
                    .chars()
                    .take(40)
                    .collect(),
                owner_kind,
                owner_id: owner_id.to_owned(),
                member: member.map(str::to_owned),
                created_at: now,
                revoked_at: None,
            };
            access::check_access_key(&key.ak, &key.sk)?;
            let stored = AccessKey { sk: self.stored_secret(&key.ak, &key.sk)?, ..key.clone() };
            tx.insert_access_key(&stored).await?;
            self.audit(&mut *tx, caller, now, "CreateAccessKey", format!("access_key:{}", key.ak))
                .await?;
            tx.commit().await?;
            self.credentials.forget(&key.ak);
            Ok(key)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "CreateAccessKey", target, err).await;
        }
        res
    }

    /// Every key, without secrets.
    pub async fn list_access_keys(&self, caller: &Caller) -> Result<Vec<AccessKey>, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.read().await?;
        let mut keys = tx.access_keys().await?;
        for key in &mut keys {
            key.sk.clear();
        }
        Ok(keys)
    }

    /// Revokes a live key: every request signed with it fails from now on.
    pub async fn revoke_access_key(
        &self,
        caller: &Caller,
        ak: &str,
    ) -> Result<Timestamp, EngineError> {
        self.calling_operator(caller)?;
        let target = format!("access_key:{ak}");
        let res = async {
            let mut tx = self.store.write().await?;
            let now = self.now(&mut *tx).await?;
            if !tx.revoke_access_key(ak, now).await? {
                return Err(EngineError::UnknownAccessKey(ak.to_owned()));
            }
            self.audit(&mut *tx, caller, now, "RevokeAccessKey", target.clone()).await?;
            tx.commit().await?;
            self.credentials.forget(ak);
            Ok(now)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "RevokeAccessKey", target, err).await;
        }
        res
    }
}
