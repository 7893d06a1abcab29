//! `api token` mints a development token: one JWT line on stdout, signed
//! with the configured HS256 secret (the development default when none is
//! set) and carrying the claims asked for. It refuses to run under
//! APP_ENV=production and refuses roles the server does not know.

use std::process::{Command, Output};

use api::auth::{TokenVerifier, now_secs};
use api::config::DEV_HS256_SECRET;

/// Configuration a developer's shell might carry into the test.
const SETTINGS: &[&str] = &[
    "APP_ENV",
    "APP_ADDR",
    "DATABASE_URL",
    "AUTH_HS256_SECRET",
    "AUTH_JWKS_FILE",
    "AUTH_JWKS_URL",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
];

const PRODUCTION_SECRET: &str = "a-production-secret-that-is-long-enough-0123456789";

/// `api token <args>` with a clean configuration plus `env`.
fn api_token(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_api"));
    cmd.arg("token").args(args).env("RUST_LOG", "warn");
    for key in SETTINGS {
        cmd.env_remove(key);
    }
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().expect("the api binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The single JWT line on stdout.
fn the_token(output: &Output) -> String {
    assert!(
        output.status.success(),
        "api token failed ({}): {}",
        output.status,
        stderr(output)
    );
    let out = stdout(output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "stdout is exactly one line: {out:?}");
    assert!(out.ends_with('\n'), "the line ends with a newline: {out:?}");
    let token = lines[0];
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(segments.len(), 3, "a JWT has three segments: {token:?}");
    for segment in segments {
        assert!(
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "each segment is base64url: {token:?}"
        );
    }
    token.to_owned()
}

/// Asserts the command failed without printing a token.
fn assert_refused(output: &Output, what: &str) -> String {
    assert!(
        !output.status.success(),
        "{what}: expected a failure, got a token: {}",
        stdout(output)
    );
    assert!(
        stdout(output).trim().is_empty(),
        "{what}: nothing on stdout, got {:?}",
        stdout(output)
    );
    let err = stderr(output);
    assert!(!err.trim().is_empty(), "{what}: the reason is on stderr");
    err
}

#[tokio::test]
async fn api_token_prints_one_jwt_that_verifies_with_the_dev_secret_and_carries_the_claims() {
    let before = now_secs();
    let token = the_token(&api_token(
        &["--sub", "x", "--role", "viewer", "--municipality", "0683"],
        &[],
    ));
    let claims = TokenVerifier::new(Some(DEV_HS256_SECRET), None, None, None)
        .verify(&token)
        .await
        .expect("the token verifies with the development secret");
    assert_eq!(claims.sub, "x");
    assert_eq!(claims.roles, ["viewer"]);
    assert_eq!(claims.municipalities, ["0683"]);
    assert!(claims.police_areas.is_empty(), "{claims:?}");
    assert_eq!(claims.name, None);
    assert_eq!((claims.iss.as_deref(), claims.aud.as_ref()), (None, None));
    let iat = claims.iat.expect("iat is set");
    assert!(
        (before.saturating_sub(5)..=now_secs() + 5).contains(&iat),
        "iat {iat} is now"
    );
    assert_eq!(claims.exp - iat, 8 * 3600, "the default lifetime is 8 h");

    let err = TokenVerifier::new(Some("another-secret"), None, None, None)
        .verify(&token)
        .await
        .expect_err("another secret refuses it");
    assert_eq!(err.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn api_token_signs_with_the_configured_secret_issuer_and_audience() {
    let env = [
        ("AUTH_HS256_SECRET", PRODUCTION_SECRET),
        ("AUTH_ISSUER", "https://idp.example.se/"),
        ("AUTH_AUDIENCE", "medborgarloften-api"),
    ];
    let token = the_token(&api_token(
        &[
            "--sub",
            "police-9",
            "--name",
            "Anna Andersson",
            "--role",
            "police_editor",
            "--role",
            "viewer",
            "--police-area",
            "lpo-varnamo",
            "--municipality",
            "0683",
            "--municipality",
            "0665",
            "--ttl",
            "120",
        ],
        &env,
    ));
    let claims = TokenVerifier::new(
        Some(PRODUCTION_SECRET),
        None,
        Some("https://idp.example.se/".to_owned()),
        Some("medborgarloften-api".to_owned()),
    )
    .verify(&token)
    .await
    .expect("the token verifies with the configured secret, issuer and audience");
    assert_eq!(claims.sub, "police-9");
    assert_eq!(claims.name.as_deref(), Some("Anna Andersson"));
    assert_eq!(claims.roles, ["police_editor", "viewer"]);
    assert_eq!(claims.municipalities, ["0683", "0665"]);
    assert_eq!(claims.police_areas, ["lpo-varnamo"]);
    assert_eq!(claims.exp - claims.iat.expect("iat"), 120);

    TokenVerifier::new(Some(DEV_HS256_SECRET), None, None, None)
        .verify(&token)
        .await
        .expect_err("the development secret did not sign it");
}

#[test]
fn api_token_refuses_to_run_in_production() {
    let output = api_token(
        &["--sub", "x", "--role", "viewer"],
        &[
            ("APP_ENV", "production"),
            ("AUTH_HS256_SECRET", PRODUCTION_SECRET),
        ],
    );
    let err = assert_refused(&output, "APP_ENV=production");
    assert!(err.contains("production"), "stderr says why: {err}");
}

#[test]
fn api_token_refuses_unknown_roles_and_bad_codes() {
    let err = assert_refused(
        &api_token(&["--sub", "x", "--role", "nonsense"], &[]),
        "--role nonsense",
    );
    assert!(err.contains("nonsense"), "stderr names the role: {err}");
    let err = assert_refused(
        &api_token(&["--role", "viewer", "--role", "Admin"], &[]),
        "--role Admin",
    );
    assert!(err.contains("Admin"), "stderr names the role: {err}");
    assert_refused(
        &api_token(&["--role", "viewer", "--municipality", "Värnamo"], &[]),
        "--municipality Värnamo",
    );
    assert_refused(
        &api_token(&["--role", "viewer", "--police-area", "LPO Värnamo"], &[]),
        "--police-area with a space",
    );
    assert_refused(&api_token(&["--sub", "x"], &[]), "no --role");
}
