//! How an answer is judged, the same way by the bench (first answers, the
//! SQL count) and by the wrk script (every answer under load).

use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

/// What kind of request an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Every answer must be the first one: byte for byte, or the same JSON
    /// with the keys of some object in another order.
    Read,
    /// 200, no `errors`, `data.recordActivity.id` present.
    Write,
}

/// One HTTP request of a scenario, sent as these exact bytes.
#[derive(Debug, Clone)]
pub(crate) struct BenchRequest {
    /// The JSON body.
    pub(crate) body: String,
    /// The `Authorization` header value; `None` is anonymous.
    pub(crate) authorization: Option<String>,
    pub(crate) check: Check,
}

/// Sends `request` to `url`; returns the status and the body.
pub(crate) async fn send(
    client: &reqwest::Client,
    url: &str,
    request: &BenchRequest,
) -> anyhow::Result<(u16, String)> {
    let mut builder = client
        .post(url)
        .header("content-type", "application/json")
        .body(request.body.clone())
        .timeout(Duration::from_secs(30));
    if let Some(authorization) = &request.authorization {
        builder = builder.header("authorization", authorization);
    }
    let response = builder.send().await.context("sending a request")?;
    let status = response.status().as_u16();
    let body = response.text().await.context("reading an answer")?;
    Ok((status, body))
}

/// The expected answer of each read of a scenario: the first answer, once
/// it has passed `first_answer`.
#[derive(Debug, Default)]
pub(crate) struct Expectations {
    bodies: Vec<Option<String>>,
    /// Answers equal to the expected one only when JSON key order is
    /// ignored.
    pub(crate) reordered: u64,
}

impl Expectations {
    /// Judges the answer to request `index`; `Err` says what is wrong.
    pub(crate) fn judge(
        &mut self,
        index: usize,
        check: Check,
        status: u16,
        body: &str,
    ) -> Result<(), String> {
        if self.bodies.len() <= index {
            self.bodies.resize(index + 1, None);
        }
        match (check, &self.bodies[index]) {
            (Check::Read, Some(_)) if status != 200 => {
                Err(format!("HTTP {status}: {}", excerpt(body)))
            }
            (Check::Read, Some(expected)) if expected == body => Ok(()),
            (Check::Read, Some(expected)) => {
                if same_json(expected, body) {
                    self.reordered += 1;
                    Ok(())
                } else {
                    Err(format!(
                        "the answer differs from the first one: {}",
                        excerpt(body)
                    ))
                }
            }
            (Check::Read, None) => {
                first_answer(status, body)?;
                self.bodies[index] = Some(body.to_owned());
                Ok(())
            }
            (Check::Write, _) => write_answer(status, body),
        }
    }

    /// The expected answer of read `index`, once judged.
    pub(crate) fn body(&self, index: usize) -> Option<&str> {
        self.bodies.get(index)?.as_deref()
    }

    /// Every expected answer, parsed.
    pub(crate) fn parsed(&self) -> Vec<Value> {
        self.bodies
            .iter()
            .flatten()
            .filter_map(|body| serde_json::from_str(body).ok())
            .collect()
    }
}

/// Judges an HTTP 200 answer that is byte for byte none of the expected
/// ones: it passes when it is one of them as JSON (objects compare without
/// regard to key order, arrays in order) or, in a scenario with writes, a
/// good write answer.
pub(crate) fn judge_variant(body: &str, expected: &[Value], writes: bool) -> Result<(), String> {
    if let Ok(value) = serde_json::from_str::<Value>(body)
        && expected.contains(&value)
    {
        return Ok(());
    }
    if writes && write_answer(200, body).is_ok() {
        return Ok(());
    }
    Err(format!("not an expected answer: {}", excerpt(body)))
}

/// Whether two bodies are the same JSON (serde_json's maps compare without
/// regard to order).
fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Value>(a),
        serde_json::from_str::<Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A good write: HTTP 200, no errors, `data.recordActivity.id`.
fn write_answer(status: u16, body: &str) -> Result<(), String> {
    let data = first_answer(status, body)?;
    match data["recordActivity"]["id"].as_str() {
        Some(_) => Ok(()),
        None => Err("no data.recordActivity.id".into()),
    }
}

/// A good answer: HTTP 200, JSON with `data` and without `errors`.
/// Returns `data`.
pub(crate) fn first_answer(status: u16, body: &str) -> Result<Value, String> {
    if status != 200 {
        return Err(format!("HTTP {status}: {}", excerpt(body)));
    }
    let json: Value =
        serde_json::from_str(body).map_err(|_| format!("not JSON: {}", excerpt(body)))?;
    if json.get("errors").is_some() {
        return Err(format!("GraphQL errors: {}", excerpt(body)));
    }
    match json.get("data") {
        Some(data) if !data.is_null() => Ok(data.clone()),
        _ => Err(format!("no data: {}", excerpt(body))),
    }
}

fn excerpt(body: &str) -> String {
    body.chars().take(600).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_must_repeat_its_first_answer() {
        let mut expectations = Expectations::default();
        let first = r#"{"data":{"municipalities":[]}}"#;
        assert!(expectations.judge(0, Check::Read, 200, first).is_ok());
        assert!(expectations.judge(0, Check::Read, 200, first).is_ok());
        assert!(
            expectations
                .judge(0, Check::Read, 200, r#"{"data":{"municipalities":[1]}}"#)
                .is_err()
        );
        assert!(expectations.judge(0, Check::Read, 500, first).is_err());
    }

    #[test]
    fn a_first_answer_with_errors_or_without_data_is_refused() {
        let mut expectations = Expectations::default();
        let errors = r#"{"data":null,"errors":[{"message":"x"}]}"#;
        assert!(expectations.judge(0, Check::Read, 200, errors).is_err());
        assert!(expectations.body(0).is_none());
        assert!(first_answer(200, r#"{"data":null}"#).is_err());
        assert!(first_answer(200, "<html>").is_err());
    }

    #[test]
    fn keys_in_another_order_are_the_same_answer_but_list_order_is_not() {
        let mut expectations = Expectations::default();
        let first = r#"{"data":{"a":1,"b":[1,2]}}"#;
        assert!(expectations.judge(0, Check::Read, 200, first).is_ok());
        assert!(
            expectations
                .judge(0, Check::Read, 200, r#"{"data":{"b":[1,2],"a":1}}"#)
                .is_ok()
        );
        assert_eq!(expectations.reordered, 1);
        assert!(
            expectations
                .judge(0, Check::Read, 200, r#"{"data":{"a":1,"b":[2,1]}}"#)
                .is_err()
        );
        let expected = expectations.parsed();
        assert!(judge_variant(r#"{"data":{"b":[1,2],"a":1}}"#, &expected, false).is_ok());
        assert!(judge_variant(r#"{"data":{"a":2,"b":[1,2]}}"#, &expected, false).is_err());
        let write = r#"{"data":{"recordActivity":{"id":"x"}}}"#;
        assert!(judge_variant(write, &expected, true).is_ok());
        assert!(judge_variant(write, &expected, false).is_err());
    }

    #[test]
    fn a_write_needs_the_new_id() {
        let mut expectations = Expectations::default();
        let good = r#"{"data":{"recordActivity":{"id":"QWN0aXZpdHk6MQ"}}}"#;
        assert!(expectations.judge(3, Check::Write, 200, good).is_ok());
        let partial = r#"{"data":{"recordActivity":null},"errors":[{"message":"x"}]}"#;
        assert!(expectations.judge(3, Check::Write, 200, partial).is_err());
    }
}
