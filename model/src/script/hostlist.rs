//! Slurm host lists for `-w/--nodelist` and `-x/--exclude`: `gpu01,gpu02`, `node[01-04,7]`,
//! `rack[1-2]-gpu[1-8]`, expanded to names. Ranges keep their zero padding (`[08-10]` is `08 09
//! 10`). Slurm also takes a file name here (when the value contains `/`); Corral does not.

use super::error::ValueError;

pub const ACCEPTED_HOSTLIST: &str = "node names separated by commas, with bracketed ranges, e.g. \
     gpu01,gpu02 or node[01-04,7] (at most 100000 names)";

const MAX_NAMES: usize = 100_000;

/// Expands a host list into node names, in the order given.
pub fn parse_hostlist(text: &str) -> Result<Vec<String>, ValueError> {
    if text.contains('/') {
        return Err(err(format!(
            "`{text}` looks like a file name; list the nodes instead"
        )));
    }
    let mut names = Vec::new();
    for item in split_top_level(text)? {
        if item.is_empty() {
            return Err(err(format!("`{text}` has an empty name")));
        }
        let mut expanded = vec![String::new()];
        let mut rest = item;
        while let Some(open) = rest.find('[') {
            let close = rest[open..].find(']').map(|c| open + c);
            let close = close.ok_or_else(|| err(format!("`{text}` has a `[` without its `]`")))?;
            let prefix = &rest[..open];
            check_names(prefix, text)?;
            let choices = expand_brackets(&rest[open + 1..close], text)?;
            if expanded
                .len()
                .saturating_mul(choices.len())
                .saturating_add(names.len())
                > MAX_NAMES
            {
                return Err(err(format!("`{text}` names more than {MAX_NAMES} nodes")));
            }
            expanded = expanded
                .iter()
                .flat_map(|head| choices.iter().map(move |c| format!("{head}{prefix}{c}")))
                .collect();
            rest = &rest[close + 1..];
        }
        if rest.contains(']') {
            return Err(err(format!("`{text}` has a `]` without its `[`")));
        }
        check_names(rest, text)?;
        names.extend(expanded.into_iter().map(|head| format!("{head}{rest}")));
    }
    Ok(names)
}

/// Splits at commas that are not inside brackets.
fn split_top_level(text: &str) -> Result<Vec<&str>, ValueError> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in text.char_indices() {
        match c {
            '[' if depth > 0 => return Err(err(format!("`{text}` nests brackets"))),
            '[' => depth = 1,
            ']' => depth = 0,
            ',' if depth == 0 => {
                items.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    Ok(items)
}

/// `01-04,7` into `01 02 03 04 7`.
fn expand_brackets(inside: &str, text: &str) -> Result<Vec<String>, ValueError> {
    let mut out = Vec::new();
    for part in inside.split(',') {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let well_formed = [first, last]
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(err(format!(
                "`{text}`: `[{inside}]` is not a list of numbers and ranges"
            )));
        }
        let too_large = || err(format!("`{text}`: `{part}` is too large"));
        let lo: u64 = first.parse().map_err(|_| too_large())?;
        let hi: u64 = last.parse().map_err(|_| too_large())?;
        if hi < lo {
            return Err(err(format!("`{text}`: `{part}` is a reversed range")));
        }
        if hi - lo >= MAX_NAMES as u64 || out.len() as u64 + (hi - lo) >= MAX_NAMES as u64 {
            return Err(err(format!("`{text}` names more than {MAX_NAMES} nodes")));
        }
        let width = first.len();
        out.extend((lo..=hi).map(|n| format!("{n:0width$}")));
    }
    Ok(out)
}

/// Letters, digits, `.`, `-` and `_` only.
fn check_names(part: &str, text: &str) -> Result<(), ValueError> {
    match part
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '.' | '-' | '_'))
    {
        None => Ok(()),
        Some(c) => Err(err(format!(
            "`{text}`: `{c}` cannot be part of a node name"
        ))),
    }
}

fn err(problem: String) -> ValueError {
    ValueError::new(problem, ACCEPTED_HOSTLIST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_ranges_with_padding() {
        assert_eq!(parse_hostlist("gpu01,gpu02").unwrap(), ["gpu01", "gpu02"]);
        assert_eq!(
            parse_hostlist("node[08-10,7],gpu5").unwrap(),
            ["node08", "node09", "node10", "node7", "gpu5"]
        );
        assert_eq!(
            parse_hostlist("r[1-2]-g[1-2]").unwrap(),
            ["r1-g1", "r1-g2", "r2-g1", "r2-g2"]
        );
    }

    #[test]
    fn refuses_malformed_lists() {
        for (text, problem) in [
            ("node[1-", "without its `]`"),
            ("node1]", "without its `[`"),
            ("node[a-b]", "not a list of numbers"),
            ("node[5-1]", "reversed range"),
            ("node[[1]]", "nests brackets"),
            ("a,,b", "empty name"),
            ("./hosts", "file name"),
            ("node[0-999999]", "more than 100000"),
            ("no de", "` ` cannot be part"),
            ("a b[1-2]", "` ` cannot be part"),
        ] {
            let err = parse_hostlist(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
    }
}
