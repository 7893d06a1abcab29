//! Reading the audit log, through the caller's scope. (Entries are written
//! only by `commands::audit::record`.)

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::audit_entry;
use super::reader::Reader;
use super::rows::AuditRow;
use crate::error::ApiResult;
use crate::ids::TimeCursor;
use crate::scope::{Reach, Scope};

/// Filter of `auditLog(filter:)`, codes resolved to keys.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub municipality_id: Option<Uuid>,
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub action: Option<String>,
    pub subject: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

/// Entries the caller may read: all for analysts and admins, those of the
/// reached municipalities for everyone else, none for anonymous callers.
fn visible(scope: &Scope) -> Condition {
    match scope.reach() {
        Some(Reach::All) => Condition::all(),
        Some(Reach::Only(set)) if !set.is_empty() => {
            Condition::all().add(audit_entry::Column::MunicipalityId.is_in(set.iter().copied()))
        }
        // Nothing: an impossible id.
        _ => Condition::all().add(audit_entry::Column::Id.is_null()),
    }
}

impl AuditFilter {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(id) = self.municipality_id {
            c = c.add(audit_entry::Column::MunicipalityId.eq(id));
        }
        if let Some(t) = &self.entity_type {
            c = c.add(audit_entry::Column::EntityType.eq(t.as_str()));
        }
        if let Some(id) = self.entity_id {
            c = c.add(audit_entry::Column::EntityId.eq(id));
        }
        if let Some(a) = &self.action {
            c = c.add(audit_entry::Column::Action.eq(a.as_str()));
        }
        if let Some(s) = &self.subject {
            c = c.add(audit_entry::Column::Subject.eq(s.as_str()));
        }
        if let Some(since) = self.since {
            c = c.add(audit_entry::Column::OccurredAt.gte(since));
        }
        c
    }
}

impl Reader {
    /// One page of the audit log, newest first.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        after: Option<TimeCursor>,
        first: u64,
    ) -> ApiResult<(Vec<AuditRow>, bool)> {
        let mut query = audit_entry::Entity::find()
            .filter(visible(&self.scope))
            .filter(filter.condition());
        if let Some(cursor) = after {
            query = query.filter(
                Condition::any()
                    .add(audit_entry::Column::OccurredAt.lt(cursor.at))
                    .add(
                        Condition::all()
                            .add(audit_entry::Column::OccurredAt.eq(cursor.at))
                            .add(audit_entry::Column::Id.lt(cursor.id)),
                    ),
            );
        }
        let mut rows = query
            .order_by_desc(audit_entry::Column::OccurredAt)
            .order_by_desc(audit_entry::Column::Id)
            .limit(first + 1)
            .all(&self.db)
            .await?;
        let has_next = rows.len() as u64 > first;
        rows.truncate(first as usize);
        Ok((rows, has_next))
    }

    pub async fn audit_count(&self, filter: &AuditFilter) -> ApiResult<u64> {
        Ok(audit_entry::Entity::find()
            .filter(visible(&self.scope))
            .filter(filter.condition())
            .count(&self.db)
            .await?)
    }
}
