//! `--export`: which environment variables the job gets from the submitter. `ALL` (the default),
//! `NONE`, or a comma-separated list of `NAME` (take the submitter's value) and `NAME=value`
//! items, with `ALL` among them to keep the whole environment too (sbatch(1)). A value cannot
//! hold a comma.

use super::error::ValueError;
use crate::spec::{Export, ExportVar};

pub const ACCEPTED_EXPORT: &str = "ALL, NONE, or a comma-separated list of NAME and NAME=value \
     items, optionally with ALL or NONE first, e.g. ALL,OMP_NUM_THREADS=8";

/// Parses an `--export` value.
pub fn parse_export(text: &str) -> Result<Export, ValueError> {
    if text.is_empty() {
        return Err(ValueError::new("empty value", ACCEPTED_EXPORT));
    }
    let mut include_all = false;
    let mut saw_none = false;
    let mut vars = Vec::new();
    for item in text.split(',') {
        if item.eq_ignore_ascii_case("ALL") {
            include_all = true;
        } else if item.eq_ignore_ascii_case("NONE") {
            saw_none = true;
        } else {
            vars.push(export_var(item, text)?);
        }
    }
    if include_all && saw_none {
        return Err(ValueError::new(
            format!("`{text}` says both ALL and NONE"),
            ACCEPTED_EXPORT,
        ));
    }
    Ok(match (include_all, saw_none, vars.is_empty()) {
        (true, _, true) => Export::All,
        (false, true, true) => Export::None,
        _ => Export::Vars { include_all, vars },
    })
}

fn export_var(item: &str, text: &str) -> Result<ExportVar, ValueError> {
    let (name, value) = match item.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (item, None),
    };
    let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        let what = if name.is_empty() {
            "an empty name".to_string()
        } else {
            format!("`{name}`")
        };
        return Err(ValueError::new(
            format!("`{text}`: {what} is not an environment variable name"),
            ACCEPTED_EXPORT,
        ));
    }
    Ok(ExportVar {
        name: name.to_string(),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, value: Option<&str>) -> ExportVar {
        ExportVar {
            name: name.into(),
            value: value.map(str::to_string),
        }
    }

    #[test]
    fn modes_and_lists() {
        assert_eq!(parse_export("ALL"), Ok(Export::All));
        assert_eq!(parse_export("none"), Ok(Export::None));
        assert_eq!(
            parse_export("ALL,OMP_NUM_THREADS=8"),
            Ok(Export::Vars {
                include_all: true,
                vars: vec![var("OMP_NUM_THREADS", Some("8"))]
            })
        );
        assert_eq!(
            parse_export("PATH,HF_HOME=/data/hf"),
            Ok(Export::Vars {
                include_all: false,
                vars: vec![var("PATH", None), var("HF_HOME", Some("/data/hf"))]
            })
        );
        assert_eq!(
            parse_export("NONE,A=1"),
            Ok(Export::Vars {
                include_all: false,
                vars: vec![var("A", Some("1"))]
            })
        );
    }

    #[test]
    fn refuses_bad_names() {
        for (text, problem) in [
            ("1ABC=2", "`1ABC` is not an environment variable name"),
            ("ALL,=x", "an empty name"),
            ("ALL,", "an empty name"),
            ("ALL,NONE", "both ALL and NONE"),
            ("", "empty value"),
        ] {
            let err = parse_export(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }
}
