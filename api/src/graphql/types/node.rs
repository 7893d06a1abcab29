//! The Relay `Node` interface: anything with a global ID can be fetched
//! again through `node(id:)`.

use async_graphql::{ID, Interface};

use super::activity::Activity;
use super::commitment::Commitment;
use super::follow_up::FollowUpReport;
use super::municipality::Municipality;
use super::pledge::Pledge;
use super::police_area::PoliceArea;

/// An object with an opaque global ID, refetchable with `node(id:)`.
#[derive(Interface, Debug)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
#[allow(clippy::large_enum_variant)]
pub enum Node {
    Municipality(Municipality),
    PoliceArea(PoliceArea),
    Pledge(Pledge),
    Commitment(Commitment),
    Activity(Activity),
    FollowUpReport(FollowUpReport),
}
