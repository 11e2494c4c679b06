//! Verification-code operations: a partner has a code "sent" to a mobile number (it lands in
//! the outbox), and the platform operator reads the outbox.

use partner_domain::{
    customers::{self, CustomerId},
    partners,
    verification::{self, DAY_MS, HOUR_MS, SendRequest, VerificationCode},
};

use crate::{Caller, Engine, EngineError};

/// The most messages one look at the outbox shows.
pub const OUTBOX_LIMIT: i64 = 200;

impl Engine {
    /// `SendVerificationMessageCode`: a six-digit code for a mobile number, valid for the
    /// minutes asked (10 by default), into the outbox instead of an SMS.
    pub async fn send_verification_message_code(
        &self,
        caller: &Caller,
        request: SendRequest,
    ) -> Result<(), EngineError> {
        let target = format!("mobile:{}", masked(&request.mobile_phone));
        let res = async {
            let partner =
                self.authorized_partner(caller, partners::may_manage_sub_customers).await?;
            let request = verification::code_request(&request)?;
            let mut tx = self.store.write().await?;
            if let Some(id) = &request.customer
                && self.own_or_resellers_customer(&mut *tx, &partner, id).await?.is_none()
            {
                return Err(verification::VerificationError::NotYourCustomer(id.0.clone()).into());
            }
            let now = self.now(&mut *tx).await?;
            let since = |ms: i64| partner_domain::Timestamp::from_millis(now.millis() - ms);
            let last_hour = tx.codes_sent_since(&request.mobile, since(HOUR_MS)).await?;
            let last_day = tx.codes_sent_since(&request.mobile, since(DAY_MS)).await?;
            verification::may_send(last_hour, last_day)?;
            let expires_at = now
                .checked_add_seconds(request.valid_minutes * 60)
                .ok_or(partner_domain::time::ClockError::ClockOutOfRange)?;
            let code = VerificationCode {
                id: self.ids.next_id(),
                partner: partner.id.clone(),
                mobile: request.mobile,
                scene: request.scene,
                customer: request.customer,
                language: request.language,
                code: format!("{:06}", rand::random::<u32>() % 1_000_000),
                sent_at: now,
                expires_at,
                failed_attempts: 0,
                used_at: None,
            };
            tx.insert_verification_code(&code).await?;
            self.audit(&mut *tx, caller, now, "SendVerificationMessageCode", target.clone())
                .await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "SendVerificationMessageCode", target, err).await;
        }
        res
    }

    /// The outbox, newest first: every code sent, or those sent to one number. Operators only.
    pub async fn verification_outbox(
        &self,
        caller: &Caller,
        mobile: Option<&str>,
    ) -> Result<Vec<VerificationCode>, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.read().await?;
        Ok(tx.verification_outbox(mobile.filter(|m| !m.is_empty()), OUTBOX_LIMIT).await?)
    }

    /// The customer `id` if it is `partner`'s, or one of its resellers': what a bank-card code
    /// may be sent for, and a real-name authentication submitted for. `None` for anyone else's.
    pub(crate) async fn own_or_resellers_customer(
        &self,
        tx: &mut dyn partner_store::Tx,
        partner: &partners::Partner,
        id: &CustomerId,
    ) -> Result<Option<customers::Customer>, EngineError> {
        let customer = tx.customer(id).await?;
        let holder = match customer.as_ref().and_then(|c| c.association.as_ref()) {
            Some(association) => tx.partner(&association.partner).await?,
            None => None,
        };
        Ok(customer.filter(|c| customers::is_within_reach(partner, c, holder.as_ref())))
    }
}

/// A mobile number as the audit trail keeps it: the middle four digits hidden.
fn masked(mobile: &str) -> String {
    match (mobile.get(..3), mobile.get(mobile.len().saturating_sub(4)..)) {
        (Some(head), Some(tail)) if mobile.len() >= 11 => format!("{head}****{tail}"),
        _ => "****".to_owned(),
    }
}
