//! The `partners` table: partners, their hierarchy, and a distributor's list of resellers.

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    customers::{FuzzyPattern, fold_case, mobile_key},
    paging::{Page, Paged},
    partners::{IndirectPartnerFilter, Partner, PartnerId, PartnerKind},
};

use crate::{
    PartnerRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str = "id, name, kind, parent_id, email, mobile_phone, associated_on, \
     xaccount_types, realname_attachments";

/// `SELECT` of every column from `partners`, then `rest`.
fn select(rest: &str) -> String {
    format!("SELECT {COLUMNS} FROM partners {rest}")
}

const INSERT: &str = "INSERT INTO partners (id, name, name_folded, kind, parent_id, email, \
     mobile_phone, associated_on, xaccount_types, mobile_key, realname_attachments) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
     ON CONFLICT (id) DO NOTHING";

/// A distributor's resellers as `IndirectPartnerFilter::matches` filters them, each filter
/// NULL when absent: `$2` the folded account name they contain, `$3` an id, `$4` and `$5` the
/// bounds of their association time.
const INDIRECT_PARTNERS: &str = "parent_id = $1 \
     AND ($2 IS NULL OR replace(name_folded, $2, '') <> name_folded) \
     AND ($3 IS NULL OR id = $3) \
     AND ($4 IS NULL OR associated_on >= $4) AND ($5 IS NULL OR associated_on <= $5)";

/// Partners written before names were kept folded too (migration 0003).
const UNFOLDED: &str = "SELECT id, name FROM partners WHERE name_folded IS NULL ORDER BY id";
const FOLD: &str = "UPDATE partners SET name_folded = $1 WHERE id = $2";

fn partner_row(row: &impl Columns) -> Result<Partner, StoreError> {
    let kind = row.text("kind")?;
    Ok(Partner {
        id: PartnerId(row.text("id")?),
        name: row.text("name")?,
        kind: PartnerKind::from_code(&kind).ok_or_else(|| sql::corrupt("partners.kind", kind))?,
        parent: row.text_or_null("parent_id")?.map(PartnerId),
        email: row.text_or_null("email")?,
        mobile_phone: row.text_or_null("mobile_phone")?,
        associated_on: sql::at(row.int("associated_on")?),
        xaccount_types: row
            .text("xaccount_types")?
            .split('\n')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        realname_attachments: row.int("realname_attachments")? != 0,
    })
}

#[async_trait]
impl<T: Backend> PartnerRows for T {
    async fn partner(&mut self, id: &PartnerId) -> Result<Option<Partner>, StoreError> {
        let statement = Statement::new(select("WHERE id = $1")).bind(&id.0);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(partner_row).transpose()
    }

    async fn partners_by_ids(&mut self, ids: &[PartnerId]) -> Result<Vec<Partner>, StoreError> {
        let mut partners = Vec::new();
        for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, &select("WHERE id IN ("));
            statement.push_list(chunk.iter().map(|id| &id.0)).push(")");
            for row in self.connection().fetch_all(statement).await? {
                partners.push(partner_row(&row)?);
            }
        }
        Ok(partners)
    }

    async fn insert_partner(&mut self, partner: &Partner) -> Result<bool, StoreError> {
        let name_folded = fold_case(&partner.name);
        let xaccount_types = partner.xaccount_types.join("\n");
        let mobile_key = partner.mobile_phone.as_deref().and_then(mobile_key);
        let statement = Statement::new(INSERT)
            .bind(&partner.id.0)
            .bind(&partner.name)
            .bind(&name_folded)
            .bind(partner.kind.code())
            .bind(partner.parent.as_ref().map(|p| p.0.as_str()))
            .bind(partner.email.as_deref())
            .bind(partner.mobile_phone.as_deref())
            .bind(partner.associated_on.millis())
            .bind(&xaccount_types)
            .bind(mobile_key.as_deref())
            .bind(i64::from(partner.realname_attachments));
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn indirect_partners(
        &mut self,
        distributor: &PartnerId,
        filter: &IndirectPartnerFilter,
        page: Page,
    ) -> Result<Paged<Partner>, StoreError> {
        let name = FuzzyPattern::new(filter.account_name.as_deref(), false);
        if name == FuzzyPattern::MatchesNone {
            return Ok(Paged { total: 0, rows: Vec::new() });
        }
        let id = filter.indirect_partner_id.as_deref().filter(|id| !id.is_empty());
        let statement = |sql: String| {
            Statement::new(sql)
                .bind(distributor.0.as_str())
                .bind(sql::contained(&name))
                .bind(id)
                .bind(filter.associated_on_begin.map(Timestamp::millis))
                .bind(filter.associated_on_end.map(Timestamp::millis))
        };
        let (limit, offset) = sql::limit_offset(page);
        let rows = statement(format!(
            "SELECT {COLUMNS}, COUNT(*) OVER () AS total FROM partners \
             WHERE {INDIRECT_PARTNERS} ORDER BY associated_on, id LIMIT $6 OFFSET $7"
        ))
        .bind(limit)
        .bind(offset);
        let count = || {
            statement(format!("SELECT COUNT(*) AS total FROM partners WHERE {INDIRECT_PARTNERS}"))
        };
        sql::paged(self.connection(), rows, count, partner_row).await
    }
}

/// Gives every partner written before migration 0003 its folded name.
pub(crate) async fn fold_names<T: Backend>(tx: &mut T) -> Result<(), StoreError> {
    for row in tx.connection().fetch_all(Statement::new(UNFOLDED)).await? {
        let (id, folded) = (row.text("id")?, fold_case(&row.text("name")?));
        tx.connection().execute(Statement::new(FOLD).bind(&folded).bind(&id)).await?;
    }
    Ok(())
}
