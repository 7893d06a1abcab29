//! Who is asking, and so what they may see and do. A `Scope` is built once
//! per request from the verified token (never from arguments or headers a
//! caller could choose) and is passed into every data access in `store`.
//! Its fields are private: code outside this module cannot widen it.

use std::collections::BTreeSet;

use domain::{Approval, Role};
use uuid::Uuid;

/// The caller's visibility and rights for one request.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    caller: Option<Caller>,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub subject: String,
    pub name: Option<String>,
    pub roles: BTreeSet<Role>,
    /// Municipalities whose unpublished data the caller may read.
    reach: Reach,
    /// Municipalities named in the token (`municipalities` claim).
    municipalities: BTreeSet<Uuid>,
    /// Police areas named in the token (`police_areas` claim).
    police_areas: BTreeSet<Uuid>,
    /// Municipalities those police areas cover today.
    policed: BTreeSet<Uuid>,
}

/// How far a caller's reading of unpublished data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every municipality (regional analysts, admins).
    All,
    /// These municipalities only.
    Only(BTreeSet<Uuid>),
}

impl Scope {
    /// The scope of a request without credentials: published data only.
    pub fn anonymous() -> Self {
        Self { caller: None }
    }

    /// The scope of a verified caller. `municipalities` and `police_areas`
    /// are the token's claims resolved to keys; `policed` are the
    /// municipalities those police areas cover today.
    pub fn for_caller(
        subject: String,
        name: Option<String>,
        roles: BTreeSet<Role>,
        municipalities: BTreeSet<Uuid>,
        police_areas: BTreeSet<Uuid>,
        policed: BTreeSet<Uuid>,
    ) -> Self {
        let reach = if roles.iter().any(|r| r.reads_everything()) {
            Reach::All
        } else if roles.is_empty() {
            // A token without a known role reads what the public reads.
            Reach::Only(BTreeSet::new())
        } else {
            Reach::Only(municipalities.union(&policed).copied().collect())
        };
        Self {
            caller: Some(Caller {
                subject,
                name,
                roles,
                reach,
                municipalities,
                police_areas,
                policed,
            }),
        }
    }

    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// How far unpublished data is visible; `None` for anonymous callers.
    pub fn reach(&self) -> Option<&Reach> {
        self.caller.as_ref().map(|c| &c.reach)
    }

    fn has(&self, role: Role) -> bool {
        self.caller
            .as_ref()
            .is_some_and(|c| c.roles.contains(&role))
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// Whether the caller reads this municipality's unpublished data.
    pub fn reaches(&self, municipality: Uuid) -> bool {
        match self.reach() {
            None => false,
            Some(Reach::All) => true,
            Some(Reach::Only(set)) => set.contains(&municipality),
        }
    }

    /// Whether the caller may change pledges, commitments and follow-ups of
    /// this municipality.
    pub fn can_edit(&self, municipality: Uuid) -> bool {
        let Some(caller) = &self.caller else {
            return false;
        };
        self.is_admin()
            || (caller.roles.contains(&Role::MunicipalityEditor)
                && caller.municipalities.contains(&municipality))
            || (caller.roles.contains(&Role::PoliceEditor)
                && caller.policed.contains(&municipality))
    }

    /// The sides this caller may approve a pledge for. The municipality
    /// side needs a municipality editor of that municipality; the police
    /// side a police editor of the very police area on the pledge (which
    /// covers the municipality on the pledge's start date).
    pub fn approval_sides(&self, municipality: Uuid, police_area: Uuid) -> Vec<Approval> {
        let Some(caller) = &self.caller else {
            return Vec::new();
        };
        let mut sides = Vec::new();
        if caller.roles.contains(&Role::MunicipalityEditor)
            && caller.municipalities.contains(&municipality)
        {
            sides.push(Approval::Municipality);
        }
        if caller.roles.contains(&Role::PoliceEditor) && caller.police_areas.contains(&police_area)
        {
            sides.push(Approval::Police);
        }
        sides
    }

    /// Municipalities the caller may edit; `None` means all (admins).
    pub fn editable(&self) -> Option<BTreeSet<Uuid>> {
        let Some(caller) = &self.caller else {
            return Some(BTreeSet::new());
        };
        if self.is_admin() {
            return None;
        }
        let mut out = BTreeSet::new();
        if caller.roles.contains(&Role::MunicipalityEditor) {
            out.extend(caller.municipalities.iter().copied());
        }
        if caller.roles.contains(&Role::PoliceEditor) {
            out.extend(caller.policed.iter().copied());
        }
        Some(out)
    }

    /// The caller's most powerful role (roles are ordered from viewer to
    /// admin), for the audit log's `role` when no narrower role acted.
    pub fn primary_role(&self) -> Option<Role> {
        self.caller
            .as_ref()
            .and_then(|c| c.roles.iter().next_back().copied())
    }

    /// Municipalities named in the token.
    pub fn municipalities(&self) -> BTreeSet<Uuid> {
        self.caller
            .as_ref()
            .map(|c| c.municipalities.clone())
            .unwrap_or_default()
    }

    /// Police areas named in the token.
    pub fn police_areas(&self) -> BTreeSet<Uuid> {
        self.caller
            .as_ref()
            .map(|c| c.police_areas.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::new_v4()).collect()
    }

    fn scope(roles: &[Role], municipalities: &[Uuid], areas: &[Uuid], policed: &[Uuid]) -> Scope {
        Scope::for_caller(
            "user".into(),
            None,
            roles.iter().copied().collect(),
            municipalities.iter().copied().collect(),
            areas.iter().copied().collect(),
            policed.iter().copied().collect(),
        )
    }

    #[test]
    fn anonymous_reaches_and_edits_nothing() {
        let s = Scope::anonymous();
        let m = Uuid::new_v4();
        assert!(s.reach().is_none());
        assert!(!s.reaches(m) && !s.can_edit(m));
        assert!(s.approval_sides(m, Uuid::new_v4()).is_empty());
    }

    #[test]
    fn a_municipality_editor_edits_and_approves_only_its_own() {
        let [own, other] = ids(2)[..] else {
            unreachable!()
        };
        let area = Uuid::new_v4();
        let s = scope(&[Role::MunicipalityEditor], &[own], &[], &[]);
        assert!(s.reaches(own) && s.can_edit(own));
        assert!(!s.reaches(other) && !s.can_edit(other));
        assert_eq!(s.approval_sides(own, area), [Approval::Municipality]);
        assert!(s.approval_sides(other, area).is_empty());
    }

    #[test]
    fn a_police_editor_works_where_its_areas_police_and_approves_its_own_area() {
        let [policed, elsewhere] = ids(2)[..] else {
            unreachable!()
        };
        let [area, other_area] = ids(2)[..] else {
            unreachable!()
        };
        let s = scope(&[Role::PoliceEditor], &[], &[area], &[policed]);
        assert!(s.reaches(policed) && s.can_edit(policed));
        assert!(!s.reaches(elsewhere) && !s.can_edit(elsewhere));
        assert_eq!(s.approval_sides(policed, area), [Approval::Police]);
        assert!(s.approval_sides(policed, other_area).is_empty());
    }

    #[test]
    fn viewers_read_their_scope_but_edit_nothing() {
        let own = Uuid::new_v4();
        let s = scope(&[Role::Viewer], &[own], &[], &[]);
        assert!(s.reaches(own));
        assert!(!s.can_edit(own));
    }

    #[test]
    fn analysts_read_everything_and_edit_nothing_admins_do_both() {
        let any = Uuid::new_v4();
        let analyst = scope(&[Role::RegionalAnalyst], &[], &[], &[]);
        assert!(analyst.reaches(any) && !analyst.can_edit(any));
        let admin = scope(&[Role::Admin], &[], &[], &[]);
        assert!(admin.reaches(any) && admin.can_edit(any));
        assert!(
            admin.approval_sides(any, Uuid::new_v4()).is_empty(),
            "admins sign for no side"
        );
    }

    #[test]
    fn a_token_without_known_roles_reads_like_the_public() {
        let own = Uuid::new_v4();
        let s = scope(&[], &[own], &[], &[]);
        assert!(!s.reaches(own) && !s.can_edit(own));
    }
}
