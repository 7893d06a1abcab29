//! The harness itself: how a test's PostgreSQL database is named.

use tests::replace_database;

#[test]
fn replaces_only_the_database_name() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        replace_database("postgres://u:p@h/db?sslmode=disable", "t2"),
        "postgres://u:p@h/t2?sslmode=disable"
    );
    assert_eq!(
        replace_database("postgres://h:1", "t3"),
        "postgres://h:1/t3"
    );
}
