//! The submits already applied, by `(user, client request id)`, so that a retried submit returns
//! the jobs it made instead of making new ones. Each entry is a 128-bit digest of the pair and the
//! run of ids the submit made (a submit's jobs have consecutive ids): 32 bytes in the map
//! whatever the lengths of the user name and the request id, where the strings themselves cost
//! about 200 bytes per submit at a million jobs.
//!
//! The digest is FNV-1a 128 (offset basis and prime from the FNV specification,
//! draft-eastlake-fnv): fixed, so every replica and every release computes the same value. It
//! is not a keyed hash; a collision needs 2^64 submits by the birthday bound, and a user can make
//! one deliberately only by knowing another user's (random) request id.

use crate::ids::JobId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const FNV128_OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV128_PRIME: u128 = (1 << 88) + 0x13b;
/// Between the user and the request id: a byte that never occurs in UTF-8, so `("ab", "c")` and
/// `("a", "bc")` differ.
const SEPARATOR: u8 = 0xff;

/// The digest of one `(user, request id)` pair, as two halves (CBOR has no 128-bit integer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RequestDigest(pub u64, pub u64);

impl RequestDigest {
    pub fn of(user: &str, request_id: &str) -> RequestDigest {
        let mut hash = FNV128_OFFSET_BASIS;
        let bytes = user
            .as_bytes()
            .iter()
            .chain(std::iter::once(&SEPARATOR))
            .chain(request_id.as_bytes());
        for &byte in bytes {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(FNV128_PRIME);
        }
        RequestDigest((hash >> 64) as u64, hash as u64)
    }
}

/// The jobs of one submit: `count` consecutive ids from `first`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRun {
    pub first: JobId,
    pub count: u32,
}

impl JobRun {
    pub fn ids(self) -> Vec<JobId> {
        (0..u64::from(self.count))
            .map(|i| JobId(self.first.0 + i))
            .collect()
    }

    /// The run of `ids` if they are consecutive and not empty.
    pub fn of(ids: &[JobId]) -> Option<JobRun> {
        let first = *ids.first()?;
        let consecutive = ids
            .iter()
            .enumerate()
            .all(|(i, id)| id.0 == first.0 + i as u64);
        let count = u32::try_from(ids.len()).ok()?;
        consecutive.then_some(JobRun { first, count })
    }
}

/// Submit requests seen, by digest.
pub type SubmitRequests = BTreeMap<RequestDigest, JobRun>;

/// Converts the map stored before digests (`(user, request id)` → ids) to today's. Entries
/// whose ids are not one consecutive run (never written by any release) are dropped.
pub fn from_named(named: BTreeMap<(String, String), Vec<JobId>>) -> SubmitRequests {
    named
        .into_iter()
        .filter_map(|((user, request), ids)| {
            JobRun::of(&ids).map(|run| (RequestDigest::of(&user, &request), run))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_128_matches_the_published_test_vector() {
        // FNV-1a 128 of the empty string is the offset basis; of "a" the value below (from the
        // FNV reference test vectors).
        let empty = FNV128_OFFSET_BASIS;
        let mut a = empty ^ u128::from(b'a');
        a = a.wrapping_mul(FNV128_PRIME);
        assert_eq!(a, 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }

    #[test]
    fn the_separator_keeps_user_and_request_apart() {
        assert_ne!(RequestDigest::of("ab", "c"), RequestDigest::of("a", "bc"));
        assert_ne!(
            RequestDigest::of("alice", "r1"),
            RequestDigest::of("bob", "r1")
        );
        assert_eq!(
            RequestDigest::of("alice", "r1"),
            RequestDigest::of("alice", "r1")
        );
    }

    #[test]
    fn a_run_lists_its_ids_and_only_consecutive_ids_make_one() {
        let run = JobRun::of(&[JobId(7), JobId(8), JobId(9)]).unwrap();
        assert_eq!(
            run,
            JobRun {
                first: JobId(7),
                count: 3
            }
        );
        assert_eq!(run.ids(), vec![JobId(7), JobId(8), JobId(9)]);
        assert_eq!(JobRun::of(&[JobId(7), JobId(9)]), None);
        assert_eq!(JobRun::of(&[]), None);
    }

    #[test]
    fn old_named_entries_convert_to_digests() {
        let mut named = BTreeMap::new();
        named.insert(("alice".to_string(), "r1".to_string()), vec![JobId(3)]);
        let converted = from_named(named);
        assert_eq!(
            converted.get(&RequestDigest::of("alice", "r1")),
            Some(&JobRun {
                first: JobId(3),
                count: 1
            })
        );
    }
}
