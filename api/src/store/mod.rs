//! Data access, and the only way to the database's rows. Entities are
//! storage shapes private to this module; code outside it holds the row
//! types of `rows` and reaches the tables only through
//! - `Reader`: scoped reads; every function that touches tenant data takes
//!   the caller's `Scope` and applies it in SQL, so a row outside the
//!   scope is never loaded, counted or hinted at;
//! - `Writer` and `commands`: the writes, each one transaction that checks
//!   the caller's rights before it changes anything;
//! - `seed`: loading the source documents and the synthetic data set;
//! - `directory` and `data_version`: the reference snapshot and the
//!   counters cached answers are checked against.

pub mod activities;
pub mod audit;
pub mod commands;
pub mod commitments;
pub mod comparison;
pub mod counts;
pub mod data_version;
mod decode;
pub mod directory;
mod entities;
pub mod figures;
pub mod follow_ups;
mod insert;
pub mod places;
pub mod pledges;
mod reader;
pub mod reference;
pub mod rows;
pub mod seed;
mod visibility;
mod visible;
mod writer;

pub use reader::Reader;
pub use visible::{Listed, Visible};
pub use writer::Writer;
