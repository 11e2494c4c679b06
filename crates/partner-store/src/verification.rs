//! The `verification_codes` table: the outbox of SMS verification codes, and the state of each
//! code (failed checks, when it was used).

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    customers::CustomerId,
    partners::PartnerId,
    verification::{Language, Scene, VerificationCode},
};

use crate::{
    StoreError, VerificationRows,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str = "id, partner_id, mobile, scene, customer_id, language, code, sent_at, \
     expires_at, failed_attempts, used_at";

const INSERT: &str = "INSERT INTO verification_codes (id, partner_id, mobile, scene, customer_id, \
     language, code, sent_at, expires_at, failed_attempts, used_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const SENT_SINCE: &str =
    "SELECT COUNT(*) AS n FROM verification_codes WHERE mobile = $1 AND sent_at >= $2";

/// The newest code (the last sent, whatever the clock said) a partner asked for, for one number, scene and customer (`$4` NULL: none).
fn latest() -> String {
    format!(
        "SELECT {COLUMNS} FROM verification_codes WHERE partner_id = $1 AND mobile = $2 \
         AND scene = $3 AND (customer_id = $4 OR ($4 IS NULL AND customer_id IS NULL)) \
         ORDER BY seq DESC LIMIT 1"
    )
}

const FAILED: &str =
    "UPDATE verification_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1";

/// A code is used once: of two operations consuming it together, one changes the row.
const USE: &str = "UPDATE verification_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL";

/// The outbox, newest first, for one number or all (`$1` NULL).
fn outbox() -> String {
    format!(
        "SELECT {COLUMNS} FROM verification_codes WHERE ($1 IS NULL OR mobile = $1) \
         ORDER BY seq DESC LIMIT $2"
    )
}

fn code_row(row: &impl Columns) -> Result<VerificationCode, StoreError> {
    let scene = row.int("scene")?;
    let language = row.text("language")?;
    let failed = row.int("failed_attempts")?;
    Ok(VerificationCode {
        id: row.text("id")?,
        partner: PartnerId(row.text("partner_id")?),
        mobile: row.text("mobile")?,
        scene: Scene::from_code(scene)
            .ok_or_else(|| sql::corrupt("verification_codes.scene", scene))?,
        customer: row.text_or_null("customer_id")?.map(CustomerId),
        language: Language::from_code(&language)
            .ok_or_else(|| sql::corrupt("verification_codes.language", &language))?,
        code: row.text("code")?,
        sent_at: sql::at(row.int("sent_at")?),
        expires_at: sql::at(row.int("expires_at")?),
        failed_attempts: u32::try_from(failed)
            .map_err(|_| sql::corrupt("verification_codes.failed_attempts", failed))?,
        used_at: row.int_or_null("used_at")?.map(sql::at),
    })
}

#[async_trait]
impl<T: Backend> VerificationRows for T {
    async fn insert_verification_code(
        &mut self,
        code: &VerificationCode,
    ) -> Result<(), StoreError> {
        let statement = Statement::new(INSERT)
            .bind(&code.id)
            .bind(&code.partner.0)
            .bind(&code.mobile)
            .bind(code.scene.code())
            .bind(code.customer.as_ref().map(|c| c.0.as_str()))
            .bind(code.language.code())
            .bind(&code.code)
            .bind(code.sent_at.millis())
            .bind(code.expires_at.millis())
            .bind(i64::from(code.failed_attempts))
            .bind(code.used_at.map(Timestamp::millis));
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn codes_sent_since(
        &mut self,
        mobile: &str,
        since: Timestamp,
    ) -> Result<u64, StoreError> {
        let statement = Statement::new(SENT_SINCE).bind(mobile).bind(since.millis());
        let n = self.connection().fetch_one(statement).await?.int("n")?;
        u64::try_from(n).map_err(|_| sql::corrupt("codes_sent_since", n))
    }

    async fn latest_verification_code(
        &mut self,
        partner: &PartnerId,
        mobile: &str,
        scene: Scene,
        customer: Option<&CustomerId>,
    ) -> Result<Option<VerificationCode>, StoreError> {
        let statement = Statement::new(latest())
            .bind(&partner.0)
            .bind(mobile)
            .bind(scene.code())
            .bind(customer.map(|c| c.0.as_str()));
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(code_row).transpose()
    }

    async fn record_failed_verification(&mut self, id: &str) -> Result<(), StoreError> {
        self.connection().execute(Statement::new(FAILED).bind(id)).await?;
        Ok(())
    }

    async fn use_verification_code(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let statement = Statement::new(USE).bind(id).bind(at.millis());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn verification_outbox(
        &mut self,
        mobile: Option<&str>,
        limit: i64,
    ) -> Result<Vec<VerificationCode>, StoreError> {
        let statement = Statement::new(outbox()).bind(mobile).bind(limit);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(code_row).collect()
    }
}
