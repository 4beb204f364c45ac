//! Random sequences of create-child, link, unlink and delete, applied only
//! where `domain::hierarchy` allows them (as the server applies them), never
//! produce a cycle, a hierarchy deeper than 3 levels, or a deleted parent whose
//! children live on; and `domain` refuses only what would break one of those.

use orgspace_domain::hierarchy::{
    check_create_child, check_delete, check_link, LinkedOrganization, Placement, MAX_DEPTH,
};
use orgspace_domain::{AccountId, AccountKind};
use proptest::prelude::*;

const SLOTS: usize = 10;

#[derive(Clone, Copy, Debug)]
struct Org {
    id: AccountId,
    parent: Option<usize>,
    alive: bool,
}

#[derive(Debug, Default)]
struct World {
    orgs: Vec<Org>,
}

#[derive(Clone, Debug)]
enum Command {
    CreateRoot,
    CreateChild { parent: usize },
    Link { parent: usize, child: usize },
    Unlink { child: usize },
    Delete { org: usize },
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        1 => Just(Command::CreateRoot),
        3 => (0..SLOTS).prop_map(|parent| Command::CreateChild { parent }),
        4 => (0..SLOTS, 0..SLOTS).prop_map(|(parent, child)| Command::Link { parent, child }),
        2 => (0..SLOTS).prop_map(|child| Command::Unlink { child }),
        2 => (0..SLOTS).prop_map(|org| Command::Delete { org }),
    ]
}

impl World {
    fn alive(&self, i: usize) -> Option<Org> {
        self.orgs.get(i).copied().filter(|o| o.alive)
    }

    fn new_org(&mut self, parent: Option<usize>) {
        let id = AccountId::from_uuid(uuid::Uuid::from_u128(self.orgs.len() as u128 + 1));
        self.orgs.push(Org {
            id,
            parent,
            alive: true,
        });
    }

    /// The ancestors of `i`, nearest first, stopping after SLOTS steps (a cycle).
    fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.orgs[i].parent;
        while let Some(p) = at {
            out.push(p);
            if out.len() > SLOTS {
                break;
            }
            at = self.orgs[p].parent;
        }
        out
    }

    fn children(&self, i: usize) -> Vec<usize> {
        (0..self.orgs.len())
            .filter(|c| self.orgs[*c].alive && self.orgs[*c].parent == Some(i))
            .collect()
    }

    /// Levels of `i`'s subtree (1 for a leaf); what the server's query reads.
    fn height(&self, i: usize) -> usize {
        1 + self
            .children(i)
            .into_iter()
            .map(|c| self.height(c))
            .max()
            .unwrap_or(0)
    }

    fn ids(&self, indexes: &[usize]) -> Vec<AccountId> {
        indexes.iter().map(|i| self.orgs[*i].id).collect()
    }

    /// Applies `command` where `domain` allows it; returns whether it did.
    fn apply(&mut self, command: &Command) -> bool {
        match *command {
            Command::CreateRoot => {
                self.new_org(None);
                true
            }
            Command::CreateChild { parent } => {
                let Some(p) = self.alive(parent) else {
                    return false;
                };
                let ancestors = self.ids(&self.ancestors(parent));
                let placement = Placement {
                    parent: p.id,
                    parent_kind: AccountKind::Organization,
                    parent_ancestors: &ancestors,
                };
                let allowed = check_create_child(&placement).is_ok();
                // Refused exactly when the child would be a fourth level.
                assert_eq!(allowed, ancestors.len() + 2 <= MAX_DEPTH);
                if allowed {
                    self.new_org(Some(parent));
                }
                allowed
            }
            Command::Link { parent, child } => {
                let (Some(p), Some(c)) = (self.alive(parent), self.alive(child)) else {
                    return false;
                };
                let chain = self.ancestors(parent);
                let ancestors = self.ids(&chain);
                let placement = Placement {
                    parent: p.id,
                    parent_kind: AccountKind::Organization,
                    parent_ancestors: &ancestors,
                };
                let linked = LinkedOrganization {
                    id: c.id,
                    kind: AccountKind::Organization,
                    parent: c.parent.map(|i| self.orgs[i].id),
                    height: self.height(child),
                };
                let allowed = check_link(&placement, &linked).is_ok();
                let cycle = parent == child || chain.contains(&child);
                let too_deep = chain.len() + 1 + self.height(child) > MAX_DEPTH;
                assert_eq!(
                    allowed,
                    !cycle && c.parent.is_none() && !too_deep,
                    "{command:?} in {self:?}"
                );
                if allowed {
                    self.orgs[child].parent = Some(parent);
                }
                allowed
            }
            Command::Unlink { child } => match self.alive(child) {
                Some(c) if c.parent.is_some() => {
                    self.orgs[child].parent = None;
                    true
                }
                _ => false,
            },
            Command::Delete { org } => {
                if self.alive(org).is_none() {
                    return false;
                }
                let children = self.children(org).len() as u64;
                let allowed = check_delete(children).is_ok();
                assert_eq!(allowed, children == 0);
                if allowed {
                    self.orgs[org].alive = false;
                }
                allowed
            }
        }
    }

    fn check_invariants(&self) {
        for (i, org) in self.orgs.iter().enumerate().filter(|(_, o)| o.alive) {
            let ancestors = self.ancestors(i);
            assert!(!ancestors.contains(&i), "cycle through {i}: {self:?}");
            assert!(ancestors.len() < MAX_DEPTH, "{i} too deep: {self:?}");
            if let Some(p) = org.parent {
                assert!(self.orgs[p].alive, "{i}'s parent {p} was deleted");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn hierarchies_stay_acyclic_shallow_and_whole(
        commands in proptest::collection::vec(command(), 1..60)
    ) {
        let mut world = World::default();
        for _ in 0..3 {
            world.new_org(None);
        }
        for command in &commands {
            world.apply(command);
            world.check_invariants();
        }
    }
}
