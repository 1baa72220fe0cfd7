//! `Connector`: how a client given several scheduler addresses reaches the leader. It tries the
//! leader it last reached first, follows a follower's "the leader is at ADDR" answer at once, goes
//! through the other addresses when one is unreachable or has no leader yet, and retries with
//! backoff until its deadline. Its errors name every address tried and what each answered.

use crate::leader::leader_hint;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;
use thiserror::Error;
use tokio::time::{sleep, timeout, Instant};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(1_000);
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// Short: during an election a client should learn the new leader within a beat of it.
const MAX_BACKOFF: Duration = Duration::from_millis(200);
/// Redirects followed in a row before going back to the address list (a guard against loops).
const MAX_REDIRECTS: usize = 8;

#[derive(Debug, Error)]
pub enum CallError {
    /// No address answered as leader before the deadline.
    #[error("no scheduler leader reached within {waited_ms} ms; tried: {}", tried.join("; "))]
    NoLeader { waited_ms: u128, tried: Vec<String> },
    /// The leader answered with an error of its own (validation, not found, permission): passed
    /// through unchanged.
    #[error("{}", .0.message())]
    Refused(Status),
}

impl CallError {
    /// The server's status, when the leader refused the call.
    pub fn status(&self) -> Option<&Status> {
        match self {
            CallError::Refused(status) => Some(status),
            CallError::NoLeader { .. } => None,
        }
    }
}

pub struct Connector {
    addrs: Vec<String>,
    /// Where the last successful call went, or where a follower said the leader is.
    preferred: Option<String>,
    channels: HashMap<String, Channel>,
    deadline: Duration,
    call_timeout: Duration,
}

impl Connector {
    /// `addrs` as `host:port`; `deadline` bounds each `call`, retries included.
    pub fn new(addrs: Vec<String>, deadline: Duration) -> Connector {
        Connector {
            addrs,
            preferred: None,
            channels: HashMap::new(),
            deadline,
            call_timeout: Duration::from_secs(10),
        }
    }

    /// Bounds one attempt of a unary call (default 10 s).
    pub fn with_call_timeout(mut self, call_timeout: Duration) -> Connector {
        self.call_timeout = call_timeout;
        self
    }

    pub fn addrs(&self) -> &[String] {
        &self.addrs
    }

    /// The address of the leader this connector last reached.
    pub fn leader_addr(&self) -> Option<&str> {
        self.preferred.as_deref()
    }

    /// Runs `call` at the leader. Retries (at the leader named, or the next address) on a
    /// redirect, an unreachable address, `UNAVAILABLE` or an attempt timing out; any other error
    /// status is the leader's answer and is returned as `Refused`.
    pub async fn call<T, F, Fut>(&mut self, mut call: F) -> Result<T, CallError>
    where
        F: FnMut(Channel) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let started = Instant::now();
        let mut backoff = FIRST_BACKOFF;
        let mut tried: Vec<String> = Vec::new();
        loop {
            let mut redirects = 0;
            let mut queue = self.candidates();
            while let Some(addr) = queue.pop() {
                let outcome = self.attempt(&addr, &mut call).await;
                match outcome {
                    Attempt::Done(value) => {
                        self.preferred = Some(addr);
                        return Ok(value);
                    }
                    Attempt::Refused(status) => {
                        self.preferred = Some(addr);
                        return Err(CallError::Refused(status));
                    }
                    Attempt::Redirect(leader) if redirects < MAX_REDIRECTS => {
                        redirects += 1;
                        note(
                            &mut tried,
                            &addr,
                            &format!("not the leader; leader is {leader}"),
                        );
                        self.preferred = Some(leader.clone());
                        queue.push(leader);
                    }
                    Attempt::Redirect(leader) => {
                        note(&mut tried, &addr, &format!("redirect loop (to {leader})"));
                    }
                    Attempt::Retry(reason) => {
                        note(&mut tried, &addr, &reason);
                        if self.preferred.as_deref() == Some(addr.as_str()) {
                            self.preferred = None;
                        }
                    }
                }
            }
            if started.elapsed() + backoff > self.deadline {
                return Err(CallError::NoLeader {
                    waited_ms: started.elapsed().as_millis(),
                    tried,
                });
            }
            sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Addresses to try, last to be tried first: the list reversed, then the preferred on top.
    fn candidates(&self) -> Vec<String> {
        let mut queue: Vec<String> = self.addrs.iter().rev().cloned().collect();
        if let Some(preferred) = &self.preferred {
            queue.retain(|a| a != preferred);
            queue.push(preferred.clone());
        }
        queue
    }

    async fn attempt<T, F, Fut>(&mut self, addr: &str, call: &mut F) -> Attempt<T>
    where
        F: FnMut(Channel) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let channel = match self.channel(addr).await {
            Ok(channel) => channel,
            Err(reason) => return Attempt::Retry(reason),
        };
        match timeout(self.call_timeout, call(channel)).await {
            Err(_) => {
                self.channels.remove(addr);
                Attempt::Retry(format!(
                    "no answer within {} ms",
                    self.call_timeout.as_millis()
                ))
            }
            Ok(Ok(value)) => Attempt::Done(value),
            Ok(Err(status)) => {
                if let Some(hint) = leader_hint(&status) {
                    return Attempt::Redirect(hint.addr);
                }
                match status.code() {
                    Code::Unavailable | Code::Unknown | Code::Cancelled => {
                        self.channels.remove(addr);
                        Attempt::Retry(status.message().to_string())
                    }
                    _ => Attempt::Refused(status),
                }
            }
        }
    }

    async fn channel(&mut self, addr: &str) -> Result<Channel, String> {
        if let Some(channel) = self.channels.get(addr) {
            return Ok(channel.clone());
        }
        let endpoint = Endpoint::from_shared(format!("http://{addr}"))
            .map_err(|e| format!("not an address ({e})"))?
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true);
        let channel = endpoint
            .connect()
            .await
            .map_err(|e| format!("unreachable ({})", error_chain(&e)))?;
        self.channels.insert(addr.to_string(), channel.clone());
        Ok(channel)
    }
}

enum Attempt<T> {
    Done(T),
    Refused(Status),
    Redirect(String),
    Retry(String),
}

/// Records what `addr` answered, once per distinct answer.
fn note(tried: &mut Vec<String>, addr: &str, what: &str) {
    let line = format!("{addr}: {what}");
    if !tried.contains(&line) {
        tried.push(line);
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
