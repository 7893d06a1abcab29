//! Named places of a municipality.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::place;
use crate::error::ApiResult;

/// The key of the place called `name` in `municipality`, adding it (kind
/// OTHER, no coordinates) when editors name a place for the first time.
pub async fn find_or_create(
    db: &impl ConnectionTrait,
    municipality: Uuid,
    name: &str,
) -> ApiResult<Uuid> {
    let existing = place::Entity::find()
        .filter(place::Column::MunicipalityId.eq(municipality))
        .filter(place::Column::Name.eq(name))
        .one(db)
        .await?;
    if let Some(found) = existing {
        return Ok(found.id);
    }
    let id = Uuid::new_v4();
    place::Entity::insert(place::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality),
        name: Set(name.to_owned()),
        kind: Set(domain::PlaceKind::Other.as_str().to_owned()),
        latitude: Set(None),
        longitude: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}
