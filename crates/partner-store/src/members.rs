//! The `partner_roles` and `partner_members` tables: a partner's organization.

use async_trait::async_trait;
use partner_domain::{
    members::{Member, Role},
    partners::PartnerId,
};

use crate::{
    MemberRows, StoreError,
    sql::{Backend, Columns, Connection, Statement},
};

const INSERT_ROLE: &str = "INSERT INTO partner_roles (partner_id, name, permissions) \
     VALUES ($1, $2, $3) ON CONFLICT (partner_id, name) DO NOTHING";
const ROLES_OF: &str =
    "SELECT partner_id, name, permissions FROM partner_roles WHERE partner_id = $1 ORDER BY name";
const INSERT_MEMBER: &str = "INSERT INTO partner_members (partner_id, name, roles) \
     VALUES ($1, $2, $3) ON CONFLICT (partner_id, name) DO NOTHING";
const MEMBER: &str =
    "SELECT partner_id, name, roles FROM partner_members WHERE partner_id = $1 AND name = $2";
const MEMBERS_OF: &str =
    "SELECT partner_id, name, roles FROM partner_members WHERE partner_id = $1 ORDER BY name";

/// A list stored one item per line; items never hold a line break (the domain checks names).
fn lines(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn role_row(row: &impl Columns) -> Result<Role, StoreError> {
    Ok(Role {
        partner: PartnerId(row.text("partner_id")?),
        name: row.text("name")?,
        permissions: lines(&row.text("permissions")?),
    })
}

fn member_row(row: &impl Columns) -> Result<Member, StoreError> {
    Ok(Member {
        partner: PartnerId(row.text("partner_id")?),
        name: row.text("name")?,
        roles: lines(&row.text("roles")?),
    })
}

#[async_trait]
impl<T: Backend> MemberRows for T {
    async fn insert_role(&mut self, role: &Role) -> Result<bool, StoreError> {
        let permissions = role.permissions.join("\n");
        let statement =
            Statement::new(INSERT_ROLE).bind(&role.partner.0).bind(&role.name).bind(&permissions);
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn roles_of(&mut self, partner: &PartnerId) -> Result<Vec<Role>, StoreError> {
        let rows = self.connection().fetch_all(Statement::new(ROLES_OF).bind(&partner.0)).await?;
        rows.iter().map(role_row).collect()
    }

    async fn insert_member(&mut self, member: &Member) -> Result<bool, StoreError> {
        let roles = member.roles.join("\n");
        let statement =
            Statement::new(INSERT_MEMBER).bind(&member.partner.0).bind(&member.name).bind(&roles);
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn member(
        &mut self,
        partner: &PartnerId,
        name: &str,
    ) -> Result<Option<Member>, StoreError> {
        let statement = Statement::new(MEMBER).bind(&partner.0).bind(name);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(member_row).transpose()
    }

    async fn members_of(&mut self, partner: &PartnerId) -> Result<Vec<Member>, StoreError> {
        let rows = self.connection().fetch_all(Statement::new(MEMBERS_OF).bind(&partner.0)).await?;
        rows.iter().map(member_row).collect()
    }
}
