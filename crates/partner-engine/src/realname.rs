//! Real-name authentication operations: a partner submits one for its customer (a bank card is
//! checked at once, everything else waits in the review queue) and reads its review's result;
//! the platform operator reads the queue and approves or rejects.

use partner_domain::{
    customers::CustomerId,
    partners::{self, Partner},
    realname::{
        self, Application, Decision, EnterpriseRequest, IndividualRequest, Purpose, RealNameError,
        ReviewFilter, ReviewResult, ReviewStatus, Submission, Verification,
    },
    verification::{self, Scene, VerificationError},
};
use partner_store::StoreError;

use crate::{Caller, Engine, EngineError, Internal};

/// The most submissions one look at the review queue shows.
pub const QUEUE_LIMIT: i64 = 200;

const INDIVIDUAL: &str = "CreatePersonalRealnameAuth";
const ENTERPRISE: &str = "CreateEnterpriseRealnameAuthentication";
const CHANGE: &str = "ChangeEnterpriseRealnameAuthentication";
const APPROVE: &str = "ApproveRealnameReview";
const REJECT: &str = "RejectRealnameReview";

/// A submission's answer: whether it waits for the platform's review (`is_review`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub is_review: bool,
}

impl Engine {
    /// `CreatePersonalRealnameAuth`: a personal certificate (to the review queue) or a bank card
    /// with the code `SendVerificationMessageCode` sent for the customer (verified at once).
    pub async fn create_personal_realname_auth(
        &self,
        caller: &Caller,
        request: IndividualRequest,
    ) -> Result<Submitted, EngineError> {
        let target = format!("customer:{}", request.customer_id);
        self.submit(caller, INDIVIDUAL, target, |partner| {
            realname::individual_application(&request, &partner.xaccount_types)
        })
        .await
    }

    /// `CreateEnterpriseRealnameAuthentication`: an organisation's certificate, to the review
    /// queue.
    pub async fn create_enterprise_realname_authentication(
        &self,
        caller: &Caller,
        request: EnterpriseRequest,
    ) -> Result<Submitted, EngineError> {
        let target = format!("customer:{}", request.customer_id);
        self.submit(caller, ENTERPRISE, target, |partner| {
            realname::enterprise_application(&request, &partner.xaccount_types)
        })
        .await
    }

    /// `ChangeEnterpriseRealnameAuthentication`: a verified individual becoming an enterprise,
    /// to the review queue; the customer stays the individual it was until approved.
    pub async fn change_enterprise_realname_authentication(
        &self,
        caller: &Caller,
        request: EnterpriseRequest,
    ) -> Result<Submitted, EngineError> {
        let target = format!("customer:{}", request.customer_id);
        self.submit(caller, CHANGE, target, |partner| {
            realname::enterprise_change_application(&request, &partner.xaccount_types)
        })
        .await
    }

    /// `ShowRealnameAuthenticationReviewResult`: the review of the customer's newest
    /// submission, `None` when it never submitted one.
    pub async fn show_realname_authentication_review_result(
        &self,
        caller: &Caller,
        customer_id: &str,
    ) -> Result<Option<ReviewResult>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        if customer_id.is_empty() {
            return Err(RealNameError::CustomerIdRequired.into());
        }
        let id = CustomerId(customer_id.to_owned());
        if self.own_or_resellers_customer(&mut *tx, &partner, &id).await?.is_none() {
            return Err(RealNameError::NotYourCustomer(id.0).into());
        }
        Ok(tx.latest_realname_submission(&id).await?.map(|s| s.review_result()))
    }

    /// The review queue, newest first (at most [`QUEUE_LIMIT`]): the submissions of one status,
    /// of one customer or all. Operators only.
    pub async fn list_realname_reviews(
        &self,
        caller: &Caller,
        filter: ReviewFilter,
    ) -> Result<Vec<Submission>, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.read().await?;
        Ok(tx.realname_submissions(&filter, QUEUE_LIMIT).await?)
    }

    /// Approves a pending submission: the customer is verified as the submitted individual or
    /// enterprise, under the submitted name.
    pub async fn approve_realname_review(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Submission, EngineError> {
        self.decide_review(caller, APPROVE, id, Ok(Decision::Approve)).await
    }

    /// Rejects a pending submission with the opinion its partner will read.
    pub async fn reject_realname_review(
        &self,
        caller: &Caller,
        id: &str,
        opinion: &str,
    ) -> Result<Submission, EngineError> {
        self.decide_review(caller, REJECT, id, Decision::reject(opinion)).await
    }

    /// One submission from the partner's request, audited whatever its outcome.
    async fn submit(
        &self,
        caller: &Caller,
        operation: &'static str,
        target: String,
        form: impl FnOnce(&Partner) -> Result<Application, RealNameError> + Send,
    ) -> Result<Submitted, EngineError> {
        let res = self.try_submit(caller, operation, &target, form).await;
        if let Err(err) = &res {
            self.audit_refusal(caller, operation, target, err).await;
        }
        res
    }

    async fn try_submit(
        &self,
        caller: &Caller,
        operation: &'static str,
        target: &str,
        form: impl FnOnce(&Partner) -> Result<Application, RealNameError> + Send,
    ) -> Result<Submitted, EngineError> {
        let mut tx = self.store.write().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        realname::may_upload_attachments(&partner)?;
        let application = form(&partner)?;
        let Some(customer) =
            self.own_or_resellers_customer(&mut *tx, &partner, &application.customer).await?
        else {
            return Err(RealNameError::NotYourCustomer(application.customer.0).into());
        };
        let current = Verification::of(&customer);
        let purpose = application.purpose;
        let n_submissions = tx.count_realname_submissions(&customer.id, purpose).await?;
        realname::may_submit(&current, purpose, n_submissions)?;
        let now = self.now(&mut *tx).await?;
        if let Some(card) = &application.bank_card {
            let latest = tx
                .latest_verification_code(
                    &partner.id,
                    &card.mobile,
                    Scene::BankCardRealName,
                    Some(&customer.id),
                )
                .await?;
            if let Err(err) =
                verification::check_code(latest.as_ref(), &card.verification_code, now)
            {
                if let Some(code) =
                    latest.filter(|c| verification::is_failed_attempt(Some(c), &err))
                {
                    // The wrong try counts although the submission is refused.
                    tx.record_failed_verification(&code.id).await?;
                    tx.commit().await?;
                }
                return Err(card_code_error(err));
            }
            let code = latest.ok_or(Internal::bug("an accepted code is gone"))?;
            if !tx.use_verification_code(&code.id, now).await? {
                return Err(VerificationError::CodeWrong.into());
            }
        }
        let next = realname::after_submission(&current, &application);
        let submission = Submission::of(application, self.ids.next_id(), partner.id.clone(), now);
        if !tx.set_verification(&customer.id, &current, &next).await? {
            // A concurrent submission for the customer committed first.
            return Err(state_refusal(purpose));
        }
        match tx.insert_realname_submission(&submission).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => return Err(state_refusal(purpose)),
            Err(err) => return Err(err.into()),
        }
        self.audit(&mut *tx, caller, now, operation, target.to_owned()).await?;
        tx.commit().await?;
        Ok(Submitted { is_review: submission.status == ReviewStatus::Pending })
    }

    async fn decide_review(
        &self,
        caller: &Caller,
        operation: &'static str,
        id: &str,
        decision: Result<Decision, RealNameError>,
    ) -> Result<Submission, EngineError> {
        let target = format!("realname-review:{id}");
        let res = async {
            let operator = self.calling_operator(caller)?.to_owned();
            let decision = decision?;
            let mut tx = self.store.write().await?;
            let Some(submission) = tx.realname_submission(id).await? else {
                return Err(RealNameError::UnknownReview(id.to_owned()).into());
            };
            let customer = tx.customer(&submission.customer).await?;
            let customer = customer.ok_or(Internal::bug("a submission's customer is gone"))?;
            let current = Verification::of(&customer);
            let now = self.now(&mut *tx).await?;
            let decided = realname::decide(&submission, &current, &decision, &operator, now)?;
            if !tx.decide_realname_submission(&decided.submission).await? {
                // Another operator decided it first.
                return Err(RealNameError::ReviewNotPending.into());
            }
            if !tx.set_verification(&customer.id, &current, &decided.verification).await? {
                return Err(Internal::bug("a customer under review changed state").into());
            }
            self.audit(&mut *tx, caller, now, operation, target.clone()).await?;
            tx.commit().await?;
            Ok(decided.submission)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, operation, target, err).await;
        }
        res
    }
}

/// A refused bank-card code as this operation reports it: the reference gives an expired code
/// its own code here (`CBC.99000027`); the others are the verification rules' own.
fn card_code_error(err: VerificationError) -> EngineError {
    match err {
        VerificationError::CodeExpired => RealNameError::VerificationCodeExpired.into(),
        other => other.into(),
    }
}

/// What a submission that lost a race with another for the same customer is told: the state
/// the winner left the customer in.
fn state_refusal(purpose: Purpose) -> EngineError {
    match purpose {
        Purpose::Authentication => RealNameError::AlreadyVerifiedOrInReview.into(),
        Purpose::ChangeToEnterprise => RealNameError::NotAVerifiedIndividual.into(),
    }
}

/// `ShowRealNameAuthStatus` as the customer reads it: `verified_status` -1, 0, 1 or 2, and
/// `verified_type` 0 (individual) or 1 (enterprise), `None` until the customer is verified as
/// one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RealNameStatus {
    pub status: partner_domain::customers::VerifiedStatus,
    pub kind: partner_domain::customers::CustomerType,
}

impl Engine {
    /// `ShowRealNameAuthStatus`: the calling customer's own real-name state.
    pub async fn show_real_name_auth_status(
        &self,
        caller: &Caller,
    ) -> Result<RealNameStatus, EngineError> {
        let mut tx = self.store.read().await?;
        let customer = self.calling_customer(&mut *tx, caller).await?;
        Ok(RealNameStatus { status: customer.verified_status, kind: customer.customer_type })
    }
}
