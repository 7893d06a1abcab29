//! The per-caller rate limit (`APP_RATE_LIMIT_PER_MINUTE`): a signed-in
//! caller is counted by the token's subject, an anonymous one by its IP
//! address. Past the limit a request is refused with 429, `RATE_LIMITED`
//! and `Retry-After`, before it reaches the database.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{AppState, responses};
use crate::error::ApiError;
use crate::scope::Scope;

/// The buckets of every caller.
#[derive(Debug)]
pub struct RateLimits {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl RateLimits {
    /// `per_minute` requests a minute per caller, `burst` of them at once.
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request of the caller of `scope` (anonymous: of `ip`);
    /// `Err` with how long until it may ask again when it is over.
    pub(super) fn check(&self, scope: &Scope, ip: Option<IpAddr>) -> Result<(), Duration> {
        let key = match (scope.caller(), ip) {
            (Some(caller), _) => format!("sub:{}", caller.subject),
            (None, Some(ip)) => format!("ip:{ip}"),
            (None, None) => "ip:unknown".to_owned(),
        };
        self.limiter
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Forgets callers whose buckets are full again, so that the map does
    /// not grow with every address ever seen.
    pub fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Counts one request of the caller of `scope` (anonymous: of `ip`)
/// against the server's limit, if it has one; the refusal when the caller
/// is over it.
pub(super) fn refusal_if_over(
    state: &AppState,
    scope: &Scope,
    ip: Option<IpAddr>,
    headers: &HeaderMap,
) -> Option<Response> {
    let wait = state.rate_limits.as_ref()?.check(scope, ip).err()?;
    state.metrics.rejected("rate_limited");
    Some(refusal(headers, wait))
}

/// The refusal of a caller over the limit.
fn refusal(headers: &HeaderMap, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let err = ApiError::RateLimited(format!("too many requests; try again in {seconds} s"));
    let mut response = responses::error(headers, StatusCode::TOO_MANY_REQUESTS, &err);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The address a request came from, for the rate limit of anonymous
/// callers: the peer, or with `trust_forwarded_for` the first address of
/// `X-Forwarded-For` (which only a load balancer that sets it may be
/// trusted with).
#[derive(Debug, Clone, Copy)]
pub(super) struct ClientIp(pub(super) Option<IpAddr>);

/// Puts the `ClientIp` on the request.
pub(super) async fn client_ip(
    axum::extract::State(trust_forwarded_for): axum::extract::State<bool>,
    mut req: Request,
    next: Next,
) -> Response {
    let forwarded = trust_forwarded_for
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|first| first.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    req.extensions_mut().insert(ClientIp(forwarded.or(peer)));
    next.run(req).await
}
