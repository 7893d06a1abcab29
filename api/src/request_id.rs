//! Request ids. Every HTTP request and every websocket operation gets the
//! server's own id: it is what the audit log records, what the logs are
//! tagged with and what the `x-request-id` response header carries. A
//! client's own `x-request-id` is never taken as the id (the audit log is
//! a legal record and must not be made to point anywhere); it is kept
//! beside it, bounded and stripped to printable ASCII, so that a client's
//! tracing can still be matched with ours.

use uuid::Uuid;

/// The longest client-sent id kept; longer ones are cut.
pub const CLIENT_ID_MAX: usize = 128;

/// The server's id of one request or websocket operation, and the id the
/// client sent with it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId {
    own: String,
    client: Option<String>,
}

impl RequestId {
    /// A new id, with no client id.
    pub fn fresh() -> Self {
        Self {
            own: Uuid::new_v4().to_string(),
            client: None,
        }
    }

    /// A new id for a request that came with `client` (its `x-request-id`).
    pub fn with_client(client: Option<&[u8]>) -> Self {
        Self {
            client: client.and_then(sanitise),
            ..Self::fresh()
        }
    }

    /// The server's id: the only one to trust.
    pub fn own(&self) -> &str {
        &self.own
    }

    /// What the client sent as its id, sanitised; informational only.
    pub fn client(&self) -> Option<&str> {
        self.client.as_deref()
    }

    /// A new own id for the next operation of the same connection.
    pub fn next(&self) -> Self {
        Self {
            client: self.client.clone(),
            ..Self::fresh()
        }
    }
}

/// `raw` with every byte that is not printable ASCII dropped (no control
/// characters, newlines or escapes reach a log line or the audit log),
/// cut to `CLIENT_ID_MAX`; nothing when nothing is left.
fn sanitise(raw: &[u8]) -> Option<String> {
    let kept: String = raw
        .iter()
        .filter(|b| b.is_ascii_graphic())
        .take(CLIENT_ID_MAX)
        .map(|&b| char::from(b))
        .collect();
    (!kept.is_empty()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_the_servers_own_and_new() {
        let a = RequestId::with_client(Some(b"forged"));
        let b = RequestId::with_client(Some(b"forged"));
        assert_ne!(a.own(), "forged");
        assert_ne!(a.own(), b.own());
        assert!(Uuid::parse_str(a.own()).is_ok());
        assert_eq!(a.client(), Some("forged"));
        let next = a.next();
        assert_ne!(next.own(), a.own());
        assert_eq!(next.client(), Some("forged"));
    }

    #[test]
    fn a_client_id_is_printable_and_bounded() {
        let id = RequestId::with_client(Some(b"a b\r\nc\x1b[31m\xc3\xa5d"));
        assert_eq!(id.client(), Some("abc[31md"));
        let long = vec![b'x'; 10_000];
        let id = RequestId::with_client(Some(&long));
        assert_eq!(id.client().map(str::len), Some(CLIENT_ID_MAX));
        assert_eq!(RequestId::with_client(Some(b" \t\n")).client(), None);
        assert_eq!(RequestId::with_client(None).client(), None);
    }
}
