//! Finds the `#SBATCH` and `#CORRAL` directives of a script. As in sbatch (checked with Slurm 22.05):
//! a directive is a line that starts with the magic word itself, with no indentation; directives
//! are read from line 2 up to the first command line; blank lines and other comments (indented
//! ones too) do not end that block; a directive after it is ignored.

use super::error::ScriptWarning;

/// Which magic word a directive used. `#CORRAL` directives override `#SBATCH` ones whatever their
/// order, so a script can carry Slurm settings and Corral-specific ones side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prefix {
    Sbatch,
    Corral,
}

/// One directive: its line and the text after the magic word (`--time=10 # comment`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive<'a> {
    pub line: usize,
    pub prefix: Prefix,
    pub rest: &'a str,
}

/// The directives that count, and warnings for the ones that do not.
#[derive(Debug, Default)]
pub struct Found<'a> {
    pub directives: Vec<Directive<'a>>,
    pub warnings: Vec<ScriptWarning>,
}

const MAGIC: [(&str, Prefix); 2] = [("#SBATCH", Prefix::Sbatch), ("#CORRAL", Prefix::Corral)];

/// Scans a script whose line 1 is its `#!` line.
pub fn find_directives(text: &str) -> Found<'_> {
    let mut found = Found::default();
    let mut first_command_line = None;
    for (index, line) in text.split('\n').enumerate().skip(1) {
        let line_no = index + 1;
        if let Some((prefix, rest)) = directive_of(line) {
            match first_command_line {
                None => found.directives.push(Directive {
                    line: line_no,
                    prefix,
                    rest,
                }),
                Some(first) => found.warnings.push(ScriptWarning::DirectiveAfterCommands {
                    line: line_no,
                    first_command_line: first,
                    text: line.trim_end().to_string(),
                }),
            }
            continue;
        }
        let trimmed = line.trim_start();
        if first_command_line.is_none() && directive_of(trimmed).is_some() {
            found.warnings.push(ScriptWarning::IndentedDirective {
                line: line_no,
                text: trimmed.trim_end().to_string(),
            });
        }
        if first_command_line.is_none() && !trimmed.is_empty() && !trimmed.starts_with('#') {
            first_command_line = Some(line_no);
        }
    }
    found
}

fn directive_of(line: &str) -> Option<(Prefix, &str)> {
    MAGIC
        .iter()
        .find_map(|(magic, prefix)| line.strip_prefix(magic).map(|rest| (*prefix, rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_directives_until_the_first_command() {
        let text = "#!/bin/bash\n#SBATCH -t 5\n\n  # note\n#CORRAL -J x\necho hi\n#SBATCH -N 2\n";
        let found = find_directives(text);
        let lines: Vec<_> = found
            .directives
            .iter()
            .map(|d| (d.line, d.prefix, d.rest))
            .collect();
        assert_eq!(
            lines,
            vec![(2, Prefix::Sbatch, " -t 5"), (5, Prefix::Corral, " -J x")]
        );
        assert_eq!(
            found.warnings,
            vec![ScriptWarning::DirectiveAfterCommands {
                line: 7,
                first_command_line: 6,
                text: "#SBATCH -N 2".into()
            }]
        );
    }

    #[test]
    fn an_indented_directive_is_a_comment_with_a_warning() {
        let found = find_directives("#!/bin/sh\n  #SBATCH -t 5\n#SBATCH -t 6\ntrue\n");
        assert_eq!(found.directives.len(), 1);
        assert!(matches!(
            found.warnings[0],
            ScriptWarning::IndentedDirective { line: 2, .. }
        ));
    }

    #[test]
    fn the_shebang_line_is_never_a_directive() {
        assert!(find_directives("#SBATCH -t 5\n").directives.is_empty());
    }
}
