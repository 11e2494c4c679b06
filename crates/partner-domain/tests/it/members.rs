//! A partner's members and roles: names, permission items, the three-role cap, and who may call
//! an operation.

use std::collections::BTreeSet;

use partner_domain::{
    members::{self, Member, MemberError, Role},
    partners::PartnerId,
};

fn role(name: &str, items: &[&str]) -> Role {
    Role {
        partner: PartnerId("acme".into()),
        name: name.into(),
        permissions: items.iter().map(|i| (*i).to_owned()).collect(),
    }
}

fn member(roles: &[&str]) -> Member {
    Member {
        partner: PartnerId("acme".into()),
        name: "alice".into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    }
}

#[test]
fn permission_items_have_the_real_shape() {
    for item in ["BPC_ITEM_SUBCUSTSERV_010118", "BPC_ITEM_SALES_020100", "BPC_ITEM_VIEW_010100"] {
        assert_eq!(members::check_permission_item(item), Ok(()), "{item}");
    }
    for item in
        ["", "BPC_ITEM_", "BPC_ITEM_SALES_02010", "BPC_ITEM_sales_020100", "ITEM_SALES_020100"]
    {
        assert!(members::check_permission_item(item).is_err(), "{item}");
    }
}

#[test]
fn a_member_holds_at_most_three_of_its_partners_roles() {
    let roles = [role("a", &[]), role("b", &[]), role("c", &[]), role("d", &[])];
    assert_eq!(members::check_member(&member(&["a", "b", "c"]), &roles), Ok(()));
    assert_eq!(
        members::check_member(&member(&["a", "b", "c", "d"]), &roles),
        Err(MemberError::TooManyRoles)
    );
    assert_eq!(
        members::check_member(&member(&["zzz"]), &roles),
        Err(MemberError::UnknownRole("zzz".into()))
    );
    let foreign = Role { partner: PartnerId("other".into()), ..role("x", &[]) };
    assert!(members::check_member(&member(&["x"]), &[foreign]).is_err());
    let bad_name = Member { name: "has space".into(), ..member(&[]) };
    assert_eq!(members::check_member(&bad_name, &roles), Err(MemberError::NameMalformed));
}

#[test]
fn any_one_listed_item_admits_and_an_operation_listing_none_admits_every_member() {
    let roles = [
        role("viewer", &["BPC_ITEM_SUBCUSTSERV_010500"]),
        role("creator", &["BPC_ITEM_SUBCUSTSERV_010118"]),
        role("unheld", &["BPC_ITEM_SALES_020100"]),
    ];
    let grant = members::grant(&member(&["viewer", "creator"]), &roles);
    let expected: BTreeSet<String> =
        ["BPC_ITEM_SUBCUSTSERV_010118", "BPC_ITEM_SUBCUSTSERV_010500"].map(str::to_owned).into();
    assert_eq!(grant, expected);
    let list = ["BPC_ITEM_SUBCUSTSERV_010100".to_owned(), "BPC_ITEM_SUBCUSTSERV_010500".to_owned()];
    assert_eq!(members::may_call(&grant, &list), Ok(()));
    assert_eq!(members::may_call(&grant, &[]), Ok(()));
    assert_eq!(
        members::may_call(&grant, &["BPC_ITEM_SALES_020100".to_owned()]),
        Err(MemberError::PermissionItemMissing("BPC_ITEM_SALES_020100".into()))
    );
    assert!(members::may_call(&BTreeSet::new(), &list).is_err());
}
