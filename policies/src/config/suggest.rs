//! "Did you mean …?": the known name nearest to a misspelt one, by edit distance.

/// The candidate nearest to `wrong`, if one is near enough to be a plausible typo: at most a
/// third of the word's length in edits (a swap of neighbours is one edit) (at least 1, at most 3), ignoring case and treating `-`
/// as `_`; or a candidate that starts with the wrong word (`prio` → `priority`). Ties go to the
/// alphabetically first candidate, so the suggestion is deterministic.
pub fn nearest<'a, I>(wrong: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let wrong_norm = normalise(wrong);
    let max_edits = (wrong_norm.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let candidate_norm = normalise(candidate);
        let distance = edit_distance(&wrong_norm, &candidate_norm);
        let is_prefix = wrong_norm.chars().count() >= 3 && candidate_norm.starts_with(&wrong_norm);
        if distance > max_edits && !is_prefix {
            continue;
        }
        let better = match best {
            None => true,
            Some((d, name)) => distance < d || (distance == d && candidate < name),
        };
        if better {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name.to_owned())
}

fn normalise(word: &str) -> String {
    word.to_lowercase().replace('-', "_")
}

/// Edit distance with adjacent transpositions (optimal string alignment): insertions,
/// deletions, substitutions and swaps of two neighbours (`hihg` → `high`) each cost 1.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]; three rows suffice.
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j - 1] + cost)
                .min(previous[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("max_gpu", "max_gpus"), 1);
        assert_eq!(edit_distance("flaw", "lawn"), 2);
        assert_eq!(edit_distance("hihg", "high"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }

    #[test]
    fn suggests_the_nearest_key() {
        let keys = ["max_gpus", "max_time", "max_running_jobs", "priority"];
        assert_eq!(nearest("max_gpu", keys).as_deref(), Some("max_gpus"));
        assert_eq!(nearest("max_tme", keys).as_deref(), Some("max_time"));
        assert_eq!(nearest("Max-GPUs", keys).as_deref(), Some("max_gpus"));
        assert_eq!(nearest("prio", keys).as_deref(), Some("priority"));
        assert_eq!(nearest("hihg", ["high", "low"]).as_deref(), Some("high"));
        assert_eq!(nearest("colour", keys), None);
        assert_eq!(nearest("x", keys), None);
    }

    #[test]
    fn ties_go_to_the_alphabetically_first() {
        assert_eq!(nearest("ab", ["ac", "aa"]).as_deref(), Some("aa"));
        assert_eq!(nearest("ab", ["aa", "ac"]).as_deref(), Some("aa"));
    }
}
