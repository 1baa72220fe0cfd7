//! `Closing<E>`: a storage engine wrapper that reports when its last handle is dropped, so that
//! `RaftNode::shutdown` returns only once the store is closed (for sled: its directory lock
//! released, so the same directory can be opened again at once). openraft drops its replication
//! tasks, and the log readers they hold, a little after its core stops.

use crate::engine::{EngineError, LogRecord, MetaKey, SnapshotWriter, StorageEngine};
use tokio::sync::oneshot;

pub struct Closing<E> {
    // Fields drop in declaration order: the engine closes before the sender announces it.
    engine: E,
    _closed: oneshot::Sender<()>,
}

impl<E: StorageEngine> Closing<E> {
    /// The wrapped engine, and a receiver that completes (with an error) once it is dropped.
    pub fn new(engine: E) -> (Closing<E>, oneshot::Receiver<()>) {
        let (closed, on_close) = oneshot::channel();
        (
            Closing {
                engine,
                _closed: closed,
            },
            on_close,
        )
    }
}

impl<E: StorageEngine> StorageEngine for Closing<E> {
    fn append_log(&self, records: Vec<LogRecord>) -> Result<(), EngineError> {
        self.engine.append_log(records)
    }

    fn read_log(&self, start: u64, end: u64) -> Result<Vec<LogRecord>, EngineError> {
        self.engine.read_log(start, end)
    }

    fn last_log(&self) -> Result<Option<LogRecord>, EngineError> {
        self.engine.last_log()
    }

    fn remove_log_from(&self, from: u64) -> Result<(), EngineError> {
        self.engine.remove_log_from(from)
    }

    fn remove_log_through(&self, through: u64) -> Result<(), EngineError> {
        self.engine.remove_log_through(through)
    }

    fn get_meta(&self, key: MetaKey) -> Result<Option<Vec<u8>>, EngineError> {
        self.engine.get_meta(key)
    }

    fn put_meta(&self, key: MetaKey, value: &[u8], durable: bool) -> Result<(), EngineError> {
        self.engine.put_meta(key, value, durable)
    }

    fn snapshot_writer(&self) -> Result<Box<dyn SnapshotWriter + '_>, EngineError> {
        self.engine.snapshot_writer()
    }
}
