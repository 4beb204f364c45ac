//! Membership rules (SPEC §2): an organization always keeps one member and one
//! Owner, and a user belongs to a bounded number of organizations. The server
//! loads the counts inside the transaction that makes the change and asks these
//! functions; the app asks them to disable and explain.

use crate::error::{Denial, ErrorCode};
use crate::roles::{AccountKind, OrgRole};

/// Limits a deployment may configure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How many organizations one user may belong to (created or joined).
    pub max_orgs_per_user: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_orgs_per_user: 5,
        }
    }
}

/// What is known about one organization when a member's place in it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headcount {
    pub n_members: u32,
    pub n_owners: u32,
}

/// May a user who already belongs to `n_organizations` organizations create or join
/// one more?
pub fn check_join(n_organizations: u32, limits: Limits) -> Result<(), Denial> {
    if n_organizations >= limits.max_orgs_per_user {
        Err(Denial::new(
            ErrorCode::OrgLimitReached,
            format!(
                "You already belong to {n_organizations} organizations, the most one person can. Leave one first."
            ),
        ))
    } else {
        Ok(())
    }
}

/// May one more person be invited to an organization on `plan` that has
/// `n_members` members and `n_pending` pending invitations?
pub fn check_seat(plan: crate::Plan, n_members: u32, n_pending: u32) -> Result<(), Denial> {
    match plan.max_members() {
        Some(max) if n_members + n_pending >= max => Err(Denial::new(
            ErrorCode::MemberLimitReached,
            format!(
                "The {} plan holds {max} member{}; {} seat{} used ({n_members} member{} and {n_pending} pending invitation{}). Change the plan or revoke an invitation first.",
                plan.label(),
                if max == 1 { "" } else { "s" },
                n_members + n_pending,
                if n_members + n_pending == 1 { " is" } else { "s are" },
                if n_members == 1 { "" } else { "s" },
                if n_pending == 1 { "" } else { "s" },
            ),
        )),
        _ => Ok(()),
    }
}

/// May an organization with `n_members` members and `n_pending` pending
/// invitations move to `plan`?
pub fn check_plan_change(plan: crate::Plan, n_members: u32, n_pending: u32) -> Result<(), Denial> {
    match plan.max_members() {
        Some(max) if n_members + n_pending > max => Err(Denial::new(
            ErrorCode::PlanTooSmall,
            format!(
                "The {} plan holds {max} member{}, but {} seats are used ({n_members} members and {n_pending} pending invitations). Remove members or revoke invitations first.",
                plan.label(),
                if max == 1 { "" } else { "s" },
                n_members + n_pending,
            ),
        )),
        _ => Ok(()),
    }
}

/// Seats used and the plan's seats, for "2 of 3 seats used".
pub fn seats_label(plan: crate::Plan, used: u32) -> String {
    match plan.max_members() {
        Some(max) => format!("{used} of {max} seats used"),
        None => format!("{used} seats used (unlimited)"),
    }
}

/// May a member with `role` leave an account of `kind` with this headcount?
pub fn check_leave(kind: AccountKind, role: OrgRole, headcount: Headcount) -> Result<(), Denial> {
    if kind == AccountKind::Personal {
        return Err(Denial::new(
            ErrorCode::Forbidden,
            "You cannot leave your personal account.",
        ));
    }
    if headcount.n_members <= 1 {
        return Err(Denial::new(
            ErrorCode::LastMember,
            "You are the only member. Delete the organization instead of leaving it.",
        ));
    }
    check_losing_owner(role, headcount, "leave")
}

/// May a member with `role` be removed from an organization with this headcount?
pub fn check_remove(role: OrgRole, headcount: Headcount) -> Result<(), Denial> {
    check_losing_owner(role, headcount, "be removed")
}

/// May a member's role change from `from` to `to`?
pub fn check_role_change(from: OrgRole, to: OrgRole, headcount: Headcount) -> Result<(), Denial> {
    if to == OrgRole::Owner {
        return Ok(());
    }
    check_losing_owner(from, headcount, "be demoted")
}

fn check_losing_owner(role: OrgRole, headcount: Headcount, verb: &str) -> Result<(), Denial> {
    if role == OrgRole::Owner && headcount.n_owners <= 1 {
        Err(Denial::new(
            ErrorCode::LastOwner,
            format!(
                "The last Owner cannot {verb}. Transfer ownership or make another member an Owner first."
            ),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{decide, Permission};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const ORG: AccountKind = AccountKind::Organization;

    fn count(n_members: u32, n_owners: u32) -> Headcount {
        Headcount {
            n_members,
            n_owners,
        }
    }

    #[test]
    fn the_limit_counts_organizations_already_joined() {
        let limits = Limits::default();
        assert_eq!(check_join(4, limits), Ok(()));
        assert_eq!(
            check_join(5, limits).unwrap_err().code,
            ErrorCode::OrgLimitReached
        );
        let two = Limits {
            max_orgs_per_user: 2,
        };
        assert_eq!(check_join(1, two), Ok(()));
        assert_eq!(
            check_join(2, two).unwrap_err().code,
            ErrorCode::OrgLimitReached
        );
    }

    #[test]
    fn the_last_member_cannot_leave_even_as_last_owner() {
        assert_eq!(
            check_leave(ORG, OrgRole::Owner, count(1, 1))
                .unwrap_err()
                .code,
            ErrorCode::LastMember
        );
    }

    #[test]
    fn the_last_owner_cannot_leave_be_removed_or_be_demoted() {
        assert_eq!(
            check_leave(ORG, OrgRole::Owner, count(2, 1))
                .unwrap_err()
                .code,
            ErrorCode::LastOwner
        );
        assert_eq!(
            check_remove(OrgRole::Owner, count(2, 1)).unwrap_err().code,
            ErrorCode::LastOwner
        );
        assert_eq!(
            check_role_change(OrgRole::Owner, OrgRole::Admin, count(2, 1))
                .unwrap_err()
                .code,
            ErrorCode::LastOwner
        );
        assert_eq!(
            check_role_change(OrgRole::Owner, OrgRole::Owner, count(2, 1)),
            Ok(())
        );
    }

    #[test]
    fn an_owner_among_owners_and_other_members_may_go() {
        assert_eq!(check_leave(ORG, OrgRole::Owner, count(2, 2)), Ok(()));
        assert_eq!(check_leave(ORG, OrgRole::Viewer, count(2, 1)), Ok(()));
        assert_eq!(check_remove(OrgRole::Tech, count(3, 1)), Ok(()));
        assert_eq!(
            check_role_change(OrgRole::Admin, OrgRole::Viewer, count(3, 1)),
            Ok(())
        );
    }

    #[test]
    fn members_and_pending_invitations_share_the_plans_seats() {
        use crate::Plan;
        assert_eq!(check_seat(Plan::Starter, 2, 0), Ok(()));
        assert_eq!(
            check_seat(Plan::Starter, 2, 1).unwrap_err().code,
            ErrorCode::MemberLimitReached
        );
        assert_eq!(
            check_seat(Plan::Starter, 3, 0).unwrap_err().code,
            ErrorCode::MemberLimitReached
        );
        assert_eq!(
            check_seat(Plan::Hobby, 1, 0).unwrap_err().code,
            ErrorCode::MemberLimitReached
        );
        assert_eq!(check_seat(Plan::Enterprise, 10_000, 5_000), Ok(()));
        let message = check_seat(Plan::Starter, 2, 1).unwrap_err().message;
        assert!(
            message.contains("3 seats are used (2 members and 1 pending invitation)"),
            "{message}"
        );
    }

    #[test]
    fn a_plan_must_hold_members_and_pending_invitations() {
        use crate::Plan;
        assert_eq!(check_plan_change(Plan::Starter, 3, 0), Ok(()));
        assert_eq!(
            check_plan_change(Plan::Starter, 2, 2).unwrap_err().code,
            ErrorCode::PlanTooSmall
        );
        assert_eq!(
            check_plan_change(Plan::Hobby, 2, 0).unwrap_err().code,
            ErrorCode::PlanTooSmall
        );
        assert_eq!(check_plan_change(Plan::Enterprise, 500, 0), Ok(()));
        assert_eq!(seats_label(Plan::Starter, 2), "2 of 3 seats used");
        assert_eq!(seats_label(Plan::Enterprise, 2), "2 seats used (unlimited)");
    }

    #[test]
    fn nobody_leaves_a_personal_account() {
        assert_eq!(
            check_leave(AccountKind::Personal, OrgRole::Owner, count(1, 1))
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
    }

    /// A model of the server's state, changed only through the rules above, as the
    /// server changes its database.
    #[derive(Debug, Default)]
    struct World {
        next_org: u32,
        /// organization → (user → role)
        orgs: BTreeMap<u32, BTreeMap<u8, OrgRole>>,
    }

    #[derive(Clone, Debug)]
    enum Command {
        Create {
            user: u8,
        },
        Join {
            user: u8,
            org: u8,
            role: OrgRole,
        },
        Leave {
            user: u8,
            org: u8,
        },
        Remove {
            actor: u8,
            user: u8,
            org: u8,
        },
        ChangeRole {
            actor: u8,
            user: u8,
            org: u8,
            role: OrgRole,
        },
        Delete {
            actor: u8,
            org: u8,
        },
    }

    fn role() -> impl Strategy<Value = OrgRole> {
        prop::sample::select(OrgRole::ALL.to_vec())
    }

    fn command() -> impl Strategy<Value = Command> {
        let user = 0u8..6;
        let org = 0u8..12;
        prop_oneof![
            user.clone().prop_map(|user| Command::Create { user }),
            (user.clone(), org.clone(), role()).prop_map(|(user, org, role)| Command::Join {
                user,
                org,
                role
            }),
            (user.clone(), org.clone()).prop_map(|(user, org)| Command::Leave { user, org }),
            (user.clone(), user.clone(), org.clone())
                .prop_map(|(actor, user, org)| Command::Remove { actor, user, org }),
            (user.clone(), user.clone(), org.clone(), role()).prop_map(
                |(actor, user, org, role)| Command::ChangeRole {
                    actor,
                    user,
                    org,
                    role
                }
            ),
            (user, org).prop_map(|(actor, org)| Command::Delete { actor, org }),
        ]
    }

    impl World {
        fn n_orgs_of(&self, user: u8) -> u32 {
            self.orgs
                .values()
                .filter(|members| members.contains_key(&user))
                .count() as u32
        }

        fn headcount(members: &BTreeMap<u8, OrgRole>) -> Headcount {
            Headcount {
                n_members: members.len() as u32,
                n_owners: members.values().filter(|r| **r == OrgRole::Owner).count() as u32,
            }
        }

        fn org_id(&self, index: u8) -> Option<u32> {
            let ids: Vec<u32> = self.orgs.keys().copied().collect();
            (!ids.is_empty()).then(|| ids[usize::from(index) % ids.len()])
        }

        /// Applies a command if the rules allow it, as the server would.
        fn apply(&mut self, command: &Command, limits: Limits) {
            match *command {
                Command::Create { user } => {
                    if check_join(self.n_orgs_of(user), limits).is_ok() {
                        self.orgs
                            .insert(self.next_org, BTreeMap::from([(user, OrgRole::Owner)]));
                        self.next_org += 1;
                    }
                }
                Command::Join { user, org, role } => {
                    let Some(id) = self.org_id(org) else { return };
                    if !self.orgs[&id].contains_key(&user)
                        && check_join(self.n_orgs_of(user), limits).is_ok()
                    {
                        self.orgs.get_mut(&id).unwrap().insert(user, role);
                    }
                }
                Command::Leave { user, org } => {
                    let Some(id) = self.org_id(org) else { return };
                    let members = &self.orgs[&id];
                    if let Some(role) = members.get(&user) {
                        if check_leave(ORG, *role, Self::headcount(members)).is_ok() {
                            self.orgs.get_mut(&id).unwrap().remove(&user);
                        }
                    }
                }
                Command::Remove { actor, user, org } => {
                    let Some(id) = self.org_id(org) else { return };
                    let members = &self.orgs[&id];
                    if let (Some(actor_role), Some(role)) =
                        (members.get(&actor), members.get(&user))
                    {
                        if decide(ORG, *actor_role, Permission::ManageMembers).is_ok()
                            && check_remove(*role, Self::headcount(members)).is_ok()
                        {
                            self.orgs.get_mut(&id).unwrap().remove(&user);
                        }
                    }
                }
                Command::ChangeRole {
                    actor,
                    user,
                    org,
                    role: to,
                } => {
                    let Some(id) = self.org_id(org) else { return };
                    let members = &self.orgs[&id];
                    if let (Some(actor_role), Some(from)) =
                        (members.get(&actor), members.get(&user))
                    {
                        if decide(ORG, *actor_role, Permission::ManageMembers).is_ok()
                            && check_role_change(*from, to, Self::headcount(members)).is_ok()
                        {
                            self.orgs.get_mut(&id).unwrap().insert(user, to);
                        }
                    }
                }
                Command::Delete { actor, org } => {
                    let Some(id) = self.org_id(org) else { return };
                    if let Some(role) = self.orgs[&id].get(&actor) {
                        if decide(ORG, *role, Permission::TransferOrDelete).is_ok() {
                            self.orgs.remove(&id);
                        }
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn random_commands_never_leave_an_org_ownerless_or_a_user_over_the_limit(
            commands in prop::collection::vec(command(), 1..120),
            max_orgs in 1u32..6,
        ) {
            let limits = Limits { max_orgs_per_user: max_orgs };
            let mut world = World::default();
            for command in &commands {
                world.apply(command, limits);
                for (id, members) in &world.orgs {
                    let headcount = World::headcount(members);
                    prop_assert!(headcount.n_members >= 1, "org {id} has no member after {command:?}");
                    prop_assert!(headcount.n_owners >= 1, "org {id} has no owner after {command:?}");
                }
                for user in 0..6 {
                    prop_assert!(world.n_orgs_of(user) <= max_orgs, "user {user} is over the limit after {command:?}");
                }
            }
        }
    }
}
