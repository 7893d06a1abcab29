//! Writing generated rows: multi-row INSERTs, each as large as the
//! database's bound-parameter limit allows, and the sync clock moved past
//! the newest follow-up timestamp written.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QuerySelect,
};

use super::generate::Batch;
use crate::store::entities::{
    activity, commitment, commitment_focus_area, commitment_method, commitment_place,
    commitment_progress, follow_up_report, place, pledge, pledge_focus_area, signatory, sync_clock,
};
use crate::store::insert::insert_all;

/// Writes one batch, parents before children.
pub(super) async fn batch(db: &impl ConnectionTrait, batch: Batch) -> Result<(), DbErr> {
    let newest_report = batch.reports.iter().map(|r| r.updated_at).max();
    insert_all::<_, place::ActiveModel>(db, batch.places).await?;
    insert_all::<_, pledge::ActiveModel>(db, batch.pledges).await?;
    insert_all::<_, signatory::ActiveModel>(db, batch.signatories).await?;
    insert_all::<_, pledge_focus_area::ActiveModel>(db, batch.pledge_focus_areas).await?;
    insert_all::<_, commitment::ActiveModel>(db, batch.commitments).await?;
    insert_all::<_, commitment_method::ActiveModel>(db, batch.commitment_methods).await?;
    insert_all::<_, commitment_focus_area::ActiveModel>(db, batch.commitment_focus_areas).await?;
    insert_all::<_, commitment_place::ActiveModel>(db, batch.commitment_places).await?;
    insert_all::<_, follow_up_report::ActiveModel>(db, batch.reports).await?;
    insert_all::<_, commitment_progress::ActiveModel>(db, batch.progress).await?;
    insert_all::<_, activity::ActiveModel>(db, batch.activities).await?;
    if let Some(at) = newest_report {
        advance_clock(db, at).await?;
    }
    Ok(())
}

/// Moves the sync clock to `at` unless it is already later, in the same
/// transaction as the reports: `commands::clock::tick` gives every later
/// follow-up change a time after the clock, so real changes always sort
/// after the synthetic reports, even those dated after today.
async fn advance_clock(db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<(), DbErr> {
    let row = sync_clock::Entity::find_by_id(1)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the sync clock row is missing".to_owned()))?;
    if row.last_at < at {
        let mut am: sync_clock::ActiveModel = row.into();
        am.last_at = Set(at);
        am.update(db).await?;
    }
    Ok(())
}
