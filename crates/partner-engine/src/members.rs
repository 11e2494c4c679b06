//! A partner's organization through the operator API: its roles and members (operator
//! accounts). Members' permission items are checked by the gateway; here they are made.

use partner_domain::{
    members::{self, Member, Role},
    partners::PartnerId,
};

use crate::{Caller, Engine, EngineError};

/// A partner's roles and members, by name.
#[derive(Clone, Debug)]
pub struct OrganizationView {
    pub roles: Vec<Role>,
    pub members: Vec<Member>,
}

impl Engine {
    /// Every role and member of a partner. Operators only.
    pub async fn show_partner_organization(
        &self,
        caller: &Caller,
        partner_id: &str,
    ) -> Result<OrganizationView, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.read().await?;
        let partner = self.existing_partner(&mut *tx, partner_id).await?;
        let roles = tx.roles_of(&partner).await?;
        Ok(OrganizationView { roles, members: tx.members_of(&partner).await? })
    }

    /// Gives a partner a role. A role's name is its identity: an existing one is not changed.
    pub async fn create_partner_role(
        &self,
        caller: &Caller,
        partner_id: &str,
        name: String,
        permissions: Vec<String>,
    ) -> Result<OrganizationView, EngineError> {
        self.calling_operator(caller)?;
        let target = format!("partner:{partner_id}/role:{name}");
        let res = async {
            let mut tx = self.store.write().await?;
            let partner = self.existing_partner(&mut *tx, partner_id).await?;
            let role = Role { partner: partner.clone(), name, permissions };
            members::check_role(&role)?;
            if !tx.insert_role(&role).await? {
                return Err(EngineError::Conflict(format!(
                    "the partner has a role {:?}",
                    role.name
                )));
            }
            let now = self.now(&mut *tx).await?;
            self.audit(&mut *tx, caller, now, "CreatePartnerRole", target.clone()).await?;
            let roles = tx.roles_of(&partner).await?;
            let view = OrganizationView { roles, members: tx.members_of(&partner).await? };
            tx.commit().await?;
            Ok(view)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "CreatePartnerRole", target, err).await;
        }
        res
    }

    /// Gives a partner a member holding up to three of its roles.
    pub async fn create_partner_member(
        &self,
        caller: &Caller,
        partner_id: &str,
        name: String,
        roles: Vec<String>,
    ) -> Result<OrganizationView, EngineError> {
        self.calling_operator(caller)?;
        let target = format!("partner:{partner_id}/member:{name}");
        let res = async {
            let mut tx = self.store.write().await?;
            let partner = self.existing_partner(&mut *tx, partner_id).await?;
            let member = Member { partner: partner.clone(), name, roles };
            let partner_roles = tx.roles_of(&partner).await?;
            members::check_member(&member, &partner_roles)?;
            if !tx.insert_member(&member).await? {
                let name = member.name;
                return Err(EngineError::Conflict(format!("the partner has a member {name:?}")));
            }
            let now = self.now(&mut *tx).await?;
            self.audit(&mut *tx, caller, now, "CreatePartnerMember", target.clone()).await?;
            let view =
                OrganizationView { roles: partner_roles, members: tx.members_of(&partner).await? };
            tx.commit().await?;
            Ok(view)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "CreatePartnerMember", target, err).await;
        }
        res
    }

    async fn existing_partner(
        &self,
        tx: &mut dyn partner_store::Tx,
        partner_id: &str,
    ) -> Result<PartnerId, EngineError> {
        let id = PartnerId(partner_id.to_owned());
        match tx.partner(&id).await? {
            Some(_) => Ok(id),
            None => Err(EngineError::UnknownOwner { kind: "partner", id: partner_id.to_owned() }),
        }
    }
}
