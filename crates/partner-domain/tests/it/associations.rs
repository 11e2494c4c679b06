//! Switching and unbinding an association: who may ask, how often, what blocks it, who answers.

use partner_domain::{
    Timestamp,
    associations::{
        self, AssociationChange, AssociationChangeError as E, ChangeKind, ChangeState,
        CustomerStanding, REQUEST_INTERVAL_MS, Side,
    },
    customers::{AssociationType, Customer, CustomerId},
    partners::PartnerId,
};

fn customer(kind: AssociationType) -> Customer {
    crate::customer_of_p(kind, Timestamp::from_millis(0))
}

fn change(by: Side, at: i64, state: ChangeState) -> AssociationChange {
    AssociationChange {
        id: "r".into(),
        customer: CustomerId("c".into()),
        partner: PartnerId("p".into()),
        kind: ChangeKind::Unbind,
        from: AssociationType::Reseller,
        requested_by: by,
        requested_at: Timestamp::from_millis(at),
        state,
        decided_at: None,
    }
}

const NOW: i64 = 1_000 * REQUEST_INTERVAL_MS;

fn ask(
    kind: ChangeKind,
    by: Side,
    history: &[AssociationChange],
    standing: CustomerStanding,
) -> Result<AssociationType, E> {
    let c = customer(AssociationType::Reseller);
    let p = PartnerId("p".into());
    associations::may_request(&c, &p, kind, by, history, standing, Timestamp::from_millis(NOW))
}

#[test]
fn only_the_associated_partner_or_the_customer_asks_and_a_customer_only_unbinds() {
    let none = CustomerStanding::default();
    assert_eq!(ask(ChangeKind::Switch, Side::Partner, &[], none), Ok(AssociationType::Reseller));
    assert_eq!(ask(ChangeKind::Unbind, Side::Customer, &[], none), Ok(AssociationType::Reseller));
    assert_eq!(
        ask(ChangeKind::Switch, Side::Customer, &[], none),
        Err(E::CustomerMaySwitchOnlyByUnbinding)
    );
    let c = customer(AssociationType::Reseller);
    let other = PartnerId("q".into());
    let res = associations::may_request(
        &c,
        &other,
        ChangeKind::Unbind,
        Side::Partner,
        &[],
        none,
        Timestamp::from_millis(NOW),
    );
    assert_eq!(res, Err(E::NotAssociated("c".into())));
}

#[test]
fn one_request_per_three_months_and_one_waiting_at_a_time() {
    let none = CustomerStanding::default();
    let recent = NOW - REQUEST_INTERVAL_MS + 1;
    let old = NOW - REQUEST_INTERVAL_MS;
    let pending = [change(Side::Partner, old - 5, ChangeState::Pending)];
    assert_eq!(ask(ChangeKind::Unbind, Side::Customer, &pending, none), Err(E::RequestPending));
    let partner_recent = [change(Side::Partner, recent, ChangeState::Rejected)];
    assert_eq!(
        ask(ChangeKind::Switch, Side::Partner, &partner_recent, none),
        Err(E::TooSoon(Timestamp::from_millis(recent + REQUEST_INTERVAL_MS)))
    );
    // The customer's window counts its own requests only; the partner's counts both sides'.
    assert!(ask(ChangeKind::Unbind, Side::Customer, &partner_recent, none).is_ok());
    let customer_recent = [change(Side::Customer, recent, ChangeState::Rejected)];
    assert!(ask(ChangeKind::Unbind, Side::Customer, &customer_recent, none).is_err());
    assert!(ask(ChangeKind::Switch, Side::Partner, &customer_recent, none).is_err());
    // Exactly three months later is allowed.
    let old_one = [change(Side::Partner, old, ChangeState::Accepted)];
    assert!(ask(ChangeKind::Switch, Side::Partner, &old_one, none).is_ok());
}

#[test]
fn reserved_instances_and_post_pay_block_a_switch_and_arrears_block_a_resellers_unbind() {
    let ri = CustomerStanding { has_reserved_instances: true, ..CustomerStanding::default() };
    let post_pay = CustomerStanding { post_pay: true, ..CustomerStanding::default() };
    let arrears = CustomerStanding { in_arrears: true, ..CustomerStanding::default() };
    assert_eq!(ask(ChangeKind::Switch, Side::Partner, &[], ri), Err(E::ReservedInstances));
    assert_eq!(ask(ChangeKind::Switch, Side::Partner, &[], post_pay), Err(E::PostPayCannotSwitch));
    assert_eq!(ask(ChangeKind::Unbind, Side::Partner, &[], arrears), Err(E::InArrears));
    assert!(ask(ChangeKind::Switch, Side::Partner, &[], arrears).is_ok());
    assert!(ask(ChangeKind::Unbind, Side::Partner, &[], ri).is_ok());
    // A referral customer's arrears are its own business with the cloud.
    let referral = customer(AssociationType::Referral);
    let p = PartnerId("p".into());
    let res = associations::may_request(
        &referral,
        &p,
        ChangeKind::Unbind,
        Side::Partner,
        &[],
        arrears,
        Timestamp::from_millis(NOW),
    );
    assert_eq!(res, Ok(AssociationType::Referral));
}

#[test]
fn the_other_side_answers_a_waiting_request_and_acceptance_changes_the_association() {
    let asked = change(Side::Partner, 0, ChangeState::Pending);
    assert_eq!(associations::may_answer(&asked, Side::Customer), Ok(()));
    assert_eq!(associations::may_answer(&asked, Side::Partner), Err(E::NotTheCounterparty));
    let done = change(Side::Partner, 0, ChangeState::Accepted);
    assert_eq!(associations::may_answer(&done, Side::Customer), Err(E::NotPending));

    let none = CustomerStanding::default();
    let reseller = customer(AssociationType::Reseller);
    assert_eq!(associations::accept(&reseller, &asked, none), Ok(None));
    let arrears = CustomerStanding { in_arrears: true, ..none };
    assert_eq!(associations::accept(&reseller, &asked, arrears), Err(E::InArrears));
    let switch = AssociationChange { kind: ChangeKind::Switch, ..asked };
    let switched = associations::accept(&reseller, &switch, arrears).unwrap().unwrap();
    assert_eq!(switched.kind, AssociationType::Referral);
    assert_eq!(switched.associated_on, Timestamp::from_millis(0), "the association time stays");
}
