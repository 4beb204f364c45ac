//! Random interleavings of invite, accept, decline, revoke, resend, expiry, role
//! change, removal, leaving and ownership transfer, applied only where `domain`'s
//! rules allow (as the server applies them), never break an invariant: at least one
//! Owner and one member per organization, members plus pending invitations within
//! the plan, and no user over the organization limit.

use orgspace_domain::invitation::{InvitationState, InvitationStatus};
use orgspace_domain::roles::decide;
use orgspace_domain::rules::{
    check_join, check_leave, check_remove, check_role_change, check_seat, Headcount, Limits,
};
use orgspace_domain::{AccountKind, OrgRole, Permission, Plan, Timestamp};
use proptest::prelude::*;
use std::collections::BTreeMap;

const ORG: AccountKind = AccountKind::Organization;
const TTL: i64 = 100;
const USERS: u8 = 6;

#[derive(Debug)]
struct Org {
    plan: Plan,
    members: BTreeMap<u8, OrgRole>,
    invitations: Vec<(u8, OrgRole, InvitationState)>,
}

#[derive(Debug, Default)]
struct World {
    now: i64,
    orgs: Vec<Org>,
}

#[derive(Clone, Debug)]
enum Command {
    Create {
        user: u8,
        plan: Plan,
    },
    Invite {
        actor: u8,
        org: u8,
        user: u8,
        role: OrgRole,
    },
    Accept {
        user: u8,
        org: u8,
        invitation: u8,
    },
    Decline {
        user: u8,
        org: u8,
        invitation: u8,
    },
    Revoke {
        actor: u8,
        org: u8,
        invitation: u8,
    },
    Resend {
        actor: u8,
        org: u8,
        invitation: u8,
    },
    Tick {
        seconds: i64,
    },
    ChangeRole {
        actor: u8,
        org: u8,
        user: u8,
        role: OrgRole,
    },
    Remove {
        actor: u8,
        org: u8,
        user: u8,
    },
    Leave {
        user: u8,
        org: u8,
    },
    Transfer {
        actor: u8,
        org: u8,
        to: u8,
        new_role: OrgRole,
    },
}

fn role() -> impl Strategy<Value = OrgRole> {
    prop::sample::select(OrgRole::ALL.to_vec())
}

fn command() -> impl Strategy<Value = Command> {
    let u = 0..USERS;
    let o = 0u8..8;
    let i = 0u8..8;
    prop_oneof![
        (
            u.clone(),
            prop::sample::select(vec![Plan::Hobby, Plan::Starter, Plan::Startup])
        )
            .prop_map(|(user, plan)| Command::Create { user, plan }),
        (u.clone(), o.clone(), u.clone(), role()).prop_map(|(actor, org, user, role)| {
            Command::Invite {
                actor,
                org,
                user,
                role,
            }
        }),
        (u.clone(), o.clone(), i.clone()).prop_map(|(user, org, invitation)| Command::Accept {
            user,
            org,
            invitation
        }),
        (u.clone(), o.clone(), i.clone()).prop_map(|(user, org, invitation)| Command::Decline {
            user,
            org,
            invitation
        }),
        (u.clone(), o.clone(), i.clone()).prop_map(|(actor, org, invitation)| Command::Revoke {
            actor,
            org,
            invitation
        }),
        (u.clone(), o.clone(), i).prop_map(|(actor, org, invitation)| Command::Resend {
            actor,
            org,
            invitation
        }),
        (1i64..150).prop_map(|seconds| Command::Tick { seconds }),
        (u.clone(), o.clone(), u.clone(), role()).prop_map(|(actor, org, user, role)| {
            Command::ChangeRole {
                actor,
                org,
                user,
                role,
            }
        }),
        (u.clone(), o.clone(), u.clone()).prop_map(|(actor, org, user)| Command::Remove {
            actor,
            org,
            user
        }),
        (u.clone(), o.clone()).prop_map(|(user, org)| Command::Leave { user, org }),
        (u.clone(), o, u, role()).prop_map(|(actor, org, to, new_role)| Command::Transfer {
            actor,
            org,
            to,
            new_role
        }),
    ]
}

impl World {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.now * 1000)
    }

    fn n_orgs_of(&self, user: u8) -> u32 {
        self.orgs
            .iter()
            .filter(|o| o.members.contains_key(&user))
            .count() as u32
    }

    fn pending(&self, org: &Org) -> u32 {
        org.invitations
            .iter()
            .filter(|(_, _, s)| s.holds_seat(self.now()))
            .count() as u32
    }

    fn headcount(org: &Org) -> Headcount {
        Headcount {
            n_members: org.members.len() as u32,
            n_owners: org
                .members
                .values()
                .filter(|r| **r == OrgRole::Owner)
                .count() as u32,
        }
    }

    fn org_index(&self, org: u8) -> Option<usize> {
        (!self.orgs.is_empty()).then(|| usize::from(org) % self.orgs.len())
    }

    fn allowed(&self, o: usize, actor: u8, permission: Permission) -> bool {
        self.orgs[o]
            .members
            .get(&actor)
            .is_some_and(|r| decide(ORG, *r, permission).is_ok())
    }

    fn apply(&mut self, command: &Command, limits: Limits) {
        let now = self.now();
        match *command {
            Command::Create { user, plan } => {
                if check_join(self.n_orgs_of(user), limits).is_ok() {
                    self.orgs.push(Org {
                        plan,
                        members: BTreeMap::from([(user, OrgRole::Owner)]),
                        invitations: Vec::new(),
                    });
                }
            }
            Command::Invite {
                actor,
                org,
                user,
                role,
            } => {
                let Some(o) = self.org_index(org) else { return };
                let org = &self.orgs[o];
                let has_pending = org
                    .invitations
                    .iter()
                    .any(|(u, _, s)| *u == user && s.holds_seat(now));
                if self.allowed(o, actor, Permission::ManageInvitations)
                    && !org.members.contains_key(&user)
                    && !has_pending
                    && check_seat(org.plan, org.members.len() as u32, self.pending(org)).is_ok()
                {
                    self.orgs[o]
                        .invitations
                        .push((user, role, InvitationState::new(now, TTL)));
                }
            }
            Command::Accept {
                user,
                org,
                invitation,
            } => {
                let Some(o) = self.org_index(org) else { return };
                let n_orgs = self.n_orgs_of(user);
                let org = &mut self.orgs[o];
                let Some(i) = (!org.invitations.is_empty())
                    .then(|| usize::from(invitation) % org.invitations.len())
                else {
                    return;
                };
                let (invited, role, state) = org.invitations[i];
                if invited != user
                    || org.members.contains_key(&user)
                    || check_join(n_orgs, limits).is_err()
                {
                    return;
                }
                if let Ok(accepted) = state.accept(now) {
                    org.invitations[i].2 = accepted;
                    org.members.insert(user, role);
                }
            }
            Command::Decline {
                user,
                org,
                invitation,
            } => {
                let Some(o) = self.org_index(org) else { return };
                let org = &mut self.orgs[o];
                let Some(i) = (!org.invitations.is_empty())
                    .then(|| usize::from(invitation) % org.invitations.len())
                else {
                    return;
                };
                if org.invitations[i].0 == user {
                    if let Ok(declined) = org.invitations[i].2.decline(now) {
                        org.invitations[i].2 = declined;
                    }
                }
            }
            Command::Revoke {
                actor,
                org,
                invitation,
            } => {
                let Some(o) = self.org_index(org) else { return };
                if !self.allowed(o, actor, Permission::ManageInvitations) {
                    return;
                }
                let org = &mut self.orgs[o];
                let Some(i) = (!org.invitations.is_empty())
                    .then(|| usize::from(invitation) % org.invitations.len())
                else {
                    return;
                };
                if let Ok(revoked) = org.invitations[i].2.revoke(now) {
                    org.invitations[i].2 = revoked;
                }
            }
            Command::Resend {
                actor,
                org,
                invitation,
            } => {
                let Some(o) = self.org_index(org) else { return };
                if !self.allowed(o, actor, Permission::ManageInvitations) {
                    return;
                }
                let pending = self.pending(&self.orgs[o]);
                let org = &mut self.orgs[o];
                let Some(i) = (!org.invitations.is_empty())
                    .then(|| usize::from(invitation) % org.invitations.len())
                else {
                    return;
                };
                let (user, _, state) = org.invitations[i];
                let Ok(renewed) = state.resend(now, TTL) else {
                    return;
                };
                if !state.holds_seat(now) {
                    let other_pending = org
                        .invitations
                        .iter()
                        .any(|(u, _, s)| *u == user && s.holds_seat(now));
                    if org.members.contains_key(&user)
                        || other_pending
                        || check_seat(org.plan, org.members.len() as u32, pending).is_err()
                    {
                        return;
                    }
                }
                org.invitations[i].2 = renewed;
            }
            Command::Tick { seconds } => self.now += seconds,
            Command::ChangeRole {
                actor,
                org,
                user,
                role,
            } => {
                let Some(o) = self.org_index(org) else { return };
                let headcount = Self::headcount(&self.orgs[o]);
                let allowed = self.allowed(o, actor, Permission::ManageMembers);
                let org = &mut self.orgs[o];
                if let Some(from) = org.members.get(&user).copied() {
                    if allowed && check_role_change(from, role, headcount).is_ok() {
                        org.members.insert(user, role);
                    }
                }
            }
            Command::Remove { actor, org, user } => {
                let Some(o) = self.org_index(org) else { return };
                let headcount = Self::headcount(&self.orgs[o]);
                let allowed = self.allowed(o, actor, Permission::ManageMembers);
                let org = &mut self.orgs[o];
                if let Some(role) = org.members.get(&user).copied() {
                    if allowed && actor != user && check_remove(role, headcount).is_ok() {
                        org.members.remove(&user);
                    }
                }
            }
            Command::Leave { user, org } => {
                let Some(o) = self.org_index(org) else { return };
                let headcount = Self::headcount(&self.orgs[o]);
                let org = &mut self.orgs[o];
                if let Some(role) = org.members.get(&user).copied() {
                    if check_leave(ORG, role, headcount).is_ok() {
                        org.members.remove(&user);
                    }
                }
            }
            Command::Transfer {
                actor,
                org,
                to,
                new_role,
            } => {
                let Some(o) = self.org_index(org) else { return };
                let allowed = self.allowed(o, actor, Permission::TransferOrDelete);
                let org = &mut self.orgs[o];
                if allowed && actor != to && org.members.contains_key(&to) {
                    org.members.insert(to, OrgRole::Owner);
                    org.members.insert(actor, new_role);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_interleavings_keep_every_invariant(
        commands in prop::collection::vec(command(), 1..150),
        max_orgs in 1u32..5,
    ) {
        let limits = Limits { max_orgs_per_user: max_orgs };
        let mut world = World::default();
        for command in &commands {
            world.apply(command, limits);
            let now = world.now();
            for (i, org) in world.orgs.iter().enumerate() {
                let headcount = World::headcount(org);
                prop_assert!(headcount.n_members >= 1, "org {i} without members after {command:?}");
                prop_assert!(headcount.n_owners >= 1, "org {i} without owners after {command:?}");
                if let Some(max) = org.plan.max_members() {
                    let used = headcount.n_members + world.pending(org);
                    prop_assert!(used <= max, "org {i} uses {used} of {max} seats after {command:?}");
                }
                for (user, _, state) in &org.invitations {
                    let status = state.status_at(now);
                    if status == InvitationStatus::Pending {
                        prop_assert!(!org.members.contains_key(user), "a member has a pending invitation after {command:?}");
                    }
                }
            }
            for user in 0..USERS {
                prop_assert!(world.n_orgs_of(user) <= max_orgs, "user {user} over the limit after {command:?}");
            }
        }
    }
}
