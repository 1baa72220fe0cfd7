//! The table `corral submit --dry-run` prints: one row per thing the job asks for, in words and
//! human units. Rows for options left unset are left out, except the few every job has.

use crate::human::{duration, mib};
use crate::table::key_value;
use corral_model::script::ParsedScript;
use corral_model::spec::{
    BeginTime, Constraint, Dependency, DependencyCombine, DependencyCondition, Export, GpuCount,
    JobSpec, MemRequest, TimeLimit,
};

/// Renders the parsed job.
pub fn render(
    parsed: &ParsedScript,
    script: Option<&str>,
    script_args: &[String],
    name: &str,
) -> String {
    let spec = &parsed.spec;
    let mut rows: Vec<(&str, String)> = vec![
        ("script", script.unwrap_or("(--wrap)").to_string()),
        ("shell", parsed.shell.clone()),
        ("name", name.to_string()),
    ];
    if !script_args.is_empty() {
        rows.push(("arguments", script_args.join(" ")));
    }
    push(&mut rows, "partition", spec.partition.clone());
    push(&mut rows, "qos", spec.qos.clone());
    push(&mut rows, "account", spec.account.clone());
    rows.push(("nodes", nodes(spec)));
    rows.push(("tasks", tasks(spec)));
    push(
        &mut rows,
        "cpus per task",
        spec.cpus_per_task.map(|c| c.to_string()),
    );
    push(&mut rows, "memory", spec.mem.map(memory));
    push(&mut rows, "gpus", gpus(spec));
    if !spec.extras().other_gres.is_empty() {
        let gres: Vec<String> = spec
            .extras()
            .other_gres
            .iter()
            .map(|g| match &g.kind {
                Some(kind) => format!("{}:{kind}:{}", g.name, g.count),
                None => format!("{}:{}", g.name, g.count),
            })
            .collect();
        rows.push(("other gres", format!("{} per node", gres.join(","))));
    }
    rows.push(("time limit", time_limit(spec.time_limit)));
    push(
        &mut rows,
        "exclusive",
        spec.exclusive.then(|| "yes: whole nodes".to_string()),
    );
    push(
        &mut rows,
        "constraint",
        spec.constraint.as_deref().map(constraint),
    );
    push(&mut rows, "nodelist", list(&spec.extras().nodelist));
    push(&mut rows, "exclude", list(&spec.extras().exclude));
    push(&mut rows, "reservation", spec.extras().reservation.clone());
    push(&mut rows, "array", spec.array.as_deref().map(array));
    push(
        &mut rows,
        "dependency",
        spec.dependency.as_deref().map(dependency),
    );
    push(&mut rows, "begin", spec.extras().begin.map(begin));
    push(
        &mut rows,
        "requeue",
        spec.requeue
            .map(|r| if r { "yes" } else { "no" }.to_string()),
    );
    push(
        &mut rows,
        "signal",
        spec.signal.as_ref().map(|s| {
            let whom = if s.batch_only {
                ", batch shell only"
            } else {
                ""
            };
            format!(
                "SIG{} {} before the time limit{whom}",
                s.signal_name,
                duration(u64::from(s.secs_before))
            )
        }),
    );
    push(
        &mut rows,
        "nice",
        (spec.nice != 0).then(|| spec.nice.to_string()),
    );
    push(&mut rows, "output", spec.extras().output.clone());
    push(&mut rows, "error", spec.extras().error.clone());
    push(&mut rows, "chdir", spec.extras().chdir.clone());
    push(&mut rows, "export", export(&spec.extras().export));
    push(
        &mut rows,
        "container image",
        spec.extras().container_image.clone(),
    );
    push(&mut rows, "mail type", list(&spec.extras().mail_type));
    push(&mut rows, "mail user", spec.extras().mail_user.clone());
    push(&mut rows, "comment", spec.extras().comment.clone());
    key_value(&rows)
}

fn push(rows: &mut Vec<(&'static str, String)>, key: &'static str, value: Option<String>) {
    if let Some(value) = value {
        rows.push((key, value));
    }
}

fn list(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(","))
}

fn nodes(spec: &JobSpec) -> String {
    match spec.nodes {
        Some(r) if r.min == r.max => r.min.to_string(),
        Some(r) => format!("{}-{}", r.min, r.max),
        None => "(as the tasks need)".into(),
    }
}

fn tasks(spec: &JobSpec) -> String {
    match (spec.ntasks, spec.ntasks_per_node) {
        (Some(n), Some(per)) => format!("{n} ({per} per node)"),
        (Some(n), None) => n.to_string(),
        (None, Some(per)) => format!("{per} per node"),
        (None, None) => "(one per node)".into(),
    }
}

fn memory(mem: MemRequest) -> String {
    match mem {
        MemRequest::Node(0) => "all of each node".into(),
        MemRequest::Node(m) => format!("{} per node", mib(m)),
        MemRequest::Cpu(m) => format!("{} per CPU", mib(m)),
        MemRequest::Gpu(m) => format!("{} per GPU", mib(m)),
    }
}

fn gpus(spec: &JobSpec) -> Option<String> {
    let count = |g: &GpuCount| match &g.model {
        Some(model) => format!("{} × {model}", g.count),
        None => g.count.to_string(),
    };
    let parts: Vec<String> = [
        spec.gpus_per_job
            .as_ref()
            .map(|g| format!("{} in all", count(g))),
        spec.gpus_per_node
            .as_ref()
            .map(|g| format!("{} per node", count(g))),
        spec.extras()
            .gpus_per_task
            .as_ref()
            .map(|g| format!("{} per task", count(g))),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn time_limit(limit: TimeLimit) -> String {
    match limit {
        TimeLimit::NotSet => "(the partition's default)".into(),
        TimeLimit::Unlimited => "unlimited (the partition's maximum applies)".into(),
        TimeLimit::Secs(s) => duration(s),
    }
}

fn constraint(c: &Constraint) -> String {
    let join = |parts: &[Constraint], op: &str| {
        let inner: Vec<String> = parts
            .iter()
            .map(|p| match p {
                Constraint::Feature(_) => constraint(p),
                _ => format!("({})", constraint(p)),
            })
            .collect();
        inner.join(op)
    };
    match c {
        Constraint::Feature(f) => f.clone(),
        Constraint::And(parts) => join(parts, "&"),
        Constraint::Or(parts) => join(parts, "|"),
    }
}

fn array(a: &corral_model::spec::ArraySpec) -> String {
    let ids = compact_ids(&a.task_ids);
    let count = a.task_ids.len();
    match a.throttle {
        Some(t) => format!("{ids} ({count} tasks, at most {t} at once)"),
        None => format!("{ids} ({count} tasks)"),
    }
}

/// `[1,2,3,5]` → `1-3,5`.
fn compact_ids(ids: &[u32]) -> String {
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end + 1 {
            i += 1;
            end = ids[i];
        }
        runs.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    runs.join(",")
}

fn dependency(d: &Dependency) -> String {
    let parts: Vec<String> = d
        .conditions
        .iter()
        .map(|c| match c {
            DependencyCondition::After { job, delay_secs: 0 } => format!("after:{job}"),
            DependencyCondition::After { job, delay_secs } => {
                format!("after:{job}+{}", duration(*delay_secs))
            }
            DependencyCondition::AfterOk { job } => format!("afterok:{job}"),
            DependencyCondition::AfterNotOk { job } => format!("afternotok:{job}"),
            DependencyCondition::AfterAny { job } => format!("afterany:{job}"),
            DependencyCondition::Singleton => "singleton".into(),
        })
        .collect();
    match d.combine {
        DependencyCombine::All if parts.len() > 1 => format!("{} (all)", parts.join(",")),
        DependencyCombine::Any if parts.len() > 1 => format!("{} (any one)", parts.join("?")),
        _ => parts.join(","),
    }
}

fn begin(b: BeginTime) -> String {
    match b {
        BeginTime::AfterSubmitSecs(0) => "at submit".into(),
        BeginTime::AfterSubmitSecs(s) => format!("{} after submit", duration(s)),
        BeginTime::AtEpochSecs(s) => format!("{s} (seconds since 1970, UTC)"),
    }
}

fn export(e: &Export) -> Option<String> {
    match e {
        Export::All => None,
        Export::None => Some("none of the submitter's environment".into()),
        Export::Vars { include_all, vars } => {
            let names: Vec<String> = vars
                .iter()
                .map(|v| match &v.value {
                    Some(value) => format!("{}={value}", v.name),
                    None => v.name.clone(),
                })
                .collect();
            let base = if *include_all { "all, plus " } else { "only " };
            Some(format!("{base}{}", names.join(",")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacts_runs_of_ids() {
        assert_eq!(compact_ids(&[1, 2, 3, 5, 7, 8]), "1-3,5,7-8");
        assert_eq!(compact_ids(&[0, 4, 8]), "0,4,8");
        assert_eq!(compact_ids(&[]), "");
    }

    #[test]
    fn constraints_read_back_with_parentheses() {
        let c = Constraint::And(vec![
            Constraint::Or(vec![
                Constraint::Feature("a100".into()),
                Constraint::Feature("h100".into()),
            ]),
            Constraint::Feature("ib".into()),
        ]);
        assert_eq!(constraint(&c), "(a100|h100)&ib");
    }
}
