//! A line diff for `corral policy diff`: the longest common subsequence of the two texts' lines
//! (after their common head and tail are set aside), printed as unified-diff hunks with a few
//! lines of context, `-` for lines only in the old text and `+` for lines only in the new.

/// One line of the edit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The edit script that turns `old` into `new`, line by line.
pub fn lines<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out: Vec<Line> = a[..head].iter().map(|l| Line::Same(l)).collect();
    out.extend(lcs_script(mid_a, mid_b));
    out.extend(a[a.len() - tail..].iter().map(|l| Line::Same(l)));
    out
}

/// The LCS edit script of two line lists (quadratic; policy files are small).
fn lcs_script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Line<'a>> {
    let (n, m) = (a.len(), b.len());
    // common[i][j]: length of the LCS of a[i..] and b[j..].
    let mut common = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(Line::Same(a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || common[i][j + 1] > common[i + 1][j]) {
            out.push(Line::Added(b[j]));
            j += 1;
        } else {
            out.push(Line::Removed(a[i]));
            i += 1;
        }
    }
    out
}

/// Unified-diff hunks (`@@ -l,n +l,n @@`, then ` `, `-`, `+` lines) with `context` unchanged
/// lines around each change; empty when the texts have the same lines.
pub fn unified(script: &[Line], context: usize) -> Vec<String> {
    let changed: Vec<usize> = (0..script.len())
        .filter(|&i| !matches!(script[i], Line::Same(_)))
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(context);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * context + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + context + 1).min(script.len());
        out.push(header(script, start, end));
        out.extend(script[start..end].iter().map(|line| match line {
            Line::Same(l) => format!(" {l}"),
            Line::Removed(l) => format!("-{l}"),
            Line::Added(l) => format!("+{l}"),
        }));
    }
    out
}

/// `@@ -first,count +first,count @@` for `script[start..end]` (lines counted from 1).
fn header(script: &[Line], start: usize, end: usize) -> String {
    let before = &script[..start];
    let old_first = 1 + before
        .iter()
        .filter(|l| !matches!(l, Line::Added(_)))
        .count();
    let new_first = 1 + before
        .iter()
        .filter(|l| !matches!(l, Line::Removed(_)))
        .count();
    let hunk = &script[start..end];
    let old_count = hunk.iter().filter(|l| !matches!(l, Line::Added(_))).count();
    let new_count = hunk
        .iter()
        .filter(|l| !matches!(l, Line::Removed(_)))
        .count();
    // As diff(1) does, an empty side names the line before it.
    let old_first = if old_count == 0 {
        old_first - 1
    } else {
        old_first
    };
    let new_first = if new_count == 0 {
        new_first - 1
    } else {
        new_first
    };
    format!("@@ -{old_first},{old_count} +{new_first},{new_count} @@")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(old: &str, new: &str) -> String {
        unified(&lines(old, new), 1).join("\n")
    }

    #[test]
    fn the_same_text_has_no_hunks() {
        assert!(unified(&lines("a\nb\n", "a\nb"), 3).is_empty());
        assert!(unified(&lines("", ""), 3).is_empty());
    }

    #[test]
    fn a_changed_line_is_removed_then_added_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        assert_eq!(render(old, new), "@@ -3,3 +3,3 @@\n c\n-d\n+D\n e");
    }

    #[test]
    fn insertions_and_deletions_keep_the_common_lines() {
        let script = lines("x\ny\nz\n", "w\nx\nz\nq\n");
        assert_eq!(
            script,
            [
                Line::Added("w"),
                Line::Same("x"),
                Line::Removed("y"),
                Line::Same("z"),
                Line::Added("q"),
            ]
        );
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                i => format!("{i}\n"),
            })
            .collect();
        let hunks: Vec<String> = unified(&lines(&old, &new), 2)
            .into_iter()
            .filter(|l| l.starts_with("@@"))
            .collect();
        assert_eq!(hunks, ["@@ -1,4 +1,4 @@", "@@ -17,4 +17,4 @@"]);
    }

    #[test]
    fn from_nothing_everything_is_added() {
        assert_eq!(render("", "a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b");
    }
}
