//! Who may call: operators (`operators`) and access keys (`access_keys`).

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    access::{AccessKey, OwnerKind},
};

use crate::{
    AccessRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const OPERATOR_EXISTS: &str = "SELECT COUNT(*) AS total FROM operators WHERE name = $1";
const INSERT_OPERATOR: &str = "INSERT INTO operators (name) VALUES ($1) ON CONFLICT DO NOTHING";

const KEY_COLUMNS: &str = "ak, sk, owner_kind, owner_id, member, created_at, revoked_at";

const INSERT_KEY: &str = "INSERT INTO access_keys (ak, sk, owner_kind, owner_id, created_at, \
     revoked_at, member) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ak) DO NOTHING";

const REVOKE_KEY: &str =
    "UPDATE access_keys SET revoked_at = $1 WHERE ak = $2 AND revoked_at IS NULL";

fn access_key_row(row: &impl Columns) -> Result<AccessKey, StoreError> {
    let owner_kind = row.text("owner_kind")?;
    Ok(AccessKey {
        ak: row.text("ak")?,
        sk: row.text("sk")?,
        owner_kind: OwnerKind::from_code(&owner_kind)
            .ok_or_else(|| sql::corrupt("access_keys.owner_kind", owner_kind))?,
        owner_id: row.text("owner_id")?,
        member: row.text_or_null("member")?,
        created_at: sql::at(row.int("created_at")?),
        revoked_at: row.int_or_null("revoked_at")?.map(sql::at),
    })
}

#[async_trait]
impl<T: Backend> AccessRows for T {
    async fn operator_exists(&mut self, name: &str) -> Result<bool, StoreError> {
        let row = self.connection().fetch_one(Statement::new(OPERATOR_EXISTS).bind(name)).await?;
        Ok(row.int("total")? > 0)
    }

    async fn insert_operator(&mut self, name: &str) -> Result<bool, StoreError> {
        Ok(self.connection().execute(Statement::new(INSERT_OPERATOR).bind(name)).await? == 1)
    }

    async fn access_key(&mut self, ak: &str) -> Result<Option<AccessKey>, StoreError> {
        let statement =
            Statement::new(format!("SELECT {KEY_COLUMNS} FROM access_keys WHERE ak = $1")).bind(ak);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(access_key_row).transpose()
    }

    async fn insert_access_key(&mut self, key: &AccessKey) -> Result<bool, StoreError> {
        let statement = Statement::new(INSERT_KEY)
            .bind(&key.ak)
            .bind(&key.sk)
            .bind(key.owner_kind.code())
            .bind(&key.owner_id)
            .bind(key.created_at.millis())
            .bind(key.revoked_at.map(Timestamp::millis))
            .bind(key.member.as_deref());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn access_keys(&mut self) -> Result<Vec<AccessKey>, StoreError> {
        let statement = Statement::new(format!(
            "SELECT {KEY_COLUMNS} FROM access_keys ORDER BY created_at, ak"
        ));
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(access_key_row).collect()
    }

    async fn revoke_access_key(&mut self, ak: &str, at: Timestamp) -> Result<bool, StoreError> {
        let statement = Statement::new(REVOKE_KEY).bind(at.millis()).bind(ak);
        Ok(self.connection().execute(statement).await? == 1)
    }
}
