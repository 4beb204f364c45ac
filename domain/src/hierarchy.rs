//! Organization hierarchy (SPEC §17): child and linked organizations, inherited
//! access and shared billing.
//!
//! The server loads the facts (a parent's ancestors, how deep a child's subtree
//! goes, whether an organization has children) and these functions decide; the
//! property test in `tests/hierarchy.rs` applies them to random sequences of
//! changes and checks that no cycle, no depth above [`MAX_DEPTH`] and no deleted
//! parent with children ever appears.

use crate::error::{Denial, ErrorCode};
use crate::ids::AccountId;
use crate::roles::{AccountKind, AccountStatus, OrgRole};
use serde::{Deserialize, Serialize};

/// Levels a hierarchy may have: a root, its children and their children.
pub const MAX_DEPTH: usize = 3;

/// Who pays for an organization.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingMode {
    /// Its own credit, like any account.
    #[default]
    Own,
    /// The parent's: no credit of its own, the parent's status.
    Parent,
}

impl BillingMode {
    pub const ALL: [BillingMode; 2] = [Self::Own, Self::Parent];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::Parent => "parent",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Own => "Own billing",
            Self::Parent => "Billed to the parent",
        }
    }
}

text_enum!(BillingMode);

/// Where an organization would go: under `parent`, whose own ancestors are
/// `parent_ancestors` (nearest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement<'a> {
    pub parent: AccountId,
    pub parent_kind: AccountKind,
    pub parent_ancestors: &'a [AccountId],
}

impl Placement<'_> {
    /// Levels from the root down to the parent (1 for a root).
    pub fn parent_depth(&self) -> usize {
        self.parent_ancestors.len() + 1
    }

    fn check_parent(&self) -> Result<(), Denial> {
        if self.parent_kind == AccountKind::Personal {
            return Err(invalid(
                "A personal account cannot have child organizations; create them under an organization.",
            ));
        }
        Ok(())
    }
}

/// Whether a new child may be created under the placement's parent.
pub fn check_create_child(placement: &Placement<'_>) -> Result<(), Denial> {
    placement.check_parent()?;
    check_depth(placement.parent_depth() + 1)
}

/// An existing organization to link under a parent: its current parent, and
/// the levels of its own subtree (1 when it has no children).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedOrganization {
    pub id: AccountId,
    pub kind: AccountKind,
    pub parent: Option<AccountId>,
    pub height: usize,
}

/// Whether `child` may be linked under the placement's parent: both are
/// organizations, the child has no parent yet, the link makes no cycle and
/// the hierarchy stays within [`MAX_DEPTH`] levels.
pub fn check_link(placement: &Placement<'_>, child: &LinkedOrganization) -> Result<(), Denial> {
    placement.check_parent()?;
    if child.kind == AccountKind::Personal {
        return Err(invalid(
            "A personal account cannot become a child organization.",
        ));
    }
    if child.id == placement.parent || placement.parent_ancestors.contains(&child.id) {
        return Err(invalid(
            "That link would make a cycle: the organization is already above this one.",
        ));
    }
    if let Some(current) = child.parent {
        return Err(invalid(if current == placement.parent {
            "That organization is already a child of this one."
        } else {
            "That organization already has a parent; unlink it there first."
        }));
    }
    check_depth(placement.parent_depth() + child.height)
}

fn check_depth(levels: usize) -> Result<(), Denial> {
    if levels > MAX_DEPTH {
        return Err(invalid(
            "A hierarchy has at most 3 levels: an organization, its children and their children.",
        ));
    }
    Ok(())
}

/// Whether an organization may be deleted: not while it has children.
pub fn check_delete(children: u64) -> Result<(), Denial> {
    if children > 0 {
        let noun = if children == 1 { "child" } else { "children" };
        return Err(Denial::new(
            ErrorCode::HasChildren,
            format!(
                "This organization has {children} {noun}: unlink or delete them before deleting it."
            ),
        ));
    }
    Ok(())
}

/// Whether `billing` suits an organization with or without a parent.
pub fn check_billing_mode(has_parent: bool, billing: BillingMode) -> Result<(), Denial> {
    match (has_parent, billing) {
        (false, BillingMode::Parent) => Err(invalid(
            "Only a child organization can be billed to its parent.",
        )),
        _ => Ok(()),
    }
}

/// The role a member of an ancestor has in its descendants: Owners act as
/// Owners and Admins as Admins; nobody else inherits.
pub const fn inherited_role(role_in_ancestor: OrgRole) -> Option<OrgRole> {
    match role_in_ancestor {
        OrgRole::Owner => Some(OrgRole::Owner),
        OrgRole::Admin => Some(OrgRole::Admin),
        OrgRole::Tech | OrgRole::Viewer => None,
    }
}

/// The role someone acts with in an organization, and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub role: OrgRole,
    /// The ancestor the role is inherited from; `None` for a direct member.
    pub inherited_from: Option<AccountId>,
}

/// How someone acts in an organization: with their direct role, or with the
/// role inherited from an ancestor (`(ancestor, role there)`, nearest first),
/// whichever ranks higher (Owner, Admin, Tech, Viewer); a direct role wins a
/// tie. `None`: no access at all.
pub fn access(direct: Option<OrgRole>, ancestors: &[(AccountId, OrgRole)]) -> Option<Access> {
    let inherited = ancestors
        .iter()
        .filter_map(|(id, role)| inherited_role(*role).map(|r| (r, *id)))
        .min_by_key(|(role, _)| *role);
    match (direct, inherited) {
        (Some(role), Some((from, ancestor))) if from < role => Some(Access {
            role: from,
            inherited_from: Some(ancestor),
        }),
        (Some(role), _) => Some(Access {
            role,
            inherited_from: None,
        }),
        (None, Some((role, ancestor))) => Some(Access {
            role,
            inherited_from: Some(ancestor),
        }),
        (None, None) => None,
    }
}

/// An organization's status: its own, or its payer's when billed to the parent.
pub const fn effective_status(
    billing: BillingMode,
    own: AccountStatus,
    payer: Option<AccountStatus>,
) -> AccountStatus {
    match (billing, payer) {
        (BillingMode::Parent, Some(payer)) => payer,
        _ => own,
    }
}

/// Why funds cannot be added to a child billed to its parent.
pub fn check_own_billing(billing: BillingMode, payer_name: &str) -> Result<(), Denial> {
    match billing {
        BillingMode::Own => Ok(()),
        BillingMode::Parent => Err(Denial::new(
            ErrorCode::BilledByParent,
            format!("This organization is billed to {payer_name}: add funds there."),
        )),
    }
}

/// API keys belong to members: access inherited from an ancestor does not
/// hold keys of its own in the descendant.
pub fn check_direct_member(access: &Access, ancestor_name: &str) -> Result<(), Denial> {
    match access.inherited_from {
        None => Ok(()),
        Some(_) => Err(Denial::new(
            ErrorCode::Forbidden,
            format!(
                "Your access here is inherited from {ancestor_name}; API keys are for direct members of this organization."
            ),
        )),
    }
}

fn invalid(message: &str) -> Denial {
    Denial::new(ErrorCode::HierarchyInvalid, message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> AccountId {
        AccountId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn under(parent: AccountId, ancestors: &[AccountId]) -> Placement<'_> {
        Placement {
            parent,
            parent_kind: AccountKind::Organization,
            parent_ancestors: ancestors,
        }
    }

    fn org(n: u128, parent: Option<AccountId>, height: usize) -> LinkedOrganization {
        LinkedOrganization {
            id: id(n),
            kind: AccountKind::Organization,
            parent,
            height,
        }
    }

    #[test]
    fn children_go_three_levels_deep_and_no_deeper() {
        assert!(check_create_child(&under(id(1), &[])).is_ok());
        assert!(check_create_child(&under(id(2), &[id(1)])).is_ok());
        let refused = check_create_child(&under(id(3), &[id(2), id(1)])).unwrap_err();
        assert_eq!(refused.code, ErrorCode::HierarchyInvalid);
        assert!(refused.message.contains("at most 3 levels"));
    }

    #[test]
    fn personal_accounts_stay_out_of_hierarchies() {
        let placement = Placement {
            parent_kind: AccountKind::Personal,
            ..under(id(1), &[])
        };
        assert_eq!(
            check_create_child(&placement).unwrap_err().code,
            ErrorCode::HierarchyInvalid
        );
        let personal = LinkedOrganization {
            kind: AccountKind::Personal,
            ..org(2, None, 1)
        };
        assert_eq!(
            check_link(&under(id(1), &[]), &personal).unwrap_err().code,
            ErrorCode::HierarchyInvalid
        );
    }

    #[test]
    fn a_link_refuses_cycles_second_parents_and_depth() {
        let root = id(1);
        // Linking the root under its own grandchild is a cycle.
        let cycle = check_link(&under(id(3), &[id(2), root]), &org(1, None, 3)).unwrap_err();
        assert!(cycle.message.contains("cycle"));
        assert!(check_link(&under(root, &[]), &org(1, None, 1)).is_err());
        let second = check_link(&under(root, &[]), &org(5, Some(id(9)), 1)).unwrap_err();
        assert!(second.message.contains("already has a parent"));
        let again = check_link(&under(root, &[]), &org(5, Some(root), 1)).unwrap_err();
        assert!(again.message.contains("already a child of this one"));
        // A two-level subtree fits under a root, not under a child.
        assert!(check_link(&under(root, &[]), &org(5, None, 2)).is_ok());
        assert!(check_link(&under(id(2), &[root]), &org(5, None, 2)).is_err());
        assert!(check_link(&under(id(2), &[root]), &org(5, None, 1)).is_ok());
    }

    #[test]
    fn a_parent_with_children_is_not_deleted() {
        assert!(check_delete(0).is_ok());
        let refused = check_delete(2).unwrap_err();
        assert_eq!(refused.code, ErrorCode::HasChildren);
        assert_eq!(refused.code.status(), 409);
        assert!(refused.message.contains("2 children"));
        assert!(check_delete(1).unwrap_err().message.contains("1 child:"));
    }

    #[test]
    fn owners_and_admins_inherit_and_nobody_else() {
        let parent = id(1);
        assert_eq!(inherited_role(OrgRole::Owner), Some(OrgRole::Owner));
        assert_eq!(inherited_role(OrgRole::Admin), Some(OrgRole::Admin));
        assert_eq!(inherited_role(OrgRole::Tech), None);
        assert_eq!(inherited_role(OrgRole::Viewer), None);
        assert_eq!(access(None, &[(parent, OrgRole::Tech)]), None);
        assert_eq!(
            access(None, &[(parent, OrgRole::Admin)]),
            Some(Access {
                role: OrgRole::Admin,
                inherited_from: Some(parent)
            })
        );
    }

    #[test]
    fn the_higher_of_direct_and_inherited_roles_counts() {
        let (parent, root) = (id(1), id(2));
        let admin_above = [(parent, OrgRole::Admin), (root, OrgRole::Owner)];
        // The root's Owner outranks the parent's Admin and a direct Tech role.
        assert_eq!(
            access(Some(OrgRole::Tech), &admin_above),
            Some(Access {
                role: OrgRole::Owner,
                inherited_from: Some(root)
            })
        );
        // A direct Owner stays direct; a direct Admin ties with an inherited one.
        for direct in [OrgRole::Owner, OrgRole::Admin] {
            let seen = access(Some(direct), &[(parent, OrgRole::Admin)]).unwrap();
            assert_eq!((seen.role, seen.inherited_from), (direct, None));
        }
        assert_eq!(
            access(Some(OrgRole::Viewer), &[(parent, OrgRole::Viewer)])
                .unwrap()
                .inherited_from,
            None
        );
    }

    #[test]
    fn a_child_billed_to_its_parent_has_the_parents_status() {
        use AccountStatus::{Active, Suspended};
        assert_eq!(
            effective_status(BillingMode::Parent, Suspended, Some(Active)),
            Active
        );
        assert_eq!(
            effective_status(BillingMode::Parent, Active, Some(Suspended)),
            Suspended
        );
        assert_eq!(
            effective_status(BillingMode::Own, Suspended, Some(Active)),
            Suspended
        );
        assert_eq!(effective_status(BillingMode::Parent, Active, None), Active);
        let refused = check_own_billing(BillingMode::Parent, "Acme").unwrap_err();
        assert_eq!(refused.code, ErrorCode::BilledByParent);
        assert!(refused.message.contains("billed to Acme"));
        assert!(check_own_billing(BillingMode::Own, "Acme").is_ok());
        assert!(check_billing_mode(false, BillingMode::Parent).is_err());
        assert!(check_billing_mode(true, BillingMode::Parent).is_ok());
        assert!(check_billing_mode(false, BillingMode::Own).is_ok());
        assert_eq!("parent".parse(), Ok(BillingMode::Parent));
        assert!("shared".parse::<BillingMode>().is_err());
    }

    #[test]
    fn inherited_access_holds_no_api_keys() {
        let direct = Access {
            role: OrgRole::Owner,
            inherited_from: None,
        };
        assert!(check_direct_member(&direct, "Acme").is_ok());
        let inherited = Access {
            inherited_from: Some(id(1)),
            ..direct
        };
        let refused = check_direct_member(&inherited, "Acme").unwrap_err();
        assert!(refused.message.contains("inherited from Acme"));
    }
}
