//! Who is asking, and so what they may see. A `Scope` is built once per
//! request from the verified credentials (never from arguments or headers a
//! caller could choose) and is passed into every data access in `store`.
//! Its field is private: code outside this module cannot widen it.

/// The caller's visibility for one request.
#[derive(Debug, Clone)]
pub struct Scope {
    caller: Caller,
}

/// The kinds of caller the server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// No token: published pledges and reference data only.
    Anonymous,
}

impl Scope {
    /// The scope of a request without credentials.
    pub fn anonymous() -> Self {
        Self {
            caller: Caller::Anonymous,
        }
    }

    pub fn caller(&self) -> Caller {
        self.caller
    }
}
