//! `Visible<T>`: a row the caller may see. Only `store` makes them, from
//! queries that applied the caller's scope (or from children of rows that
//! were already visible), so whatever holds one may load that row's
//! children without checking visibility again: a child of a visible
//! pledge is visible by the rules of `visibility`, and that is decided
//! here once rather than in every child query.

use std::ops::Deref;

/// A row that came out of a scoped read.
#[derive(Debug, Clone)]
pub struct Visible<T>(T);

impl<T> Visible<T> {
    /// Vouches for `row`: only `store`'s scoped reads may.
    pub(super) fn vouch(row: T) -> Self {
        Self(row)
    }

    /// A row a command has just written and returns to its caller: the
    /// command locked it, or its parent, through the caller's scope and
    /// edit rights first, so the caller may see it.
    pub(crate) fn written(row: T) -> Self {
        Self(row)
    }

    /// Vouches for each of `rows`.
    pub(super) fn all(rows: Vec<T>) -> Vec<Self> {
        rows.into_iter().map(Self).collect()
    }
}

impl<T> Deref for Visible<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// A row of a sync page or a subscription event: its content when the
/// caller may see it, or only its identity when it is a removal to apply
/// (the caller could see it before and cannot now). A removed row is not
/// `Visible`: nothing may load its children or show its content.
#[derive(Debug, Clone)]
pub enum Listed<T> {
    Shown(Visible<T>),
    Removed(T),
}

impl<T> Listed<T> {
    pub fn row(&self) -> &T {
        match self {
            Listed::Shown(row) => row,
            Listed::Removed(row) => row,
        }
    }

    pub fn shown(&self) -> Option<&Visible<T>> {
        match self {
            Listed::Shown(row) => Some(row),
            Listed::Removed(_) => None,
        }
    }
}
