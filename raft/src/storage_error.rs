//! Turns engine and encoding failures into the `StorageError` openraft expects (which stops the
//! node: a store that cannot read or write its own data must not go on voting).

use crate::types::StorageError;
use openraft::{AnyError, ErrorSubject, ErrorVerb, StorageIOError};

pub(crate) fn storage_error(
    subject: ErrorSubject<u64>,
    verb: ErrorVerb,
    error: &(impl std::error::Error + 'static),
) -> StorageError {
    StorageError::IO {
        source: StorageIOError::new(subject, verb, AnyError::new(error)),
    }
}

pub(crate) fn read_logs(error: &(impl std::error::Error + 'static)) -> StorageError {
    storage_error(ErrorSubject::Logs, ErrorVerb::Read, error)
}

pub(crate) fn write_logs(error: &(impl std::error::Error + 'static)) -> StorageError {
    storage_error(ErrorSubject::Logs, ErrorVerb::Write, error)
}

pub(crate) fn read_snapshot(error: &(impl std::error::Error + 'static)) -> StorageError {
    storage_error(ErrorSubject::Snapshot(None), ErrorVerb::Read, error)
}

pub(crate) fn write_snapshot(error: &(impl std::error::Error + 'static)) -> StorageError {
    storage_error(ErrorSubject::Snapshot(None), ErrorVerb::Write, error)
}
