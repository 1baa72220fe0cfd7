//! `PendingView` and `PriorityView`: why a job is pending and how its priority is made, as
//! `explain`, `prio` and `queue --start` print them in JSON (`ctl/JSON.md`), from the
//! scheduler's `PendingInfo`.

use corral_proto::v1::{PendingInfo, Priority};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct PendingView {
    /// The reason code: `Resources`, `Priority`, `NeverFits`, ... (`NotYetConsidered` before
    /// the leader's first pass over it).
    pub reason: String,
    /// One sentence with the numbers.
    pub detail: String,
    /// Jobs of higher priority considered before it in that pass.
    pub ahead: u32,
    /// When backfill expects it to start, if it holds a reservation.
    pub reserved_start_time: Option<u64>,
    pub priority: PriorityView,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PriorityView {
    /// The sum of the weighted factors.
    pub total: f64,
    /// `age`, `fairshare`, `job_size`, `partition`, `qos`, `nice`, in that order.
    pub factors: Vec<FactorView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FactorView {
    pub name: String,
    /// Normalised, 0 to 1.
    pub value: f64,
    /// `value` × the policy's weight for it.
    pub weighted: f64,
}

impl PendingView {
    pub fn new(info: &PendingInfo) -> PendingView {
        PendingView {
            reason: info.reason.clone(),
            detail: info.detail.clone(),
            ahead: info.ahead,
            reserved_start_time: info.reserved_start_secs,
            priority: info
                .priority
                .as_ref()
                .map(PriorityView::new)
                .unwrap_or_default(),
        }
    }
}

impl PriorityView {
    pub fn new(priority: &Priority) -> PriorityView {
        PriorityView {
            total: priority.total,
            factors: priority
                .factors
                .iter()
                .map(|f| FactorView {
                    name: f.name.clone(),
                    value: f.value,
                    weighted: f.weighted,
                })
                .collect(),
        }
    }

    /// The factor called `name`, if the scheduler sent it.
    pub fn factor(&self, name: &str) -> Option<&FactorView> {
        self.factors.iter().find(|f| f.name == name)
    }
}

/// A pass time on the wire (0 = no pass yet) as JSON's `null` or a time.
pub fn pass_time(pass_secs: u64) -> Option<u64> {
    (pass_secs != 0).then_some(pass_secs)
}
