//! The bytes inside a `RaftPayload`: CBOR of openraft's serde types (requests, and the
//! `Result<response, RaftError>` a node answers with). CBOR because the entries carry model types
//! with maps keyed by tuples, which JSON cannot hold.

use thiserror::Error;

#[derive(Debug, Error)]
#[error("raft payload: {0}")]
pub struct CodecError(pub String);

pub fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).map_err(|e| CodecError(e.to_string()))?;
    Ok(bytes)
}

pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    ciborium::from_reader(bytes).map_err(|e| CodecError(e.to_string()))
}
