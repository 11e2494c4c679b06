//! Customer operations: a partner's view of its sub-customers.

use partner_domain::{
    Money,
    customers::{
        self, Association, Customer, CustomerId, CustomerType, RegistrationConflicts,
        RegistrationRequest, SubCustomerFilter, UserIdentity, VerifiedStatus,
    },
    funds::{AccountKind, Owner},
    paging::{PageRules, Paged},
    partners,
    verification::{self, Scene},
};
use partner_store::{IdempotentResult, StoreError};
use sha2::{Digest, Sha256};

use crate::{Caller, Engine, EngineError, Internal, retry};

const CREATE: &str = "CreateSubCustomer";

/// `ListSubCustomerNewTag` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct NewCustomerTagQuery {
    /// `None` or empty: every customer of the acting partner.
    pub customer_ids: Option<Vec<String>>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// How many ids one `ListSubCustomerNewTag` may name.
pub const MAX_TAG_QUERY_IDS: usize = 200;

/// `CreateSubCustomer` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct SubCustomerRegistration {
    pub registration: RegistrationRequest,
    pub indirect_partner_id: Option<String>,
    /// Whether the caller waits for the association's outcome. Association is part of the
    /// registration here, so the answer always carries it.
    pub include_association_result: bool,
}

impl SubCustomerRegistration {
    /// What a retry with the same idempotency key must repeat exactly: every field,
    /// length-prefixed; the password and code only as their SHA-256, so that no secret is kept.
    fn fingerprint(&self) -> String {
        let r = &self.registration;
        let field = |text: Option<&str>| match text {
            None => "-".to_owned(),
            Some(text) => format!("{}:{text}", text.len()),
        };
        let secret = |text: Option<&str>| text.map(|t| hex::encode(Sha256::digest(t.as_bytes())));
        [
            field(Some(&r.xaccount_id)),
            field(Some(&r.xaccount_type)),
            field(r.domain_name.as_deref()),
            field(r.mobile_phone.as_deref()),
            field(secret(r.verification_code.as_deref()).as_deref()),
            field(secret(r.password.as_deref()).as_deref()),
            field(r.is_close_market_ms.as_deref()),
            field(r.cooperation_type.as_deref()),
            field(self.indirect_partner_id.as_deref()),
        ]
        .into_iter()
        .fold(format!("v1|{CREATE}"), |print, f| format!("{print}|{f}"))
    }

    fn target(&self) -> String {
        let r = &self.registration;
        format!("xaccount:{}/{}", r.xaccount_type, r.xaccount_id)
    }
}

/// The customer `CreateSubCustomer` registered: its account id and login name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredCustomer {
    pub domain_id: CustomerId,
    pub domain_name: String,
}

/// One try at a registration.
enum Attempt {
    Registered(RegisteredCustomer),
    /// A concurrent registration of the same user or name committed first: decide again.
    Collided,
}

/// How many times a registration that collided with a concurrent one is decided again (it then
/// sees the other one committed, and refuses with the rule it broke).
const COLLISION_RETRIES: usize = 3;

/// `CheckUserIdentity` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct UserIdentityQuery {
    pub search_type: String,
    pub search_value: String,
}

/// `ListSubCustomers` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct SubCustomerQuery {
    pub filter: SubCustomerFilter,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

impl Engine {
    /// `ListSubCustomers`: the customers of the caller, or of one of its resellers.
    pub async fn list_sub_customers(
        &self,
        caller: &Caller,
        query: SubCustomerQuery,
    ) -> Result<Paged<Customer>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let page = PageRules::PARTNER_LISTS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        Ok(tx.sub_customers(&acting.id, &query.filter, page).await?)
    }

    /// `ListSubCustomerNewTag`: the new-customer tag of the acting partner's customers (those
    /// named, or all), a page at a time; ids that are not its customers are left out.
    pub async fn list_sub_customer_new_tag(
        &self,
        caller: &Caller,
        query: NewCustomerTagQuery,
    ) -> Result<Vec<(CustomerId, Option<customers::NewCustomerTagging>)>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let ids = query.customer_ids.unwrap_or_default();
        if ids.len() > MAX_TAG_QUERY_IDS {
            let reason = format!("at most {MAX_TAG_QUERY_IDS} ids");
            return Err(EngineError::InvalidParameter { field: "customer_ids", reason });
        }
        let page = PageRules::NEW_CUSTOMER_TAGS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        let paged = if ids.is_empty() {
            tx.sub_customers(&acting.id, &SubCustomerFilter::default(), page).await?
        } else {
            let ids: Vec<CustomerId> = ids.into_iter().map(CustomerId).collect();
            tx.sub_customers_among(&acting.id, &ids, page).await?
        };
        let now = self.now(&mut *tx).await?;
        // No operation consumes cash yet (orders come later): an eligible customer is
        // UNDETERMINED until then.
        let has_consumption = false;
        Ok(paged
            .rows
            .into_iter()
            .map(|c| {
                let tag = customers::new_customer_tag(&c, has_consumption, now);
                (c.id, tag)
            })
            .collect())
    }

    /// `CheckUserIdentity`: whether a login name, e-mail address or mobile number may register
    /// a new account (for a mobile, how many more).
    pub async fn check_user_identity(
        &self,
        caller: &Caller,
        query: UserIdentityQuery,
    ) -> Result<customers::IdentityCheck, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let identity = customers::user_identity(&query.search_type, &query.search_value)?;
        let n_accounts = tx.accounts_with_identity(&identity).await?;
        Ok(customers::check_identity(&identity, n_accounts))
    }

    /// `CreateSubCustomer`: registers a customer for a user of the partner's sales platform and
    /// associates it with the caller, or with the caller's reseller (`indirect_partner_id`).
    pub async fn create_sub_customer(
        &self,
        caller: &Caller,
        request: SubCustomerRegistration,
        retry: retry::RetryKeys,
    ) -> Result<RegisteredCustomer, EngineError> {
        let mut res = Err(EngineError::Internal(Internal::bug("registration kept colliding")));
        for _ in 0..COLLISION_RETRIES {
            match self.try_create_sub_customer(caller, &request, &retry).await {
                Ok(Attempt::Collided) => continue,
                Ok(Attempt::Registered(customer)) => res = Ok(customer),
                Err(err) => res = Err(err),
            }
            break;
        }
        if let Err(err) = &res {
            self.audit_refusal(caller, CREATE, request.target(), err).await;
        }
        res
    }

    async fn try_create_sub_customer(
        &self,
        caller: &Caller,
        request: &SubCustomerRegistration,
        retry: &retry::RetryKeys,
    ) -> Result<Attempt, EngineError> {
        let partner = self.authorized_partner(caller, partners::may_manage_sub_customers).await?;
        let mut tx = self.store.write().await?;
        let fingerprint = request.fingerprint();
        if let Some(id) = retry::first_answer(&mut *tx, caller, retry, CREATE, &fingerprint).await?
        {
            let customer = tx.customer(&CustomerId(id)).await?;
            let customer = customer.ok_or(Internal::bug("a remembered customer is gone"))?;
            let registered =
                RegisteredCustomer { domain_id: customer.id, domain_name: customer.account_name };
            return Ok(Attempt::Registered(registered));
        }
        let acting = self
            .acting_partner(&mut *tx, partner.clone(), request.indirect_partner_id.as_deref())
            .await?;
        // 32 characters, as the real system's generated names: a prefix and a fresh id.
        let generated: String =
            format!("pc_{:0>29}", self.ids.next_id()).chars().take(32).collect();
        let registration =
            customers::registration(&request.registration, &partner.xaccount_types, generated)?;
        let name = UserIdentity::Name(registration.account_name.clone());
        let accounts_with_mobile = match &registration.mobile {
            Some(mobile) => {
                tx.accounts_with_identity(&UserIdentity::Mobile(mobile.clone())).await?
            }
            None => 0,
        };
        let conflicts = RegistrationConflicts {
            xaccount_bound: tx
                .xaccount_bound(&registration.xaccount_type, &registration.xaccount_id)
                .await?,
            accounts_with_name: tx.accounts_with_identity(&name).await?,
            accounts_with_mobile,
        };
        customers::may_register(&registration, conflicts)?;
        let now = self.now(&mut *tx).await?;
        if let (Some(mobile), Some(given)) = (&registration.mobile, &registration.verification_code)
        {
            let latest =
                tx.latest_verification_code(&partner.id, mobile, Scene::Registration, None).await?;
            if let Err(err) = verification::check_code(latest.as_ref(), given, now) {
                if let Some(code) =
                    latest.filter(|c| verification::is_failed_attempt(Some(c), &err))
                {
                    // The failed attempt counts although the registration is refused.
                    tx.record_failed_verification(&code.id).await?;
                    tx.commit().await?;
                }
                return Err(err.into());
            }
            let code = latest.ok_or(Internal::bug("an accepted code is gone"))?;
            if !tx.use_verification_code(&code.id, now).await? {
                return Err(verification::VerificationError::CodeWrong.into());
            }
        }
        let customer = Customer {
            id: CustomerId(self.ids.next_id()),
            account_name: registration.account_name,
            association: Some(Association {
                partner: acting.id.clone(),
                kind: registration.association,
                associated_on: now,
            }),
            email: None,
            mobile_phone: registration.mobile,
            country: "CN".to_owned(),
            label: None,
            real_name: None,
            xaccount_id: Some(registration.xaccount_id),
            xaccount_type: Some(registration.xaccount_type),
            verified_status: VerifiedStatus::Unverified,
            customer_type: CustomerType::Unset,
            frozen: 0,
            level: "V0".to_owned(),
            marketing_messages: registration.marketing_messages,
        };
        match tx.insert_customer(&customer).await {
            Ok(true) => {}
            Ok(false) => return Err(Internal::bug("a new customer id is taken").into()),
            Err(StoreError::Conflict { constraint }) => {
                // A concurrent registration of the same user or name committed first.
                tracing::debug!(constraint, "registration collided; deciding again");
                return Ok(Attempt::Collided);
            }
            Err(err) => return Err(err.into()),
        }
        let owner = Owner::Customer(customer.id.clone());
        self.open_account(&mut *tx, &owner, AccountKind::Cash, Money::ZERO, Money::ZERO, now)
            .await?;
        let first = IdempotentResult {
            operation: CREATE.to_owned(),
            fingerprint,
            result: customer.id.0.clone(),
        };
        retry::remember_answer(&mut *tx, caller, retry, first, now).await?;
        self.audit(&mut *tx, caller, now, CREATE, format!("customer:{}", customer.id)).await?;
        tx.commit().await?;
        let registered =
            RegisteredCustomer { domain_id: customer.id, domain_name: customer.account_name };
        Ok(Attempt::Registered(registered))
    }
}
