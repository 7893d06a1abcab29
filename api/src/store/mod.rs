//! Data access. Entities are private storage shapes; the functions here are
//! the only way to read them, and every function that touches tenant data
//! takes the caller's `Scope` and applies it in SQL, so a row outside the
//! scope is never loaded, counted or hinted at.

pub mod activities;
pub mod audit;
pub mod commitments;
pub mod data_version;
pub mod directory;
pub mod entities;
pub mod follow_ups;
pub mod places;
pub mod pledges;
mod reader;
pub mod reference;
pub mod rows;
mod visibility;
mod visible;

pub use reader::Reader;
pub use visible::Visible;
