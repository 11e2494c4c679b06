//! The `reports` and `invitations` tables, and the facts of `customers` the association rules
//! read (`registered_at`, `restrictions`).

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    customers::{AssociationType, CustomerId, fold_case, mobile_key},
    paging::{Page, Paged},
    partners::PartnerId,
    reports::{Invitation, Prospect, Report, ReportStatus, Restriction, Standing},
};

use crate::{
    ReportRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str = "id, partner_id, customer_name, mobile, mobile_key, email, account_name, \
     customer_id, association, status, submitted_at, reported_at, reason, reviewed_by";

fn select(rest: &str) -> String {
    format!("SELECT {COLUMNS} FROM reports {rest}")
}

const INSERT: &str = "INSERT INTO reports (id, partner_id, customer_name, mobile, mobile_key, \
     email, email_folded, account_name, account_name_folded, customer_id, association, status, \
     submitted_at, reported_at, reason, reviewed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
     $10, $11, $12, $13, $14, $15, $16)";

/// A report changes state once from `$7`: of two changes made together, one changes the row.
const UPDATE: &str = "UPDATE reports SET status = $2, customer_id = $3, reported_at = $4, \
     reason = $5, reviewed_by = $6 WHERE id = $1 AND status = $7";

/// The reports naming one prospect, each key NULL when the prospect has none.
const NAMING: &str = "WHERE mobile_key = $1 OR email_folded = $2 OR account_name_folded = $3 \
     OR customer_id = $4 ORDER BY seq";

const INVITATION_COLUMNS: &str = "code, partner_id, association, report_id, label, created_at, \
     used_at";

const INSERT_INVITATION: &str = "INSERT INTO invitations (code, partner_id, association, \
     report_id, label, created_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// An online invitation is used once: of two acceptances, one changes the row.
const USE_INVITATION: &str =
    "UPDATE invitations SET used_at = $2 WHERE code = $1 AND used_at IS NULL";

/// Restriction codes, one per line.
fn restrictions_text(restrictions: &[Restriction]) -> String {
    restrictions.iter().map(|r| r.code()).collect::<Vec<_>>().join("\n")
}

fn kind(code: &str, column: &str) -> Result<AssociationType, StoreError> {
    AssociationType::from_code(code).ok_or_else(|| sql::corrupt(column, code))
}

fn report_row(row: &impl Columns) -> Result<Report, StoreError> {
    let status = row.text("status")?;
    Ok(Report {
        id: row.text("id")?,
        partner: PartnerId(row.text("partner_id")?),
        prospect: Prospect {
            customer_name: row.text("customer_name")?,
            mobile: row.text_or_null("mobile")?,
            mobile_key: row.text_or_null("mobile_key")?,
            email: row.text_or_null("email")?,
            account_name: row.text_or_null("account_name")?,
        },
        customer: row.text_or_null("customer_id")?.map(CustomerId),
        kind: kind(&row.text("association")?, "reports.association")?,
        status: ReportStatus::from_code(&status)
            .ok_or_else(|| sql::corrupt("reports.status", &status))?,
        submitted_at: sql::at(row.int("submitted_at")?),
        reported_at: row.int_or_null("reported_at")?.map(sql::at),
        reason: row.text_or_null("reason")?,
        reviewed_by: row.text_or_null("reviewed_by")?,
    })
}

fn invitation_row(row: &impl Columns) -> Result<Invitation, StoreError> {
    Ok(Invitation {
        code: row.text("code")?,
        partner: PartnerId(row.text("partner_id")?),
        kind: kind(&row.text("association")?, "invitations.association")?,
        report: row.text_or_null("report_id")?,
        label: row.text_or_null("label")?,
        created_at: sql::at(row.int("created_at")?),
        used_at: row.int_or_null("used_at")?.map(sql::at),
    })
}

#[async_trait]
impl<T: Backend> ReportRows for T {
    async fn insert_report(&mut self, report: &Report) -> Result<(), StoreError> {
        let p = &report.prospect;
        let email_folded = p.email.as_deref().map(fold_case);
        let account_name_folded = p.account_name.as_deref().map(fold_case);
        let statement = Statement::new(INSERT)
            .bind(&report.id)
            .bind(&report.partner.0)
            .bind(&p.customer_name)
            .bind(p.mobile.as_deref())
            .bind(p.mobile_key.as_deref())
            .bind(p.email.as_deref())
            .bind(email_folded.as_deref())
            .bind(p.account_name.as_deref())
            .bind(account_name_folded.as_deref())
            .bind(report.customer.as_ref().map(|c| c.0.as_str()))
            .bind(report.kind.code())
            .bind(report.status.code())
            .bind(report.submitted_at.millis())
            .bind(report.reported_at.map(Timestamp::millis))
            .bind(report.reason.as_deref())
            .bind(report.reviewed_by.as_deref());
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn report(&mut self, id: &str) -> Result<Option<Report>, StoreError> {
        let statement = Statement::new(select("WHERE id = $1")).bind(id);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(report_row).transpose()
    }

    async fn reports_naming(
        &mut self,
        prospect: &Prospect,
        customer: Option<&CustomerId>,
    ) -> Result<Vec<Report>, StoreError> {
        let email_folded = prospect.email.as_deref().map(fold_case);
        let account_name_folded = prospect.account_name.as_deref().map(fold_case);
        let statement = Statement::new(select(NAMING))
            .bind(prospect.mobile_key.as_deref())
            .bind(email_folded.as_deref())
            .bind(account_name_folded.as_deref())
            .bind(customer.map(|c| c.0.as_str()));
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(report_row).collect()
    }

    async fn reports_of(
        &mut self,
        partner: &PartnerId,
        page: Page,
    ) -> Result<Paged<Report>, StoreError> {
        let (limit, offset) = sql::limit_offset(page);
        let rows = Statement::new(format!(
            "SELECT {COLUMNS}, COUNT(*) OVER () AS total FROM reports \
             WHERE partner_id = $1 AND status <> $2 ORDER BY seq DESC LIMIT $3 OFFSET $4"
        ))
        .bind(partner.0.as_str())
        .bind(ReportStatus::Deleted.code())
        .bind(limit)
        .bind(offset);
        let count = || {
            Statement::new(
                "SELECT COUNT(*) AS total FROM reports WHERE partner_id = $1 AND status <> $2",
            )
            .bind(partner.0.as_str())
            .bind(ReportStatus::Deleted.code())
        };
        sql::paged(self.connection(), rows, count, report_row).await
    }

    async fn reports_in_status(
        &mut self,
        status: ReportStatus,
        limit: i64,
    ) -> Result<Vec<Report>, StoreError> {
        let statement = Statement::new(select("WHERE status = $1 ORDER BY seq DESC LIMIT $2"))
            .bind(status.code())
            .bind(limit);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(report_row).collect()
    }

    async fn update_report(
        &mut self,
        report: &Report,
        from: ReportStatus,
    ) -> Result<bool, StoreError> {
        let statement = Statement::new(UPDATE)
            .bind(&report.id)
            .bind(report.status.code())
            .bind(report.customer.as_ref().map(|c| c.0.as_str()))
            .bind(report.reported_at.map(Timestamp::millis))
            .bind(report.reason.as_deref())
            .bind(report.reviewed_by.as_deref())
            .bind(from.code());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn insert_invitation(&mut self, invitation: &Invitation) -> Result<(), StoreError> {
        let statement = Statement::new(INSERT_INVITATION)
            .bind(&invitation.code)
            .bind(&invitation.partner.0)
            .bind(invitation.kind.code())
            .bind(invitation.report.as_deref())
            .bind(invitation.label.as_deref())
            .bind(invitation.created_at.millis())
            .bind(invitation.used_at.map(Timestamp::millis));
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn invitation(&mut self, code: &str) -> Result<Option<Invitation>, StoreError> {
        let statement =
            Statement::new(format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE code = $1"))
                .bind(code);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(invitation_row).transpose()
    }

    async fn use_invitation(&mut self, code: &str, at: Timestamp) -> Result<bool, StoreError> {
        let statement = Statement::new(USE_INVITATION).bind(code).bind(at.millis());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn customer_standing(
        &mut self,
        customer: &CustomerId,
    ) -> Result<Option<Standing>, StoreError> {
        let statement =
            Statement::new("SELECT registered_at, restrictions FROM customers WHERE id = $1")
                .bind(&customer.0);
        let Some(row) = self.connection().fetch_optional(statement).await? else {
            return Ok(None);
        };
        let text = row.text("restrictions")?;
        let restrictions = text
            .split('\n')
            .filter(|code| !code.is_empty())
            .map(|code| {
                Restriction::from_code(code)
                    .ok_or_else(|| sql::corrupt("customers.restrictions", code))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A customer inserted unassociated before its standing was set has no registration
        // time: the oldest possible, so that the 7-day rule asks for a report.
        let registered_at = sql::at(row.int_or_null("registered_at")?.unwrap_or(0));
        Ok(Some(Standing { registered_at, restrictions }))
    }

    async fn set_customer_standing(
        &mut self,
        customer: &CustomerId,
        standing: &Standing,
    ) -> Result<(), StoreError> {
        let restrictions = restrictions_text(&standing.restrictions);
        let statement = Statement::new(
            "UPDATE customers SET registered_at = $2, restrictions = $3 WHERE id = $1",
        )
        .bind(&customer.0)
        .bind(standing.registered_at.millis())
        .bind(&restrictions);
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn set_customer_label(
        &mut self,
        customer: &CustomerId,
        label: Option<&str>,
    ) -> Result<(), StoreError> {
        let statement = Statement::new("UPDATE customers SET label = $2 WHERE id = $1")
            .bind(&customer.0)
            .bind(label);
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn partner_holds_name(&mut self, account_name: &str) -> Result<bool, StoreError> {
        let folded = fold_case(account_name);
        let statement = Statement::new("SELECT COUNT(*) AS n FROM partners WHERE name_folded = $1")
            .bind(&folded);
        Ok(self.connection().fetch_one(statement).await?.int("n")? > 0)
    }

    async fn customers_matching(
        &mut self,
        account_name: Option<&str>,
        mobile: Option<&str>,
        email: Option<&str>,
        limit: i64,
    ) -> Result<Vec<CustomerId>, StoreError> {
        let folded = account_name.map(fold_case);
        let key = mobile.and_then(mobile_key);
        let statement = Statement::new(
            "SELECT id FROM customers WHERE account_name_folded = $1 OR mobile_key = $2 \
             OR email = $3 ORDER BY id LIMIT $4",
        )
        .bind(folded.as_deref())
        .bind(key.as_deref())
        .bind(email)
        .bind(limit);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(|row| Ok(CustomerId(row.text("id")?))).collect()
    }
}
