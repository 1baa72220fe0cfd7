//! `Proposer`: the leader's writes from clients and agents, batched. Writes that arrive while
//! earlier ones are being committed wait in a bounded queue and go out together as one Raft
//! entry (`Command::Batch`), so one fsync and one round of replication serve many writes and
//! throughput rises with concurrency. A lone write goes out as itself. Each caller gets its own
//! command's answer: one refused command changes nothing of the others.

use crate::clock;
use corral_model::{Applied, Command};
use corral_raft::{RaftNode, WriteError};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Most commands in one entry.
const MAX_BATCH: usize = 1024;
/// Entries being committed at once; further writes queue (and batch) behind them.
const IN_FLIGHT: usize = 4;
/// Writes waiting for a slot; callers beyond it wait to enqueue (back-pressure).
const QUEUE: usize = 16_384;

type Answer = Result<Applied, WriteError>;

struct Pending {
    command: Command,
    reply: oneshot::Sender<Answer>,
}

#[derive(Clone)]
pub struct Proposer {
    sender: mpsc::Sender<Pending>,
}

impl Proposer {
    pub fn start(node: Arc<RaftNode>) -> Proposer {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(node, receiver));
        Proposer { sender }
    }

    /// Proposes `command` (in a batch with whatever else is waiting) and answers with its result.
    pub async fn propose(&self, command: Command) -> Answer {
        let stopped = || WriteError::Stopped {
            reason: "the scheduler is shutting down".into(),
        };
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Pending { command, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(node: Arc<RaftNode>, mut receiver: mpsc::Receiver<Pending>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = receiver.recv().await {
        // Waiting for a slot first lets the queue fill: the busier, the bigger the batch.
        let Ok(permit) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        let node = Arc::clone(&node);
        tokio::spawn(async move {
            write_batch(&node, batch).await;
            drop(permit);
        });
    }
}

async fn write_batch(node: &RaftNode, mut batch: Vec<Pending>) {
    let now_secs = clock::now_secs();
    if batch.len() == 1 {
        let pending = batch.pop().expect("one write");
        let _ = pending
            .reply
            .send(node.client_write(pending.command, now_secs).await);
        return;
    }
    let (commands, replies): (Vec<Command>, Vec<oneshot::Sender<Answer>>) =
        batch.into_iter().map(|p| (p.command, p.reply)).unzip();
    let expected = commands.len();
    match node
        .client_write(Command::Batch { commands }, now_secs)
        .await
    {
        Ok(Applied::Batch { results }) if results.len() == expected => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result.map_err(|reason| WriteError::Refused { reason }));
            }
        }
        Ok(other) => {
            let error = WriteError::Stopped {
                reason: format!("internal: a batch of {expected} was answered {other:?}"),
            };
            for reply in replies {
                let _ = reply.send(Err(error.clone()));
            }
        }
        Err(error) => {
            for reply in replies {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}
