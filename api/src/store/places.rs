//! Named places of a municipality.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::place;
use crate::error::{ApiError, ApiResult};

/// The key of the place called `name` in `municipality`, adding it (kind
/// OTHER, no coordinates) when editors name a place for the first time.
///
/// Two writers may name the same new place at once: the insert is an
/// upsert on the unique (municipality, name) index that does nothing when
/// the other writer's row is there, so the second waits for the first to
/// commit and then reads its row, instead of failing on the index.
pub async fn find_or_create(
    db: &impl ConnectionTrait,
    municipality: Uuid,
    name: &str,
) -> ApiResult<Uuid> {
    if let Some(found) = find(db, municipality, name).await? {
        return Ok(found);
    }
    let id = Uuid::new_v4();
    let inserted = place::Entity::insert(place::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality),
        name: Set(name.to_owned()),
        kind: Set(domain::PlaceKind::Other.as_str().to_owned()),
        latitude: Set(None),
        longitude: Set(None),
    })
    .on_conflict(
        OnConflict::columns([place::Column::MunicipalityId, place::Column::Name])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if inserted == 1 {
        return Ok(id);
    }
    find(db, municipality, name)
        .await?
        .ok_or_else(|| ApiError::internal("a place neither inserted nor found"))
}

async fn find(
    db: &impl ConnectionTrait,
    municipality: Uuid,
    name: &str,
) -> ApiResult<Option<Uuid>> {
    Ok(place::Entity::find()
        .filter(place::Column::MunicipalityId.eq(municipality))
        .filter(place::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|found| found.id))
}
