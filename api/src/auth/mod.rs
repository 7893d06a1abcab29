//! Who is calling: bearer-token verification (HS256 with a shared secret;
//! RS256/ES256 from a JWKS chosen by `kid`) and the claims it yields.
//! `http` turns verified claims into a `Scope`; nothing else reads tokens.

mod claims;
mod jwks;
mod mint;
mod verifier;

pub use claims::Claims;
pub use jwks::{Jwks, JwksSource};
pub use mint::{TokenRequest, mint_hs256, now_secs};
pub use verifier::{MAX_TOKEN_BYTES, TokenVerifier};
