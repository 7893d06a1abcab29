//! `Place`: a named place of a municipality.

use async_graphql::Object;

use crate::error::ApiResult;
use crate::graphql::batch::Item;
use crate::graphql::enums::PlaceKind;
use crate::store::rows::PlaceRow;

use super::stored;

/// A named place within a municipality: a town, district, hot spot, school…
#[derive(Debug, Clone)]
pub struct Place(pub(crate) Item<PlaceRow, ()>);

/// A named place within a municipality: a town, district, hot spot, school…
#[Object]
impl Place {
    /// Name as the documents write it, e.g. "Forsheda".
    async fn name(&self) -> &str {
        &self.0.row().name
    }

    /// What kind of place it is.
    async fn kind(&self) -> ApiResult<PlaceKind> {
        Ok(stored(domain::PlaceKind::parse(&self.0.row().kind))?.into())
    }

    /// Latitude (WGS 84), when known.
    async fn latitude(&self) -> Option<f64> {
        self.0.row().latitude
    }

    /// Longitude (WGS 84), when known.
    async fn longitude(&self) -> Option<f64> {
        self.0.row().longitude
    }
}
