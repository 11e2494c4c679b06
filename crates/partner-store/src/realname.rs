//! The `realname_submissions` table: every real-name submission a partner made for a customer,
//! and its review.

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    customers::CustomerId,
    partners::PartnerId,
    realname::{
        LegalPerson, Method, Organisation, Purpose, ReviewFilter, ReviewStatus, Submission,
    },
};

use crate::{
    RealNameRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str = "id, customer_id, partner_id, purpose, method, certificate_type, name, \
     verified_number, files, xaccount_type, reg_country, reg_address, legal_name, \
     legal_id_number, certifier_role, bank_account_tail, status, opinion, submitted_at, \
     decided_at, decided_by";

/// `SELECT` of every column from `realname_submissions`, then `rest`.
fn select(rest: &str) -> String {
    format!("SELECT {COLUMNS} FROM realname_submissions {rest}")
}

const INSERT: &str = "INSERT INTO realname_submissions (id, customer_id, partner_id, purpose, \
     method, certificate_type, name, verified_number, files, xaccount_type, reg_country, \
     reg_address, legal_name, legal_id_number, certifier_role, bank_account_tail, status, \
     opinion, submitted_at, decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
     $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)";

const COUNT: &str = "SELECT COUNT(*) AS n FROM realname_submissions \
     WHERE customer_id = $1 AND purpose = $2";

/// A submission is decided once: of two decisions made together, one changes the row.
const DECIDE: &str = "UPDATE realname_submissions SET status = $2, opinion = $3, \
     decided_at = $4, decided_by = $5 WHERE id = $1 AND status = $6";

/// The review queue as `ReviewFilter::matches` filters it: `$1` the status, `$2` a customer or
/// NULL; newest first.
fn queue() -> String {
    select("WHERE status = $1 AND ($2 IS NULL OR customer_id = $2) ORDER BY seq DESC LIMIT $3")
}

/// The attachment paths, one per line: a path holds no control character.
fn files_text(files: &[String]) -> String {
    files.join("\n")
}

fn submission_row(row: &impl Columns) -> Result<Submission, StoreError> {
    let purpose = row.text("purpose")?;
    let method = row.text("method")?;
    let certificate = row.int_or_null("certificate_type")?;
    let status = row.int("status")?;
    let method = Method::from_codes(&method, certificate)
        .ok_or_else(|| sql::corrupt("realname_submissions.method", &method))?;
    let legal_person = match row.text_or_null("legal_name")? {
        Some(name) => Some(LegalPerson {
            name,
            id_number: row
                .text_or_null("legal_id_number")?
                .ok_or_else(|| sql::corrupt("realname_submissions.legal_id_number", "NULL"))?,
            certifier_role: row.text_or_null("certifier_role")?,
        }),
        None => None,
    };
    let organisation = match method {
        Method::Organisation(_) => Some(Organisation {
            reg_country: row.text_or_null("reg_country")?,
            reg_address: row.text_or_null("reg_address")?,
            legal_person,
        }),
        Method::PersonalCertificate(_) | Method::BankCard => None,
    };
    Ok(Submission {
        id: row.text("id")?,
        customer: CustomerId(row.text("customer_id")?),
        partner: PartnerId(row.text("partner_id")?),
        purpose: Purpose::from_code(&purpose)
            .ok_or_else(|| sql::corrupt("realname_submissions.purpose", &purpose))?,
        method,
        name: row.text("name")?,
        verified_number: row.text("verified_number")?,
        files: row
            .text("files")?
            .split('\n')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
        xaccount_type: row.text("xaccount_type")?,
        organisation,
        bank_account_tail: row.text_or_null("bank_account_tail")?,
        status: ReviewStatus::from_code(status)
            .ok_or_else(|| sql::corrupt("realname_submissions.status", status))?,
        opinion: row.text_or_null("opinion")?,
        submitted_at: sql::at(row.int("submitted_at")?),
        decided_at: row.int_or_null("decided_at")?.map(sql::at),
        decided_by: row.text_or_null("decided_by")?,
    })
}

#[async_trait]
impl<T: Backend> RealNameRows for T {
    async fn insert_realname_submission(
        &mut self,
        submission: &Submission,
    ) -> Result<(), StoreError> {
        let organisation = submission.organisation.as_ref();
        let person = organisation.and_then(|o| o.legal_person.as_ref());
        let files = files_text(&submission.files);
        let statement = Statement::new(INSERT)
            .bind(&submission.id)
            .bind(&submission.customer.0)
            .bind(&submission.partner.0)
            .bind(submission.purpose.code())
            .bind(submission.method.code())
            .bind(submission.method.certificate_code())
            .bind(&submission.name)
            .bind(&submission.verified_number)
            .bind(&files)
            .bind(&submission.xaccount_type)
            .bind(organisation.and_then(|o| o.reg_country.as_deref()))
            .bind(organisation.and_then(|o| o.reg_address.as_deref()))
            .bind(person.map(|p| p.name.as_str()))
            .bind(person.map(|p| p.id_number.as_str()))
            .bind(person.and_then(|p| p.certifier_role.as_deref()))
            .bind(submission.bank_account_tail.as_deref())
            .bind(submission.status.code())
            .bind(submission.opinion.as_deref())
            .bind(submission.submitted_at.millis())
            .bind(submission.decided_at.map(Timestamp::millis))
            .bind(submission.decided_by.as_deref());
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn realname_submission(&mut self, id: &str) -> Result<Option<Submission>, StoreError> {
        let statement = Statement::new(select("WHERE id = $1")).bind(id);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(submission_row).transpose()
    }

    async fn latest_realname_submission(
        &mut self,
        customer: &CustomerId,
    ) -> Result<Option<Submission>, StoreError> {
        let statement = Statement::new(select("WHERE customer_id = $1 ORDER BY seq DESC LIMIT 1"))
            .bind(&customer.0);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(submission_row).transpose()
    }

    async fn count_realname_submissions(
        &mut self,
        customer: &CustomerId,
        purpose: Purpose,
    ) -> Result<u64, StoreError> {
        let statement = Statement::new(COUNT).bind(&customer.0).bind(purpose.code());
        let n = self.connection().fetch_one(statement).await?.int("n")?;
        u64::try_from(n).map_err(|_| sql::corrupt("count_realname_submissions", n))
    }

    async fn realname_submissions(
        &mut self,
        filter: &ReviewFilter,
        limit: i64,
    ) -> Result<Vec<Submission>, StoreError> {
        let statement = Statement::new(queue())
            .bind(filter.status.code())
            .bind(filter.customer.as_ref().map(|c| c.0.as_str()))
            .bind(limit);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(submission_row).collect()
    }

    async fn decide_realname_submission(
        &mut self,
        decided: &Submission,
    ) -> Result<bool, StoreError> {
        let statement = Statement::new(DECIDE)
            .bind(&decided.id)
            .bind(decided.status.code())
            .bind(decided.opinion.as_deref())
            .bind(decided.decided_at.map(Timestamp::millis))
            .bind(decided.decided_by.as_deref())
            .bind(ReviewStatus::Pending.code());
        Ok(self.connection().execute(statement).await? == 1)
    }
}
