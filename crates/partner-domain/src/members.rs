//! A partner's organization: its members (operator accounts, 操作员) and the roles that hold
//! their permission items (customers.md §10).
//!
//! A member acts as its partner, with less: an operation that lists permission items may be
//! called by a member holding any one of them; an operation that lists none, by every member.
//! The partner's main account holds every item.

use std::collections::BTreeSet;

use crate::partners::PartnerId;

/// A member holds at most this many roles (组织成员 "one operator may hold at most 3 roles").
pub const MAX_ROLES_PER_MEMBER: usize = 3;

/// A named set of permission items of one partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub partner: PartnerId,
    pub name: String,
    /// Permission items such as `BPC_ITEM_SUBCUSTSERV_010118`.
    pub permissions: Vec<String>,
}

/// An operator account of a partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub partner: PartnerId,
    pub name: String,
    /// The names of its roles, at most [`MAX_ROLES_PER_MEMBER`].
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("a member or role name is 1 to 64 letters, digits, '-', '_' and '.'")]
    NameMalformed,
    #[error("a permission item looks like BPC_ITEM_SUBCUSTSERV_010118, not {0:?}")]
    PermissionItemMalformed(String),
    #[error("a member holds at most 3 roles")]
    TooManyRoles,
    #[error("the partner has no role {0:?}")]
    UnknownRole(String),
    /// `CBC.0151`: the member's roles hold none of the operation's permission items.
    #[error("the operator account holds none of the permission items {0}")]
    PermissionItemMissing(String),
}

impl MemberError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            MemberError::NameMalformed => "NameMalformed",
            MemberError::PermissionItemMalformed(_) => "PermissionItemMalformed",
            MemberError::TooManyRoles => "TooManyRoles",
            MemberError::UnknownRole(_) => "UnknownRole",
            MemberError::PermissionItemMissing(_) => "PermissionItemMissing",
        }
    }
}

/// Names of members and roles travel in audit events and URLs: kept plain.
pub fn check_name(name: &str) -> Result<(), MemberError> {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.len() > 64 || !name.chars().all(plain) {
        return Err(MemberError::NameMalformed);
    }
    Ok(())
}

/// `BPC_ITEM_` then an upper-case area, `_`, and six digits.
pub fn check_permission_item(item: &str) -> Result<(), MemberError> {
    let malformed = || MemberError::PermissionItemMalformed(item.to_owned());
    let rest = item.strip_prefix("BPC_ITEM_").ok_or_else(malformed)?;
    let (area, number) = rest.rsplit_once('_').ok_or_else(malformed)?;
    let area_ok = !area.is_empty() && area.bytes().all(|b| b.is_ascii_uppercase());
    let number_ok = number.len() == 6 && number.bytes().all(|b| b.is_ascii_digit());
    if !(area_ok && number_ok) {
        return Err(malformed());
    }
    Ok(())
}

/// A role as it may be stored: a plain name and well-formed items.
pub fn check_role(role: &Role) -> Result<(), MemberError> {
    check_name(&role.name)?;
    role.permissions.iter().try_for_each(|item| check_permission_item(item))
}

/// A member as it may be stored: a plain name and at most three of the partner's roles.
pub fn check_member(member: &Member, roles: &[Role]) -> Result<(), MemberError> {
    check_name(&member.name)?;
    if member.roles.len() > MAX_ROLES_PER_MEMBER {
        return Err(MemberError::TooManyRoles);
    }
    for name in &member.roles {
        if !roles.iter().any(|r| &r.name == name && r.partner == member.partner) {
            return Err(MemberError::UnknownRole(name.clone()));
        }
    }
    Ok(())
}

/// Every permission item a member's roles hold.
pub fn grant(member: &Member, roles: &[Role]) -> BTreeSet<String> {
    roles
        .iter()
        .filter(|r| r.partner == member.partner && member.roles.contains(&r.name))
        .flat_map(|r| r.permissions.iter().cloned())
        .collect()
}

/// Whether a member holding `grant` may call an operation listing `required` items: any one
/// of them will do; an operation listing none is open to every member.
pub fn may_call(grant: &BTreeSet<String>, required: &[String]) -> Result<(), MemberError> {
    if required.is_empty() || required.iter().any(|item| grant.contains(item)) {
        return Ok(());
    }
    Err(MemberError::PermissionItemMissing(required.join("|")))
}
