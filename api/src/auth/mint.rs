//! Minting HS256 tokens for local use (`api token`) and tests. Production
//! identity providers issue real tokens; this never runs in production.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};

use super::claims::Claims;

/// Seconds since the epoch, now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What a development token says about its holder.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub sub: String,
    pub name: Option<String>,
    pub roles: Vec<String>,
    pub municipalities: Vec<String>,
    pub police_areas: Vec<String>,
    pub ttl_secs: u64,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

/// Signs `request` as an HS256 token with `secret`.
pub fn mint_hs256(secret: &str, request: &TokenRequest) -> anyhow::Result<String> {
    let now = now_secs();
    let claims = Claims {
        sub: request.sub.clone(),
        name: request.name.clone(),
        roles: request.roles.clone(),
        municipalities: request.municipalities.clone(),
        police_areas: request.police_areas.clone(),
        exp: now + request.ttl_secs,
        nbf: Some(now),
        iat: Some(now),
        iss: request.issuer.clone(),
        aud: request.audience.clone().map(serde_json::Value::from),
    };
    Ok(encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::TokenVerifier;

    #[tokio::test]
    async fn a_minted_token_verifies_with_the_same_secret_and_not_another() {
        let request = TokenRequest {
            sub: "user-42".into(),
            roles: vec!["viewer".into()],
            municipalities: vec!["0683".into()],
            ttl_secs: 60,
            ..TokenRequest::default()
        };
        let token = mint_hs256("secret-one", &request).expect("signs");
        let claims = TokenVerifier::new(Some("secret-one"), None, None, None)
            .verify(&token)
            .await
            .expect("verifies");
        assert_eq!(claims.sub, "user-42");
        assert_eq!(claims.municipalities, ["0683"]);
        let err = TokenVerifier::new(Some("secret-two"), None, None, None)
            .verify(&token)
            .await
            .expect_err("another secret refuses it");
        assert_eq!(err.code(), "UNAUTHENTICATED");
    }
}
