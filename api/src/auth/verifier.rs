//! Verifying a bearer token. Every failure is the same to the client (401
//! `UNAUTHENTICATED`); the reason goes to the log at debug level.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};

use super::claims::Claims;
use super::jwks::Jwks;
use crate::error::ApiError;

/// Tokens longer than this are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
const LEEWAY_SECS: u64 = 60;

/// Checks tokens against the configured keys and claims.
#[derive(Debug)]
pub struct TokenVerifier {
    hs256: Option<DecodingKey>,
    jwks: Option<Jwks>,
    issuer: Option<String>,
    audience: Option<String>,
}

fn refused(reason: &str) -> ApiError {
    tracing::debug!(reason, "token refused");
    ApiError::Unauthenticated("invalid or expired token".to_owned())
}

impl TokenVerifier {
    pub fn new(
        hs256_secret: Option<&str>,
        jwks: Option<Jwks>,
        issuer: Option<String>,
        audience: Option<String>,
    ) -> Self {
        Self {
            hs256: hs256_secret.map(|s| DecodingKey::from_secret(s.as_bytes())),
            jwks,
            issuer,
            audience,
        }
    }

    pub fn jwks(&self) -> Option<&Jwks> {
        self.jwks.as_ref()
    }

    /// The verified claims of `token`, or `UNAUTHENTICATED`.
    pub async fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(refused("token too large"));
        }
        let header = decode_header(token).map_err(|_| refused("malformed header"))?;
        // No header extensions are understood here, so any critical one
        // makes the token unusable (RFC 7515 §4.1.11).
        if header.crit.as_ref().is_some_and(|crit| !crit.is_empty()) {
            return Err(refused("unknown critical header"));
        }
        // The key is chosen by the algorithm's family and never the other
        // way round: an HS256 token is checked only against the shared
        // secret, so a public RSA key can never serve as an HMAC secret.
        let key = match header.alg {
            Algorithm::HS256 => self
                .hs256
                .clone()
                .ok_or_else(|| refused("HS256 tokens are not accepted"))?,
            Algorithm::RS256 | Algorithm::ES256 => {
                let jwks = self
                    .jwks
                    .as_ref()
                    .ok_or_else(|| refused("no JWKS configured"))?;
                let kid = header
                    .kid
                    .as_deref()
                    .ok_or_else(|| refused("missing kid"))?;
                let jwk = jwks.key(kid).await.ok_or_else(|| refused("unknown kid"))?;
                if !fits(&jwk, header.alg) {
                    return Err(refused("key does not fit the algorithm"));
                }
                DecodingKey::from_jwk(&jwk).map_err(|_| refused("unusable key"))?
            }
            _ => return Err(refused("algorithm not accepted")),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match &self.issuer {
            Some(iss) => {
                validation.set_issuer(&[iss]);
                validation.required_spec_claims.insert("iss".to_owned());
            }
            None => validation.iss = None,
        }
        match &self.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                validation.required_spec_claims.insert("aud".to_owned());
            }
            None => validation.validate_aud = false,
        }
        let claims = decode::<Claims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| refused(&format!("{:?}", e.kind())))?;
        if claims.sub.trim().is_empty() {
            return Err(refused("empty subject"));
        }
        Ok(claims)
    }
}

/// Whether a JWK may verify tokens of `alg`: RSA keys for RS256, P-256
/// keys for ES256, and a key that names an algorithm must name this one.
fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let declared_ok = match (jwk.common.key_algorithm, alg) {
        (None, _) => true,
        (Some(KeyAlgorithm::RS256), Algorithm::RS256) => true,
        (Some(KeyAlgorithm::ES256), Algorithm::ES256) => true,
        (Some(_), _) => false,
    };
    let family_ok = match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        _ => false,
    };
    declared_ok && family_ok
}
