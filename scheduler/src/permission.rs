//! Who may do what. Anyone may submit and read; a job's owner or an admin may cancel or signal
//! it; only admins drain and resume nodes, apply a policy or change the scheduler membership.
//! Admins are `root`, the OS user the scheduler runs as (so that whoever starts a cluster with
//! `corral up` runs it, as Slurm's `SlurmUser` does), and the users with `admin = true` in the
//! policy. The user name is the one each request carries; verifying it is the authentication
//! layer's job, not yet built.

use corral_model::Job;
use corral_policies::config::Policy;
use tonic::Status;

/// Whether `user` is an admin under `policy` on a scheduler running as `service_user`.
pub fn is_admin(policy: &Policy, service_user: &str, user: &str) -> bool {
    user == "root" || user == service_user || policy.is_admin(user)
}

/// `Ok` for an admin; otherwise PERMISSION_DENIED naming who may `action`.
pub fn require_admin(
    policy: &Policy,
    service_user: &str,
    user: &str,
    action: &str,
) -> Result<(), Status> {
    if is_admin(policy, service_user, user) {
        return Ok(());
    }
    Err(Status::permission_denied(format!(
        "user {user} may not {action}: admins only (root, {service_user} who runs the \
         scheduler, and users with admin = true in the policy)"
    )))
}

/// `Ok` for the job's owner or an admin; otherwise PERMISSION_DENIED.
pub fn require_owner_or_admin(
    policy: &Policy,
    service_user: &str,
    user: &str,
    job: &Job,
    action: &str,
) -> Result<(), Status> {
    if job.user == user || is_admin(policy, service_user, user) {
        return Ok(());
    }
    Err(Status::permission_denied(format!(
        "user {user} may not {action} job {} of user {}: only its owner or an admin may",
        job.display_id(),
        job.user
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use corral_policies::config::parse_policy;

    #[test]
    fn root_the_service_user_and_policy_admins_are_admins() {
        let policy = parse_policy("p", "[users.ops]\nadmin = true\n[users.ana]\n").unwrap();
        for user in ["root", "svc", "ops"] {
            assert!(is_admin(&policy, "svc", user), "{user}");
        }
        assert!(!is_admin(&policy, "svc", "ana"));
        let refused = require_admin(&policy, "svc", "ana", "drain nodes").unwrap_err();
        assert_eq!(refused.code(), tonic::Code::PermissionDenied);
        assert_eq!(
            refused.message(),
            "user ana may not drain nodes: admins only (root, svc who runs the scheduler, and \
             users with admin = true in the policy)"
        );
    }
}
