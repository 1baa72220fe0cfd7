//! Job dependencies (`-d/--dependency`): `after`, `afterok`, `afternotok`, `afterany` with one or
//! more job ids, and `singleton`; `,` joins conditions that must all hold, `?` conditions of which
//! one suffices. Checked with Slurm 22.05 (`sbatch --hold`, `scontrol show job`): types are
//! case-insensitive; a bare job id means `afterany`; `afterok:1:2` is two conditions; in
//! `after:1+10:2` the 10-minute delay carries over to job 2 as well. Slurm silently turns a mix of
//! `,` and `?` into all-`?`; we refuse the mix instead.

use super::error::ValueError;
use crate::spec::{Dependency, DependencyCombine, DependencyCondition};

pub const ACCEPTED_DEPENDENCY: &str = "TYPE:JOBID[:JOBID...] conditions (TYPE after, afterok, \
     afternotok or afterany; after:JOBID+MIN waits MIN minutes more) or singleton, joined all by \
     `,` (all must hold) or all by `?` (any one suffices), e.g. afterok:12:13,afterany:14";

/// Parses a dependency expression.
pub fn parse_dependency(text: &str) -> Result<Dependency, ValueError> {
    if text.is_empty() {
        return Err(err("empty value".into()));
    }
    let combine = match (text.contains(','), text.contains('?')) {
        (true, true) => {
            return Err(err(format!(
                "`{text}` mixes `,` (all) and `?` (any); use one of them"
            )))
        }
        (false, true) => DependencyCombine::Any,
        _ => DependencyCombine::All,
    };
    let separator = if combine == DependencyCombine::Any {
        '?'
    } else {
        ','
    };
    let mut conditions = Vec::new();
    for part in text.split(separator) {
        conditions.extend(parse_part(part)?);
    }
    Ok(Dependency {
        combine,
        conditions,
    })
}

/// One `TYPE:ID...`, `singleton` or bare id.
fn parse_part(part: &str) -> Result<Vec<DependencyCondition>, ValueError> {
    if part.eq_ignore_ascii_case("singleton") {
        return Ok(vec![DependencyCondition::Singleton]);
    }
    if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(vec![DependencyCondition::AfterAny {
            job: job_id(part, part)?,
        }]);
    }
    let Some((kind, ids)) = part.split_once(':') else {
        return Err(err(format!("`{part}` has no job id (write TYPE:JOBID)")));
    };
    let kind = kind.to_ascii_lowercase();
    if matches!(kind.as_str(), "aftercorr" | "afterburstbuffer" | "expand") {
        return Err(err(format!("`{part}`: {kind} is not supported yet")));
    }
    let mut delay_secs = 0;
    let mut conditions = Vec::new();
    for id in ids.split(':') {
        let (id, delay) = match id.split_once('+') {
            Some((id, minutes)) => (id, Some(delay(minutes, part)?)),
            None => (id, None),
        };
        if delay.is_some() && kind != "after" {
            return Err(err(format!(
                "`{part}`: a +MIN delay is accepted only with after:"
            )));
        }
        delay_secs = delay.unwrap_or(delay_secs);
        let job = job_id(id, part)?;
        conditions.push(match kind.as_str() {
            "after" => DependencyCondition::After { job, delay_secs },
            "afterok" => DependencyCondition::AfterOk { job },
            "afternotok" => DependencyCondition::AfterNotOk { job },
            "afterany" => DependencyCondition::AfterAny { job },
            _ => return Err(err(format!("`{part}`: unknown dependency type `{kind}`"))),
        });
    }
    Ok(conditions)
}

fn job_id(id: &str, part: &str) -> Result<u64, ValueError> {
    if let Some((array, _task)) = id.split_once('_') {
        return Err(err(format!(
            "`{part}`: dependencies on single array tasks ({id}) are not supported yet; depend \
             on the whole array ({array})"
        )));
    }
    match id.parse::<u64>() {
        Ok(0) => Err(err(format!("`{part}`: 0 is not a job id"))),
        Ok(job) if id.bytes().all(|b| b.is_ascii_digit()) => Ok(job),
        _ if id.is_empty() => Err(err(format!("`{part}` has an empty job id"))),
        _ => Err(err(format!("`{part}`: `{id}` is not a job id"))),
    }
}

fn delay(minutes: &str, part: &str) -> Result<u64, ValueError> {
    minutes
        .parse::<u64>()
        .ok()
        .filter(|_| minutes.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|m| m.checked_mul(60))
        .ok_or_else(|| {
            err(format!(
                "`{part}`: `+{minutes}` is not a delay in whole minutes"
            ))
        })
}

fn err(problem: String) -> ValueError {
    ValueError::new(problem, ACCEPTED_DEPENDENCY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DependencyCondition::*;

    fn parse(text: &str) -> Dependency {
        parse_dependency(text).unwrap()
    }

    #[test]
    fn all_and_any() {
        let all = parse("afterok:12:13,afterany:14");
        assert_eq!(all.combine, DependencyCombine::All);
        assert_eq!(
            all.conditions,
            vec![
                AfterOk { job: 12 },
                AfterOk { job: 13 },
                AfterAny { job: 14 }
            ]
        );
        let any = parse("afterok:12?afternotok:13");
        assert_eq!(any.combine, DependencyCombine::Any);
        assert_eq!(
            any.conditions,
            vec![AfterOk { job: 12 }, AfterNotOk { job: 13 }]
        );
    }

    #[test]
    fn singleton_bare_ids_and_case() {
        assert_eq!(parse("singleton").conditions, vec![Singleton]);
        assert_eq!(parse("57").conditions, vec![AfterAny { job: 57 }]);
        assert_eq!(parse("AFTEROK:57").conditions, vec![AfterOk { job: 57 }]);
        assert_eq!(
            parse("singleton,afterok:5").conditions,
            vec![Singleton, AfterOk { job: 5 }]
        );
    }

    #[test]
    fn after_delays_carry_over_as_in_slurm() {
        assert_eq!(
            parse("after:57+10:58:59+2").conditions,
            vec![
                After {
                    job: 57,
                    delay_secs: 600
                },
                After {
                    job: 58,
                    delay_secs: 600
                },
                After {
                    job: 59,
                    delay_secs: 120
                }
            ]
        );
        assert_eq!(
            parse("after:5").conditions,
            vec![After {
                job: 5,
                delay_secs: 0
            }]
        );
    }

    #[test]
    fn refuses_malformed_dependencies() {
        for (text, problem) in [
            ("afterok:1,afterany:2?after:3", "mixes"),
            ("afterok", "no job id"),
            ("afterok:", "empty job id"),
            ("afterburn:5", "unknown dependency type `afterburn`"),
            ("aftercorr:5", "not supported yet"),
            ("afterok:5_1", "single array tasks"),
            ("afterok:5+10", "only with after:"),
            ("after:5+x", "not a delay"),
            ("afterok:0", "0 is not a job id"),
            ("afterok:-5", "not a job id"),
            ("", "empty value"),
        ] {
            let err = parse_dependency(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }
}
