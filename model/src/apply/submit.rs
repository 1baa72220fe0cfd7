//! Submit: turns a spec into one job, or one job per array task, with fresh ids.

use super::ApplyError;
use crate::cluster::ClusterState;
use crate::command::{Applied, Submit};
use crate::ids::JobId;
use crate::job::{ArrayMember, Job};
use crate::name::Name;
use crate::shape::Shape;
use crate::spec::BeginTime;
use crate::state_machine::JobState;
use crate::submit_requests::{JobRun, RequestDigest};

/// The most jobs one submit may create (array tasks).
pub const MAX_JOBS_PER_SUBMIT: usize = 100_000;

impl ClusterState {
    pub(super) fn apply_submit(&mut self, submit: Submit) -> Result<Applied, ApplyError> {
        if let Some(request) = &submit.client_request_id {
            let key = RequestDigest::of(&submit.user, request);
            // The owner check guards against a digest collision with another user's submit.
            let earlier = self.submit_requests.get(&key).filter(|run| {
                self.jobs
                    .get(&run.first)
                    .is_some_and(|job| job.user == submit.user)
            });
            if let Some(run) = earlier {
                return Ok(Applied::Submitted {
                    jobs: run.ids(),
                    duplicate: true,
                });
            }
        }
        let task_ids: Vec<Option<u32>> = match &submit.spec.array {
            Some(array) if array.task_ids.is_empty() => {
                return Err(ApplyError::Invalid("array with no task ids".into()))
            }
            Some(array) if array.task_ids.len() > MAX_JOBS_PER_SUBMIT => {
                return Err(ApplyError::Invalid(format!(
                    "array of {} tasks: at most {MAX_JOBS_PER_SUBMIT} per submit",
                    array.task_ids.len()
                )))
            }
            Some(array) => array.task_ids.iter().map(|&t| Some(t)).collect(),
            None => vec![None],
        };
        let shape = Shape::of(&submit.spec);
        let eligible_secs = match submit.spec.extras().begin {
            None => self.now_secs,
            Some(BeginTime::AfterSubmitSecs(d)) => self.now_secs.saturating_add(d),
            Some(BeginTime::AtEpochSecs(t)) => t.max(self.now_secs),
        };
        let first = JobId(self.next_job_id);
        let throttle = submit.spec.array.as_ref().and_then(|a| a.throttle);
        let mut ids = Vec::with_capacity(task_ids.len());
        for task in task_ids {
            let id = JobId(self.next_job_id);
            self.next_job_id += 1;
            let job = Job {
                id,
                spec: submit.spec.clone(),
                shape: shape.clone(),
                user: Name::new(&submit.user),
                account: Name::new(&submit.account),
                submit_secs: self.now_secs,
                eligible_secs,
                array: task.map(|task_id| ArrayMember {
                    array_job_id: first,
                    task_id,
                    throttle,
                }),
                state: JobState::Pending,
                allocation: None,
                start_secs: None,
                end_secs: None,
                ending: None,
                exit: None,
                requeue_count: 0,
                signals: Vec::new(),
            };
            self.jobs.insert(id, Box::new(job));
            self.pending.insert(id);
            ids.push(id);
        }
        if let Some(request) = &submit.client_request_id {
            let run = JobRun::of(&ids).expect("a submit's ids are consecutive and not empty");
            // On a collision the first submit keeps the entry.
            self.submit_requests
                .entry(RequestDigest::of(&submit.user, request))
                .or_insert(run);
        }
        Ok(Applied::Submitted {
            jobs: ids,
            duplicate: false,
        })
    }
}
