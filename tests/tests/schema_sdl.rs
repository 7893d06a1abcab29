//! `schema.graphql` at the repository root is the published contract. It is
//! generated from the code; this test fails when the two differ.
//!
//! To regenerate: `UPDATE_SCHEMA=1 cargo test -p tests --test main schema_sdl`

use std::path::PathBuf;

use serde_json::Value;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql")
}

#[test]
fn checked_in_schema_matches_the_code() {
    let generated = api::graphql::sdl();
    let path = schema_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("writing schema.graphql");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schema.graphql is stale. Regenerate it with:\n    UPDATE_SCHEMA=1 cargo test -p tests --test main schema_sdl\nand commit the result."
    );
}

const INTROSPECTION: &str = r#"{
  __schema {
    types {
      name kind description
      fields { name description }
      inputFields { name description }
      enumValues { name description }
    }
  }
}"#;

#[tokio::test]
async fn every_type_field_and_value_has_a_description() {
    let schema = api::graphql::schema().finish();
    let response = schema.execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("json");
    let mut missing = Vec::new();
    let described = |v: &Value| v.as_str().is_some_and(|s| !s.trim().is_empty());
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        // Spec scalars and introspection types come without our descriptions.
        if name.starts_with("__") || name == "ID" {
            continue;
        }
        if !described(&ty["description"]) {
            missing.push(name.to_owned());
        }
        for list in ["fields", "inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                if !described(&item["description"]) {
                    missing.push(format!("{name}.{}", item["name"].as_str().unwrap_or("?")));
                }
            }
        }
    }
    assert!(missing.is_empty(), "without a description: {missing:?}");
}
