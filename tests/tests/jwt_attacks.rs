//! Bearer tokens under attack. Every forged, stale, mis-addressed or
//! malformed token is a 401 `UNAUTHENTICATED` with no data, never an
//! anonymous answer; real RS256/ES256 tokens from the JWKS and HS256 tokens
//! with the shared secret are accepted. A burst of unknown `kid`s reloads
//! the JWKS once, and a key the provider rotates in is accepted without a
//! restart.
//!
//! The keys are test-only fixtures (see `tests/fixtures/README.md`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use api::auth::now_secs;
use api::config::DEV_HS256_SECRET;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use tests::{Backend, TestApp, db_test};
use tokio::sync::oneshot;

const ME: &str = "{ me { subject } }";

// --- keys and tokens -------------------------------------------------------

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// A signing key of the test identity provider and the `kid` it is
/// published under.
struct Key {
    encoding: EncodingKey,
    alg: Algorithm,
    kid: String,
}

impl Key {
    fn rsa(file: &str, kid: &str) -> Self {
        Self {
            encoding: EncodingKey::from_rsa_pem(&fixture(file)).expect("an RSA private key"),
            alg: Algorithm::RS256,
            kid: kid.to_owned(),
        }
    }

    /// The provider's current RS256 key.
    fn rsa_a() -> Self {
        Self::rsa("rsa-a.key.pem", "rsa-a")
    }

    /// The RS256 key the provider rotates to.
    fn rsa_b() -> Self {
        Self::rsa("rsa-b.key.pem", "rsa-b")
    }

    /// An ES256 (P-256) key.
    fn ec() -> Self {
        Self {
            encoding: EncodingKey::from_ec_pem(&fixture("ec-p256.key.pem"))
                .expect("a P-256 private key"),
            alg: Algorithm::ES256,
            kid: "ec-p256".to_owned(),
        }
    }

    /// The same key published under another `kid`.
    fn with_kid(mut self, kid: &str) -> Self {
        self.kid = kid.to_owned();
        self
    }

    /// The public half as a JWK, with this key's `kid`.
    fn jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.encoding, self.alg).expect("a public JWK");
        jwk.common.key_id = Some(self.kid.clone());
        jwk
    }

    /// `claims` signed with this key, its `kid` in the header.
    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        encode(&header, claims, &self.encoding).expect("signing a test token")
    }
}

/// A JWKS document holding `keys`.
fn jwks(keys: &[&Key]) -> String {
    serde_json::to_string(&JwkSet {
        keys: keys.iter().map(|k| k.jwk()).collect(),
    })
    .expect("JWKS JSON")
}

/// Claims of a valid token for `sub`, one hour left.
fn claims(sub: &str) -> Value {
    let now = now_secs();
    json!({
        "sub": sub,
        "roles": ["viewer"],
        "municipalities": ["0683"],
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    })
}

/// `claims` with `key` set to `value` (`Value::Null` removes it).
fn with(mut claims: Value, key: &str, value: Value) -> Value {
    let map = claims.as_object_mut().expect("claims are an object");
    if value.is_null() {
        map.remove(key);
    } else {
        map.insert(key.to_owned(), value);
    }
    claims
}

/// `claims` signed HS256 with `secret`, no `kid`.
fn hs256_with(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("signing a test token")
}

/// `claims` signed HS256 with the test servers' development secret.
fn hs256(claims: &Value) -> String {
    hs256_with(DEV_HS256_SECRET.as_bytes(), claims)
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// The payload segment of `token` replaced by `claims`, header and
/// signature kept.
fn with_payload(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS has three segments: {token}");
    format!("{}.{}.{}", parts[0], b64(claims), parts[2])
}

// --- requests --------------------------------------------------------------

/// `{ me { subject } }` with `Authorization: <value>`; status and body.
async fn me_with_header(app: &TestApp, authorization: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header(header::AUTHORIZATION, authorization)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("request reaches the server");
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("the body is JSON");
    (status, body)
}

/// Asserts a 401 with code UNAUTHENTICATED and no data at all.
fn assert_refused(what: &str, status: u16, body: &Value) {
    assert_eq!(status, 401, "{what}: expected 401, body: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{what}: {body}"
    );
    assert!(
        body.get("data").is_none_or(Value::is_null),
        "{what}: a refused token must see no data, got {body}"
    );
}

/// Asserts `token` is refused.
async fn assert_token_refused(app: &TestApp, what: &str, token: &str) {
    let (status, body) = app.gql_as(Some(token), ME, json!({})).await;
    assert_refused(what, status, &body);
}

/// Asserts `token` is accepted as `sub`.
async fn assert_token_accepted(app: &TestApp, what: &str, token: &str, sub: &str) {
    let (status, body) = app.gql_as(Some(token), ME, json!({})).await;
    assert_eq!(status, 200, "{what}: expected 200, body: {body}");
    assert!(body.get("errors").is_none(), "{what}: {body}");
    assert_eq!(body["data"]["me"]["subject"], sub, "{what}: {body}");
}

// --- a JWKS endpoint ---------------------------------------------------------

#[derive(Clone)]
struct Published {
    body: Arc<RwLock<String>>,
    hits: Arc<AtomicU64>,
}

async fn serve_jwks(State(published): State<Published>) -> impl IntoResponse {
    published.hits.fetch_add(1, Ordering::SeqCst);
    let body = published.body.read().expect("JWKS lock").clone();
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// An identity provider's JWKS endpoint: counts GETs, and its document can
/// be replaced while it runs.
struct JwksServer {
    url: String,
    published: Published,
    _shutdown: oneshot::Sender<()>,
}

impl JwksServer {
    async fn start(document: String) -> Self {
        let published = Published {
            body: Arc::new(RwLock::new(document)),
            hits: Arc::new(AtomicU64::new(0)),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the JWKS server");
        let port = listener.local_addr().expect("its address").port();
        let router = Router::new()
            .route("/.well-known/jwks.json", get(serve_jwks))
            .with_state(published.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .expect("the JWKS server runs");
        });
        Self {
            url: format!("http://127.0.0.1:{port}/.well-known/jwks.json"),
            published,
            _shutdown: tx,
        }
    }

    fn publish(&self, document: String) {
        *self.published.body.write().expect("JWKS lock") = document;
    }

    fn hits(&self) -> u64 {
        self.published.hits.load(Ordering::SeqCst)
    }
}

async fn app_with(env: &[(&str, &str)]) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, env)
        .await
        .expect("SQLite is always available")
}

/// A server that reads its keys from `jwks` (and keeps the development
/// HS256 secret).
async fn app_with_jwks_url(jwks: &JwksServer, cooldown_secs: &str) -> TestApp {
    app_with(&[
        ("AUTH_JWKS_URL", jwks.url.as_str()),
        ("AUTH_JWKS_COOLDOWN_SECS", cooldown_secs),
    ])
    .await
}

// --- accepted tokens ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rs256_and_an_es256_token_with_a_kid_from_the_jwks_are_accepted() {
    let (rsa, ec) = (Key::rsa_a(), Key::ec());
    let idp = JwksServer::start(jwks(&[&rsa, &ec])).await;
    let app = app_with_jwks_url(&idp, "30").await;
    assert_eq!(idp.hits(), 1, "the JWKS is read once at start-up");
    assert_eq!(app.jwks_loads(), 1);

    assert_token_accepted(&app, "RS256", &rsa.sign(&claims("rsa-user")), "rsa-user").await;
    assert_token_accepted(&app, "ES256", &ec.sign(&claims("ec-user")), "ec-user").await;
    assert_eq!(idp.hits(), 1, "known kids need no reload");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwks_file_on_disk_verifies_rs256_tokens() {
    let rsa = Key::rsa_a();
    let path = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, jwks(&[&rsa])).expect("writing the JWKS file");
    let file = path.to_str().expect("a UTF-8 temp path").to_owned();
    let app = app_with(&[("AUTH_JWKS_FILE", file.as_str())]).await;

    assert_token_accepted(
        &app,
        "RS256 from file",
        &rsa.sign(&claims("filed")),
        "filed",
    )
    .await;
    assert_eq!(app.jwks_loads(), 1);
    let stranger = Key::rsa_b().with_kid("rsa-a");
    assert_token_refused(&app, "right kid, wrong key", &stranger.sign(&claims("x"))).await;
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rs256_tokens_are_refused_when_no_jwks_is_configured() {
    let app = app_with(&[]).await;
    assert_token_refused(&app, "RS256 without JWKS", &Key::rsa_a().sign(&claims("x"))).await;
    assert_token_accepted(&app, "HS256 control", &hs256(&claims("dev")), "dev").await;
}

// --- forged tokens -----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alg_none_is_refused() {
    let rsa = Key::rsa_a();
    let idp = JwksServer::start(jwks(&[&rsa])).await;
    let app = app_with_jwks_url(&idp, "30").await;
    let payload = b64(&claims("forger"));
    for header in [
        json!({ "alg": "none", "typ": "JWT" }),
        json!({ "alg": "None", "typ": "JWT" }),
        json!({ "alg": "NONE" }),
        json!({ "alg": "none", "typ": "JWT", "kid": "rsa-a" }),
    ] {
        let unsigned = format!("{}.{payload}.", b64(&header));
        assert_token_refused(&app, &format!("unsigned {header}"), &unsigned).await;
        // Some libraries accept a signature segment with "none", too.
        let with_junk = format!("{}.{payload}.c2lnbmF0dXJl", b64(&header));
        assert_token_refused(&app, &format!("{header} with junk"), &with_junk).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let rsa = Key::rsa_a();
    let idp = JwksServer::start(jwks(&[&rsa])).await;
    let app = app_with_jwks_url(&idp, "30").await;
    // The server does take HS256 tokens (with its own secret)...
    assert_token_accepted(&app, "HS256 control", &hs256(&claims("dev")), "dev").await;

    // ...but never with a public key as the HMAC secret.
    let public_pem = fixture("rsa-a.pub.pem");
    let trimmed = String::from_utf8(public_pem.clone()).expect("PEM is text");
    let jwk_json = serde_json::to_vec(&rsa.jwk()).expect("JWK JSON");
    for (what, secret) in [
        ("the PEM", public_pem.as_slice()),
        ("the trimmed PEM", trimmed.trim().as_bytes()),
        ("the JWK", jwk_json.as_slice()),
    ] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(rsa.kid.clone());
        let forged = encode(
            &header,
            &claims("confused"),
            &EncodingKey::from_secret(secret),
        )
        .expect("signing");
        assert_token_refused(&app, &format!("HS256 keyed with {what}"), &forged).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kid_naming_a_key_of_another_family_is_refused() {
    let (rsa, ec) = (Key::rsa_a(), Key::ec());
    let idp = JwksServer::start(jwks(&[&rsa, &ec])).await;
    let app = app_with_jwks_url(&idp, "30").await;
    // ES256 signature, kid of the RSA key; RS256 signature, kid of the EC key.
    let es_as_rsa = Key::ec().with_kid("rsa-a").sign(&claims("x"));
    let rs_as_ec = Key::rsa_a().with_kid("ec-p256").sign(&claims("x"));
    assert_token_refused(&app, "ES256 with an RSA kid", &es_as_rsa).await;
    assert_token_refused(&app, "RS256 with an EC kid", &rs_as_ec).await;
    // Other algorithms are not accepted, even with a key the server knows.
    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims("x"),
        &EncodingKey::from_secret(DEV_HS256_SECRET.as_bytes()),
    )
    .expect("signing");
    assert_token_refused(&app, "HS512 with the dev secret", &hs512).await;
    let mut header = Header::new(Algorithm::RS512);
    header.kid = Some(rsa.kid.clone());
    let rs512 = encode(&header, &claims("x"), &rsa.encoding).expect("signing");
    assert_token_refused(&app, "RS512 with the published key", &rs512).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_payload_is_refused() {
    let rsa = Key::rsa_a();
    let idp = JwksServer::start(jwks(&[&rsa])).await;
    let app = app_with_jwks_url(&idp, "30").await;
    let escalated = with(claims("viewer"), "roles", json!(["admin"]));
    for (what, token) in [
        ("HS256", hs256(&claims("viewer"))),
        ("RS256", rsa.sign(&claims("viewer"))),
    ] {
        assert_token_accepted(&app, &format!("{what} as issued"), &token, "viewer").await;
        let tampered = with_payload(&token, &escalated);
        assert_token_refused(&app, &format!("{what} made admin"), &tampered).await;
        let other_sub = with_payload(&token, &claims("someone-else"));
        assert_token_refused(&app, &format!("{what} with another sub"), &other_sub).await;
    }
    let other_secret = hs256_with(b"not-the-server-secret-but-long-enough", &claims("x"));
    assert_token_refused(&app, "HS256 with another secret", &other_secret).await;
}

// --- time, issuer and audience ---------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refused_but_one_inside_the_leeway_is_accepted() {
    let app = app_with(&[]).await;
    let now = now_secs();
    let expired = hs256(&with(claims("late"), "exp", json!(now - 120)));
    assert_token_refused(&app, "expired 120 s ago", &expired).await;
    let long_expired = hs256(&with(claims("late"), "exp", json!(now - 86_400)));
    assert_token_refused(&app, "expired yesterday", &long_expired).await;
    let just = hs256(&with(claims("skewed"), "exp", json!(now - 30)));
    assert_token_accepted(&app, "expired 30 s ago (leeway 60 s)", &just, "skewed").await;
    let without = hs256(&with(claims("forever"), "exp", Value::Null));
    assert_token_refused(&app, "no exp at all", &without).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_not_yet_valid_is_refused() {
    let app = app_with(&[]).await;
    let now = now_secs();
    let early = hs256(&with(claims("early"), "nbf", json!(now + 600)));
    assert_token_refused(&app, "nbf in 10 minutes", &early).await;
    let skewed = hs256(&with(claims("skewed"), "nbf", json!(now + 30)));
    assert_token_accepted(&app, "nbf in 30 s (leeway 60 s)", &skewed, "skewed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuer_and_audience_must_match_when_configured() {
    const ISS: &str = "https://idp.example.se/";
    const AUD: &str = "medborgarloften-api";
    let rsa = Key::rsa_a();
    let idp = JwksServer::start(jwks(&[&rsa])).await;
    let app = app_with(&[
        ("AUTH_JWKS_URL", idp.url.as_str()),
        ("AUTH_ISSUER", ISS),
        ("AUTH_AUDIENCE", AUD),
    ])
    .await;
    let addressed = with(
        with(claims("addressed"), "iss", json!(ISS)),
        "aud",
        json!(AUD),
    );
    assert_token_accepted(&app, "RS256 iss+aud", &rsa.sign(&addressed), "addressed").await;
    assert_token_accepted(&app, "HS256 iss+aud", &hs256(&addressed), "addressed").await;

    for (what, claims) in [
        (
            "wrong iss",
            with(addressed.clone(), "iss", json!("https://evil.example/")),
        ),
        ("missing iss", with(addressed.clone(), "iss", Value::Null)),
        (
            "wrong aud",
            with(addressed.clone(), "aud", json!("another-api")),
        ),
        ("missing aud", with(addressed.clone(), "aud", Value::Null)),
        (
            "aud list without ours",
            with(addressed.clone(), "aud", json!(["another-api"])),
        ),
    ] {
        assert_token_refused(&app, &format!("RS256 {what}"), &rsa.sign(&claims)).await;
        assert_token_refused(&app, &format!("HS256 {what}"), &hs256(&claims)).await;
    }

    // Without AUTH_ISSUER / AUTH_AUDIENCE, neither claim is required.
    let open = app_with(&[]).await;
    assert_token_accepted(
        &open,
        "no iss/aud needed",
        &hs256(&claims("plain")),
        "plain",
    )
    .await;
}

// --- malformed requests --------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_tokens_are_refused() {
    let app = app_with(&[]).await;
    let valid = hs256(&claims("x"));
    let two_segments = valid.rsplit_once('.').expect("three segments").0.to_owned();
    let four_segments = format!("{valid}.extra");
    let header_only = format!("{}..", b64(&json!({ "alg": "HS256" })));
    let not_json = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode("not json"),
        URL_SAFE_NO_PAD.encode("nor this"),
        URL_SAFE_NO_PAD.encode("sig")
    );
    let payload_not_claims = hs256_with(DEV_HS256_SECRET.as_bytes(), &json!(["a", "list"]));
    let sub_not_a_string = hs256(&with(claims("x"), "sub", json!(42)));
    for (what, token) in [
        ("a word", "garbage".to_owned()),
        ("dots", "...".to_owned()),
        ("a.b.c", "a.b.c".to_owned()),
        ("two segments", two_segments),
        ("four segments", four_segments),
        ("header only", header_only),
        ("not JSON", not_json),
        ("a payload that is not claims", payload_not_claims),
        ("a numeric sub", sub_not_a_string),
        ("a uuid", uuid::Uuid::new_v4().to_string()),
    ] {
        assert_token_refused(&app, what, &token).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_9_kib_token_is_refused_though_it_is_validly_signed() {
    let app = app_with(&[]).await;
    let padded = |bytes: usize| hs256(&with(claims("big"), "name", json!("x".repeat(bytes))));
    let big = padded(6_900);
    assert!(
        (9 * 1024..10 * 1024).contains(&big.len()),
        "the token is {} bytes",
        big.len()
    );
    assert_token_refused(&app, "a 9+ KiB token", &big).await;
    // The size alone is the reason: a 7 KiB token with the same claims is fine.
    let fits = padded(5 * 1024);
    assert!(fits.len() < 8 * 1024, "the token is {} bytes", fits.len());
    assert_token_accepted(&app, "a 7 KiB token", &fits, "big").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_headers_without_a_bearer_token_are_refused() {
    let app = app_with(&[]).await;
    let valid = hs256(&claims("x"));
    for header in [
        "Basic dXNlcjpwYXNzd29yZA==".to_owned(),
        format!("Basic {valid}"),
        format!("Token {valid}"),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer    ".to_owned(),
        String::new(),
    ] {
        let (status, body) = me_with_header(&app, &header).await;
        assert_refused(&format!("Authorization: {header:?}"), status, &body);
    }
    let (status, body) = me_with_header(&app, &format!("Bearer {valid}")).await;
    assert_eq!(status, 200, "the control request: {body}");
    // No header at all is anonymous, not an error.
    let (status, body) = app.gql_as(None, ME, json!({})).await;
    assert_eq!((status, &body["data"]["me"]), (200, &Value::Null), "{body}");
}

// --- unknown kids and rotation ---------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_unknown_kids_is_refused_and_reloads_the_jwks_once() {
    let rsa = Key::rsa_a();
    let idp = JwksServer::start(jwks(&[&rsa])).await;
    let app = app_with_jwks_url(&idp, "3").await;
    assert_eq!(idp.hits(), 1, "loaded at start-up");
    // Past the cool-down, so an unknown kid may reload once.
    app.advance_jwks_clock(Duration::from_secs(3));

    let app = Arc::new(app);
    let stranger = Key::rsa_b();
    let requests: Vec<_> = (0..20)
        .map(|i| {
            let app = app.clone();
            let token = Key::rsa_b()
                .with_kid(&format!("made-up-{i}"))
                .sign(&claims("intruder"));
            tokio::spawn(async move { app.gql_as(Some(&token), ME, json!({})).await })
        })
        .collect();
    for (i, request) in requests.into_iter().enumerate() {
        let (status, body) = request.await.expect("the request task");
        assert_refused(&format!("unknown kid #{i}"), status, &body);
    }
    assert_eq!(
        idp.hits(),
        2,
        "20 unknown kids at once: one reload after the initial load"
    );
    assert_eq!(app.jwks_loads(), 2);

    // Inside the cool-down, more unknown kids do not reach the provider.
    let again = stranger.with_kid("made-up-again").sign(&claims("intruder"));
    assert_token_refused(&app, "unknown kid in the cool-down", &again).await;
    assert_eq!(idp.hits(), 2, "no reload inside the cool-down");
    // Known keys keep working meanwhile.
    assert_token_accepted(&app, "known kid", &rsa.sign(&claims("ok")), "ok").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_jwks_key_is_accepted_without_a_restart() {
    let (old, new) = (Key::rsa_a(), Key::rsa_b());
    let idp = JwksServer::start(jwks(&[&old])).await;
    let app = app_with_jwks_url(&idp, "1").await;
    let old_token = old.sign(&claims("old-key"));
    let new_token = new.sign(&claims("new-key"));
    assert_token_accepted(&app, "the current key", &old_token, "old-key").await;
    assert_token_refused(&app, "a key not yet published", &new_token).await;

    // The provider rotates: the new key is published, the old one retired.
    idp.publish(jwks(&[&new]));
    app.advance_jwks_clock(Duration::from_secs(1));
    assert_token_accepted(&app, "the rotated-in key", &new_token, "new-key").await;
    assert_eq!(app.jwks_loads(), idp.hits());
    assert!(idp.hits() >= 2, "the new key came from a reload");
    // The reload replaced the whole set: the retired key no longer verifies.
    assert_token_refused(&app, "the retired key", &old_token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwks_unreadable_at_start_up_is_fetched_when_a_token_needs_it() {
    let rsa = Key::rsa_a();
    let idp = JwksServer::start("<html>down for maintenance</html>".to_owned()).await;
    let app = app_with_jwks_url(&idp, "30").await;
    assert_eq!(idp.hits(), 1, "tried at start-up");
    idp.publish(jwks(&[&rsa]));
    assert_token_accepted(
        &app,
        "after the provider recovers",
        &rsa.sign(&claims("a")),
        "a",
    )
    .await;
    assert_eq!(idp.hits(), 2);
}

// --- on both databases -------------------------------------------------------

db_test!(
    a_bad_token_is_401_and_a_good_one_200_on_every_backend,
    |app| {
        let good = hs256(&claims("smoke"));
        assert_token_accepted(&app, "valid HS256", &good, "smoke").await;
        let escalated = with_payload(&good, &with(claims("smoke"), "roles", json!(["admin"])));
        assert_token_refused(&app, "tampered", &escalated).await;
        let expired = hs256(&with(claims("smoke"), "exp", json!(now_secs() - 120)));
        assert_token_refused(&app, "expired", &expired).await;
    }
);

// --- known server bugs (run with --ignored) ------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audience_list_that_includes_ours_is_accepted() {
    let app = app_with(&[("AUTH_AUDIENCE", "medborgarloften-api")]).await;
    let listed = with(
        claims("listed"),
        "aud",
        json!(["medborgarloften-api", "another-api"]),
    );
    assert_token_accepted(&app, "aud list with ours", &hs256(&listed), "listed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_an_empty_subject_is_refused() {
    let app = app_with(&[]).await;
    assert_token_refused(&app, "sub \"\"", &hs256(&claims(""))).await;
    assert_token_refused(&app, "sub \"  \"", &hs256(&claims("  "))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_an_unknown_critical_header_is_refused() {
    let app = app_with(&[]).await;
    let mut header = Header::new(Algorithm::HS256);
    header.crit = Some(vec!["urn:example:must-understand".to_owned()]);
    let token = encode(
        &header,
        &claims("crit"),
        &EncodingKey::from_secret(DEV_HS256_SECRET.as_bytes()),
    )
    .expect("signing");
    assert_token_refused(&app, "unknown crit", &token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_matched_case_insensitively() {
    let app = app_with(&[]).await;
    let valid = hs256(&claims("lower"));
    for scheme in ["bearer", "BEARER"] {
        let (status, body) = me_with_header(&app, &format!("{scheme} {valid}")).await;
        assert_eq!(status, 200, "{scheme}: {body}");
        assert_eq!(body["data"]["me"]["subject"], "lower", "{scheme}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_carries_a_www_authenticate_bearer_header() {
    let app = app_with(&[]).await;
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .bearer_auth("garbage")
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(response.status(), 401);
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate: {challenge:?}"
    );
}
