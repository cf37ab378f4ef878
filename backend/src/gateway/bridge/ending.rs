//! What ends a session from outside its two streams: the buffer budget, a
//! message from the browser overdue (`gateway::meter`), a restart.

use std::sync::Arc;
use std::time::Duration;

use super::End;
use crate::gateway::fail::Fail;
use crate::gateway::meter::{self, Meter};
use crate::gateway::stream_error::Condition;

/// Why the budget ended a session.
const EVICTED: &str = "the gateway is short of memory, and this session held the most of unfinished stanzas";

/// What ends a session from outside its two streams: the budget, a
/// message from the browser overdue, a restart. Made once per session.
pub(super) async fn told_to_end(
    evicted: impl Future<Output = ()>,
    meter: Option<Arc<Meter>>,
    limit: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> End {
    tokio::select! {
        () = evicted => End::fail(Condition::ResourceConstraint, EVICTED),
        () = meter::overdue(meter.as_deref(), limit) => End::Fail(Fail::client_fault(
            Condition::ConnectionTimeout,
            "one message took too long to arrive",
        )),
        _ = shutdown.changed() => End::fail(Condition::SystemShutdown, "the gateway is restarting; reconnect"),
    }
}
