//! The four money movements (adjust and reclaim, to and from a customer or a reseller): one
//! path, parameterised by the direction and the counterparty.
//!
//! A movement is checked for its shape here (ids given, the amount a domain rule accepts),
//! then sent to the group commit (`committer.rs`), which authorizes and decides it against
//! the locked balances with `authorize_move` and `decide_move`.

use std::collections::HashMap;

use partner_domain::{
    Money, Timestamp,
    customers::{Customer, CustomerId},
    funds::{self, AdjustParties, FundAccount, Owner, Transfer, TransferKind},
    partners::{self, Partner, PartnerError},
};
use rust_decimal::Decimal;

use crate::{Caller, Engine, EngineError, Internal, Principal, retry::RetryKeys};

/// `UpdateCustomerAccountAmount` and `ReclaimToPartnerAccount` as the request gives them: the
/// acting partner moves `amount` to or from its customer.
#[derive(Clone, Debug)]
pub struct CustomerFundsMove {
    pub customer_id: String,
    pub amount: Decimal,
    pub indirect_partner_id: Option<String>,
}

/// `UpdateIndirectPartnerAccount` and `ReclaimIndirectPartnerAccount` as the request gives
/// them: a distributor moves `amount` to or from its reseller.
#[derive(Clone, Debug)]
pub struct ResellerFundsMove {
    pub indirect_partner_id: String,
    pub amount: Decimal,
}

impl From<CustomerFundsMove> for (Counterparty, Decimal) {
    fn from(request: CustomerFundsMove) -> Self {
        let CustomerFundsMove { customer_id, amount, indirect_partner_id } = request;
        (Counterparty::Customer { customer_id, indirect_partner_id }, amount)
    }
}

impl From<ResellerFundsMove> for (Counterparty, Decimal) {
    fn from(request: ResellerFundsMove) -> Self {
        let ResellerFundsMove { indirect_partner_id, amount } = request;
        (Counterparty::Reseller { indirect_partner_id }, amount)
    }
}

/// Whom the acting partner moves money with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Counterparty {
    /// A customer of the caller, or of the caller's reseller `indirect_partner_id`.
    Customer { customer_id: String, indirect_partner_id: Option<String> },
    /// A reseller of the calling distributor.
    Reseller { indirect_partner_id: String },
}

/// A well-formed movement: `Adjust` pays the counterparty, `Reclaim` takes from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FundMove {
    pub(crate) kind: TransferKind,
    pub(crate) counterparty: Counterparty,
    pub(crate) amount: Money,
}

/// The operation a movement is, by direction and counterparty.
fn operation(kind: TransferKind, counterparty: &Counterparty) -> &'static str {
    match (counterparty, kind == TransferKind::Reclaim) {
        (Counterparty::Customer { .. }, false) => "UpdateCustomerAccountAmount",
        (Counterparty::Customer { .. }, true) => "ReclaimToPartnerAccount",
        (Counterparty::Reseller { .. }, false) => "UpdateIndirectPartnerAccount",
        (Counterparty::Reseller { .. }, true) => "ReclaimIndirectPartnerAccount",
    }
}

impl Counterparty {
    fn target(&self) -> String {
        match self {
            Counterparty::Customer { customer_id, .. } => format!("customer:{customer_id}"),
            Counterparty::Reseller { indirect_partner_id } => {
                format!("partner:{indirect_partner_id}")
            }
        }
    }

    /// The ids the request must name.
    fn check_required(&self) -> Result<(), EngineError> {
        let (field, id) = match self {
            Counterparty::Customer { customer_id, .. } => ("customer_id", customer_id),
            Counterparty::Reseller { indirect_partner_id } => {
                ("indirect_partner_id", indirect_partner_id)
            }
        };
        if id.is_empty() {
            return Err(EngineError::InvalidParameter { field, reason: "is required".into() });
        }
        Ok(())
    }
}

impl FundMove {
    pub(crate) fn operation(&self) -> &'static str {
        operation(self.kind, &self.counterparty)
    }

    pub(crate) fn target(&self) -> String {
        self.counterparty.target()
    }

    /// What a retry with the same idempotency key must repeat exactly, in an encoding that
    /// stays the same across versions: each field length-prefixed, the amount in micro-yuan.
    pub(crate) fn fingerprint(&self) -> String {
        let field = |text: &str| format!("{}:{text}", text.len());
        let (customer, indirect) = match &self.counterparty {
            Counterparty::Customer { customer_id, indirect_partner_id } => {
                (customer_id.as_str(), indirect_partner_id.as_deref().unwrap_or(""))
            }
            Counterparty::Reseller { indirect_partner_id } => ("", indirect_partner_id.as_str()),
        };
        format!(
            "v1|{}|{}|{}|{}",
            self.operation(),
            field(customer),
            field(indirect),
            self.amount.micros()
        )
    }

    /// The customer this movement names, if any.
    pub(crate) fn customer(&self) -> Option<&str> {
        match &self.counterparty {
            Counterparty::Customer { customer_id, .. } => Some(customer_id),
            Counterparty::Reseller { .. } => None,
        }
    }

    /// The reseller this movement names, if any.
    pub(crate) fn reseller(&self) -> Option<&str> {
        match &self.counterparty {
            Counterparty::Customer { indirect_partner_id, .. } => indirect_partner_id.as_deref(),
            Counterparty::Reseller { indirect_partner_id } => Some(indirect_partner_id),
        }
    }
}

/// What a group commit has loaded and locked, and the balances as its movements change them.
#[derive(Default)]
pub(crate) struct BatchState {
    pub(crate) partners: HashMap<String, Partner>,
    pub(crate) customers: HashMap<String, Customer>,
    pub(crate) accounts: HashMap<Owner, FundAccount>,
}

/// Who a movement the caller may make moves money between: the acting partner's account, the
/// counterparty's, and the parties its adjust record names.
pub(crate) struct AuthorizedMove {
    upper: Owner,
    lower: Owner,
    parties: AdjustParties,
}

impl AuthorizedMove {
    /// The two owners whose accounts the movement touches.
    pub(crate) fn owners(&self) -> [&Owner; 2] {
        [&self.upper, &self.lower]
    }
}

impl Engine {
    /// `UpdateCustomerAccountAmount`: the caller (or, for a distributor passing
    /// `indirect_partner_id`, its reseller) funds a reseller-association customer. Returns the
    /// transfer id.
    pub async fn update_customer_account_amount(
        &self,
        caller: &Caller,
        request: CustomerFundsMove,
        retry: RetryKeys,
    ) -> Result<String, EngineError> {
        self.move_funds(caller, TransferKind::Adjust, request.into(), retry).await
    }

    /// `ReclaimToPartnerAccount`: the reverse of `UpdateCustomerAccountAmount`.
    pub async fn reclaim_to_partner_account(
        &self,
        caller: &Caller,
        request: CustomerFundsMove,
        retry: RetryKeys,
    ) -> Result<String, EngineError> {
        self.move_funds(caller, TransferKind::Reclaim, request.into(), retry).await
    }

    /// `UpdateIndirectPartnerAccount`: a distributor funds one of its resellers.
    pub async fn update_indirect_partner_account(
        &self,
        caller: &Caller,
        request: ResellerFundsMove,
        retry: RetryKeys,
    ) -> Result<String, EngineError> {
        self.move_funds(caller, TransferKind::Adjust, request.into(), retry).await
    }

    /// `ReclaimIndirectPartnerAccount`: a distributor takes money back from its reseller.
    pub async fn reclaim_indirect_partner_account(
        &self,
        caller: &Caller,
        request: ResellerFundsMove,
        retry: RetryKeys,
    ) -> Result<String, EngineError> {
        self.move_funds(caller, TransferKind::Reclaim, request.into(), retry).await
    }

    /// The one path of the four: a well-formed movement goes to the group commit; a malformed
    /// one is refused here, and its refusal audited like any other.
    async fn move_funds(
        &self,
        caller: &Caller,
        kind: TransferKind,
        (counterparty, amount): (Counterparty, Decimal),
        retry: RetryKeys,
    ) -> Result<String, EngineError> {
        let checked = counterparty
            .check_required()
            .and_then(|()| funds::amount_to_move(amount).map_err(EngineError::from));
        match checked {
            Ok(amount) => {
                let request = FundMove { kind, counterparty, amount };
                self.commit_move(caller, request, retry).await
            }
            Err(err) => {
                let operation = operation(kind, &counterparty);
                self.audit_refusal(caller, operation, counterparty.target(), &err).await;
                Err(err)
            }
        }
    }

    /// Whether the caller may make the movement, from the parties the batch loaded (their
    /// accounts are not needed): the committer locks, or opens, only the accounts of
    /// movements that pass, so a refused one touches nothing.
    pub(crate) fn authorize_move(
        &self,
        state: &BatchState,
        caller: &Caller,
        request: &FundMove,
    ) -> Result<AuthorizedMove, EngineError> {
        let Principal::Partner(caller_id) = &caller.principal else {
            return Err(EngineError::OperationNotOpenToCaller);
        };
        let partner =
            state.partners.get(&caller_id.0).ok_or(EngineError::OperationNotOpenToCaller)?;
        Ok(match &request.counterparty {
            Counterparty::Customer { customer_id, indirect_partner_id } => {
                partners::may_manage_sub_customers(partner)?;
                let indirect = indirect_partner_id.as_deref().and_then(|id| state.partners.get(id));
                let acting =
                    partners::acting_partner(partner, indirect_partner_id.as_deref(), indirect)?;
                let customer = state.customers.get(customer_id);
                funds::may_move_customer_funds(&acting.id, customer, customer_id)?;
                AuthorizedMove {
                    upper: Owner::Partner(acting.id.clone()),
                    lower: Owner::Customer(CustomerId(customer_id.clone())),
                    parties: AdjustParties {
                        partner: acting.id.clone(),
                        counterparty: customer_id.clone(),
                    },
                }
            }
            Counterparty::Reseller { indirect_partner_id } => {
                partners::may_fund_indirect_partners(partner)?;
                let reseller = state
                    .partners
                    .get(indirect_partner_id)
                    .filter(|r| partners::is_own_reseller(partner, r))
                    .ok_or_else(|| {
                        PartnerError::NotYourIndirectPartner(indirect_partner_id.clone())
                    })?;
                AuthorizedMove {
                    upper: Owner::Partner(partner.id.clone()),
                    lower: Owner::Partner(reseller.id.clone()),
                    parties: AdjustParties {
                        partner: partner.id.clone(),
                        counterparty: reseller.id.0.clone(),
                    },
                }
            }
        })
    }

    /// Authorizes and decides one money movement against the batch's state, moving the
    /// balances there. Nothing is written here: the committer persists the whole batch.
    pub(crate) fn decide_move(
        &self,
        state: &mut BatchState,
        caller: &Caller,
        request: &FundMove,
        now: Timestamp,
    ) -> Result<Transfer, EngineError> {
        let AuthorizedMove { upper, lower, parties } =
            self.authorize_move(state, caller, request)?;
        let (payer, payee) = match request.kind {
            TransferKind::Reclaim => (lower, upper),
            _ => (upper, lower),
        };
        let account = |owner: &Owner| {
            state.accounts.get(owner).cloned().ok_or_else(|| {
                EngineError::Internal(Internal::bug("a movement's account was not loaded"))
            })
        };
        let (payer_account, payee_account) = (account(&payer)?, account(&payee)?);
        let id = self.transfer_id(request.kind, now);
        let mut transfer = funds::move_funds(
            &payer_account,
            &payee_account,
            request.amount,
            request.kind,
            id,
            now,
        )?;
        transfer.parties = Some(parties);
        for owner in [payer, payee] {
            if let Some(account) = state.accounts.get_mut(&owner) {
                account.balance = funds::apply(&transfer, account)?;
            }
        }
        Ok(transfer)
    }

    /// Transaction ids as the real API shapes them: `AD` for adjusts, `RE` for reclaims, then
    /// the time and a unique tail.
    fn transfer_id(&self, kind: TransferKind, now: Timestamp) -> String {
        let prefix = if kind == TransferKind::Reclaim { "RE" } else { "AD" };
        let format = time::macros::format_description!("[year][month][day][hour][minute][second]");
        let stamp = time::OffsetDateTime::from_unix_timestamp(now.millis().div_euclid(1000))
            .ok()
            .and_then(|t| t.format(format).ok())
            .unwrap_or_default();
        let tail: String = self.ids.next_id().chars().take(12).collect();
        format!("{prefix}{stamp}{tail}")
    }
}
