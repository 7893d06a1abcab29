//! Opaque global IDs (Relay "Node" IDs) and pagination cursors.
//!
//! A global ID is base64url("<Type>:<uuid>"). Clients must treat it as
//! opaque; the type prefix lets `node(id:)` find the right table and lets a
//! `pledge(id:)` call refuse a commitment's ID as not found.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// The kinds of object that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Municipality,
    PoliceArea,
    Pledge,
    Commitment,
    Activity,
    FollowUpReport,
    /// A police region, district or coverage row, as an audit entry
    /// names it: not a node (`node(id:)` finds nothing).
    ReferenceRecord,
}

impl NodeKind {
    const ALL: [NodeKind; 7] = [
        NodeKind::Municipality,
        NodeKind::PoliceArea,
        NodeKind::Pledge,
        NodeKind::Commitment,
        NodeKind::Activity,
        NodeKind::FollowUpReport,
        NodeKind::ReferenceRecord,
    ];

    fn prefix(self) -> &'static str {
        match self {
            NodeKind::Municipality => "Municipality",
            NodeKind::PoliceArea => "PoliceArea",
            NodeKind::Pledge => "Pledge",
            NodeKind::Commitment => "Commitment",
            NodeKind::Activity => "Activity",
            NodeKind::FollowUpReport => "FollowUpReport",
            NodeKind::ReferenceRecord => "ReferenceRecord",
        }
    }
}

/// Encodes the global ID of an entity.
pub fn encode(kind: NodeKind, id: Uuid) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", kind.prefix(), id)))
}

/// Decodes any global ID. Malformed input is `BAD_USER_INPUT` on `field`.
pub fn decode_any(raw: &str, field: &str) -> ApiResult<(NodeKind, Uuid)> {
    let malformed = || ApiError::bad_input(field, "malformed ID");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (prefix, uuid) = text.split_once(':').ok_or_else(malformed)?;
    let kind = NodeKind::ALL
        .into_iter()
        .find(|k| k.prefix() == prefix)
        .ok_or_else(malformed)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| malformed())?;
    Ok((kind, uuid))
}

/// Decodes a global ID that must be of `kind`. A well-formed ID of another
/// kind names nothing of this kind: `NOT_FOUND`.
pub fn decode(raw: &str, kind: NodeKind, field: &str) -> ApiResult<Uuid> {
    match decode_any(raw, field)? {
        (found, id) if found == kind => Ok(id),
        _ => Err(ApiError::NotFound),
    }
}

/// Position in a list ordered by (year descending, id ascending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearCursor {
    pub year: i32,
    pub id: Uuid,
}

const PLEDGE_CURSOR_TAG: &str = "pledges.v1";

impl YearCursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{PLEDGE_CURSOR_TAG}:{}:{}", self.year, self.id))
    }

    /// Parses a cursor handed out by `encode`; anything else is
    /// `BAD_USER_INPUT` on `after`.
    pub fn decode(raw: &str) -> ApiResult<Self> {
        let malformed = || ApiError::bad_input("after", "malformed cursor");
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| malformed())?;
        let text = String::from_utf8(bytes).map_err(|_| malformed())?;
        let mut parts = text.splitn(3, ':');
        if parts.next() != Some(PLEDGE_CURSOR_TAG) {
            return Err(malformed());
        }
        let year = parts
            .next()
            .and_then(|y| y.parse().ok())
            .ok_or_else(malformed)?;
        let id = parts
            .next()
            .and_then(|u| Uuid::parse_str(u).ok())
            .ok_or_else(malformed)?;
        Ok(Self { year, id })
    }
}

/// Position in a list ordered by (time descending, id descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeCursor {
    pub at: chrono::DateTime<chrono::Utc>,
    pub id: Uuid,
}

/// Which list a time cursor belongs to (cursors are not interchangeable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeList {
    Audit,
    FollowUps,
}

impl TimeList {
    fn tag(self) -> &'static str {
        match self {
            TimeList::Audit => "audit.v1",
            TimeList::FollowUps => "follow-ups.v1",
        }
    }
}

impl TimeCursor {
    pub fn encode(&self, list: TimeList) -> String {
        let at = self.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        URL_SAFE_NO_PAD.encode(format!("{}|{at}|{}", list.tag(), self.id))
    }

    pub fn decode(raw: &str, list: TimeList) -> ApiResult<Self> {
        let malformed = || ApiError::bad_input("after", "malformed cursor");
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| malformed())?;
        let text = String::from_utf8(bytes).map_err(|_| malformed())?;
        let mut parts = text.splitn(3, '|');
        if parts.next() != Some(list.tag()) {
            return Err(malformed());
        }
        let at = parts
            .next()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .ok_or_else(malformed)?
            .with_timezone(&chrono::Utc);
        let id = parts
            .next()
            .and_then(|u| Uuid::parse_str(u).ok())
            .ok_or_else(malformed)?;
        Ok(Self { at, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_keep_their_kind() {
        let id = Uuid::new_v4();
        let gid = encode(NodeKind::Pledge, id);
        assert_eq!(decode(&gid, NodeKind::Pledge, "id").expect("decodes"), id);
        assert_eq!(
            decode_any(&gid, "id").expect("decodes"),
            (NodeKind::Pledge, id)
        );
    }

    #[test]
    fn an_id_of_another_kind_is_not_found() {
        let gid = encode(NodeKind::Commitment, Uuid::new_v4());
        assert!(matches!(
            decode(&gid, NodeKind::Pledge, "id"),
            Err(ApiError::NotFound)
        ));
    }

    #[test]
    fn malformed_ids_are_bad_user_input() {
        let not_uuid = URL_SAFE_NO_PAD.encode("Pledge:42");
        let unknown_kind = URL_SAFE_NO_PAD.encode(format!("Audit:{}", Uuid::new_v4()));
        for raw in [
            "",
            "!!!",
            "UGxlZGdl",
            not_uuid.as_str(),
            unknown_kind.as_str(),
        ] {
            let err = decode_any(raw, "id").expect_err("malformed");
            assert_eq!(err.code(), "BAD_USER_INPUT", "{raw:?}");
        }
    }

    #[test]
    fn time_cursors_round_trip_to_the_nanosecond() {
        let cursor = TimeCursor {
            at: chrono::Utc::now(),
            id: Uuid::new_v4(),
        };
        let encoded = cursor.encode(TimeList::Audit);
        assert_eq!(
            TimeCursor::decode(&encoded, TimeList::Audit).expect("decodes"),
            cursor
        );
        assert!(
            TimeCursor::decode(&encoded, TimeList::FollowUps).is_err(),
            "an audit cursor is not a follow-up cursor"
        );
        let year = YearCursor {
            year: 2024,
            id: cursor.id,
        }
        .encode();
        assert!(
            TimeCursor::decode(&year, TimeList::Audit).is_err(),
            "a pledge cursor is not an audit cursor"
        );
    }

    #[test]
    fn cursors_round_trip_and_reject_anything_else() {
        let cursor = YearCursor {
            year: 2024,
            id: Uuid::new_v4(),
        };
        assert_eq!(
            YearCursor::decode(&cursor.encode()).expect("decodes"),
            cursor
        );
        let gid = encode(NodeKind::Pledge, cursor.id);
        for raw in ["", "abc", gid.as_str()] {
            assert_eq!(
                YearCursor::decode(raw).expect_err("malformed").code(),
                "BAD_USER_INPUT"
            );
        }
    }
}
