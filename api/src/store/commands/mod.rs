//! Writes: the editing workflow, and the admin's changes of reference data. Each command takes the `Writer` and is
//! one transaction that
//! 1. loads its row through the caller's scope and locks it, with the
//!    caller's edit right in the locking statement (a row outside the
//!    scope is `NOT_FOUND`, one it sees but may not change `FORBIDDEN`),
//! 2. checks the caller's rights (`FORBIDDEN`), the expected version
//!    (`CONFLICT`) and the lifecycle (`INVALID_STATE`),
//! 3. applies the change, bumps `version` and `updated_at`,
//! 4. appends one audit entry,
//! 5. bumps the data version (what cached answers are checked against),
//! 6. recomputes the stored comparison figures of the municipalities its
//!    audit entries name (`store::figures`),
//!
//! and commits — or changes nothing at all.

pub mod activities;
pub mod audit;
mod clock;
pub mod commitments;
pub mod follow_ups;
pub mod pledges;
pub mod reference;

use std::collections::BTreeSet;
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::scope::{Caller, Scope};
use crate::store::Writer;
use crate::store::data_version::{self, Changed};
use crate::store::figures;

/// Everything a command needs about the request making it.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub scope: &'a Scope,
    /// The server's own id of the request, never the client's.
    pub request_id: Option<&'a str>,
    /// The `x-request-id` the client sent, sanitised; kept beside ours.
    pub client_request_id: Option<&'a str>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The role this write is made in, when one role of several acts
    /// (an approval is the municipality's or the police's).
    pub acting_role: Option<domain::Role>,
}

impl<'a> Actor<'a> {
    /// The same actor, acting in `role`.
    pub fn acting_as(self, role: domain::Role) -> Self {
        Self {
            acting_role: Some(role),
            ..self
        }
    }

    /// The role recorded in the audit log.
    pub fn role(&self) -> Option<domain::Role> {
        self.acting_role.or_else(|| self.scope.primary_role())
    }

    /// The authenticated caller; writes need one.
    pub fn caller(&self) -> ApiResult<&'a Caller> {
        self.scope
            .caller()
            .ok_or_else(|| ApiError::Unauthenticated("sign in to change anything".to_owned()))
    }
}

/// An open write transaction and, on SQLite, the turn to write.
pub(crate) struct Write {
    pub(crate) txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
    /// Municipalities whose rows changed (from the audit entries), whose
    /// stored figures `commit` recomputes.
    changed: Mutex<BTreeSet<Uuid>>,
}

impl Write {
    pub(crate) async fn begin(writer: &Writer) -> ApiResult<Self> {
        let turn = writer.gate.enter().await;
        Ok(Self {
            txn: writer.db.begin().await?,
            _turn: turn,
            changed: Mutex::default(),
        })
    }

    /// Notes that rows of `municipality` changed (`audit::record` does).
    pub(crate) fn changed(&self, municipality: Uuid) {
        self.changed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(municipality);
    }

    /// Bumps the data version, recomputes the figures of the changed
    /// municipalities, and commits: every cached answer computed before
    /// this moment is stale from the commit on (see `store::data_version`).
    /// The refresh comes after the bump: the data-version row is locked
    /// from there to the commit, so refreshes run one at a time and each
    /// sees every write committed before it.
    pub(crate) async fn commit(self) -> ApiResult<()> {
        data_version::bump(&self.txn, Changed::Data).await?;
        let changed = std::mem::take(
            &mut *self
                .changed
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        figures::refresh(&self.txn, &changed).await?;
        self.txn.commit().await?;
        Ok(())
    }

    /// As `commit`, for a change of reference data: every instance also
    /// re-reads its reference snapshot.
    pub(crate) async fn commit_reference(self) -> ApiResult<()> {
        data_version::bump(&self.txn, Changed::Reference).await?;
        self.txn.commit().await?;
        Ok(())
    }
}

/// A change to an optional field: leave it, clear it, or set it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(value) => Some(value),
        }
    }
}

/// Fails with `CONFLICT` unless the stored version is the expected one.
pub(crate) fn expect_version(current: i32, expected: i32) -> ApiResult<()> {
    if current == expected {
        Ok(())
    } else {
        Err(ApiError::Conflict {
            current_version: current,
        })
    }
}

/// Fails with `FORBIDDEN` unless the caller may edit this municipality.
pub(crate) fn require_edit(actor: &Actor<'_>, municipality: uuid::Uuid) -> ApiResult<()> {
    actor.caller()?;
    if actor.scope.can_edit(municipality) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "your role does not allow changing this municipality's pledges".to_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_clears_or_sets() {
        assert_eq!(Change::Keep.apply(Some(1)), Some(1));
        assert_eq!(Change::<i32>::Clear.apply(Some(1)), None);
        assert_eq!(Change::Set(2).apply(Some(1)), Some(2));
    }

    #[test]
    fn a_stale_version_is_a_conflict_with_the_current_one() {
        assert!(expect_version(3, 3).is_ok());
        match expect_version(4, 3) {
            Err(ApiError::Conflict { current_version }) => assert_eq!(current_version, 4),
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
}
