//! Node-feature constraints (`-C/--constraint`): features joined by `&` (and) and `|` (or), with
//! parentheses. Slurm applies the operators strictly left to right, with no precedence of `&`
//! over `|` (slurmctld's feature evaluation keeps a running result and the last operator), so
//! `a|b&c` means `(a|b)&c`; we read them the same way. Slurm's brackets (`[r1|r2]`: one choice
//! for all nodes) and counts (`a100*2`) are not supported and are refused.

use super::error::ValueError;
use crate::spec::Constraint;

pub const ACCEPTED_CONSTRAINT: &str = "node features (letters, digits, _ - .) joined by & (and) \
     and | (or), applied left to right as in Slurm, with parentheses for grouping, e.g. gpu, \
     a100&nvlink, (a100|h100)&ib";

/// How deep parentheses may nest.
const MAX_DEPTH: usize = 32;

/// Parses a constraint expression.
pub fn parse_constraint(text: &str) -> Result<Constraint, ValueError> {
    let mut parser = Parser {
        text,
        chars: text.char_indices().peekable(),
        depth: 0,
    };
    let expr = parser.expression()?;
    match parser.chars.next() {
        None => Ok(expr),
        Some((_, ')')) => Err(err(format!("`{text}` has a `)` without its `(`"))),
        Some((at, c)) => Err(err(format!(
            "`{text}`: unexpected `{c}` at position {}",
            at + 1
        ))),
    }
}

struct Parser<'a> {
    text: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    depth: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
}

impl Parser<'_> {
    /// term (op term)*, folded left to right.
    fn expression(&mut self) -> Result<Constraint, ValueError> {
        let mut acc = self.term()?;
        loop {
            let op = match self.chars.peek() {
                Some((_, '&')) => Op::And,
                Some((_, '|')) => Op::Or,
                _ => return Ok(acc),
            };
            self.chars.next();
            let next = self.term()?;
            acc = join(op, acc, next);
        }
    }

    /// A feature or a parenthesised expression.
    fn term(&mut self) -> Result<Constraint, ValueError> {
        let text = self.text;
        match self.chars.peek().copied() {
            Some((_, '(')) => {
                self.chars.next();
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(err(format!(
                        "`{text}` nests parentheses deeper than {MAX_DEPTH}"
                    )));
                }
                let inner = self.expression()?;
                self.depth -= 1;
                match self.chars.next() {
                    Some((_, ')')) => Ok(inner),
                    _ => Err(err(format!("`{text}` has a `(` without its `)`"))),
                }
            }
            Some((_, '[' | ']')) => Err(err(format!(
                "`{text}`: brackets (one feature choice for all nodes) are not supported"
            ))),
            Some((at, c)) if !is_feature_char(c) => Err(err(format!(
                "`{text}`: expected a feature at position {}, found `{c}`",
                at + 1
            ))),
            Some(_) => Ok(Constraint::Feature(self.feature())),
            None if text.is_empty() => Err(err("empty value".into())),
            None => Err(err(format!("`{text}` ends with an operator"))),
        }
    }

    fn feature(&mut self) -> String {
        let mut name = String::new();
        while let Some(&(_, c)) = self.chars.peek() {
            if !is_feature_char(c) {
                break;
            }
            name.push(c);
            self.chars.next();
        }
        name
    }
}

fn is_feature_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// `acc op next`, flattening runs of the same operator.
fn join(op: Op, acc: Constraint, next: Constraint) -> Constraint {
    let mut parts = match (op, acc) {
        (Op::And, Constraint::And(parts)) | (Op::Or, Constraint::Or(parts)) => parts,
        (_, acc) => vec![acc],
    };
    match (op, next) {
        (Op::And, Constraint::And(more)) | (Op::Or, Constraint::Or(more)) => parts.extend(more),
        (_, next) => parts.push(next),
    }
    match op {
        Op::And => Constraint::And(parts),
        Op::Or => Constraint::Or(parts),
    }
}

fn err(problem: String) -> ValueError {
    ValueError::new(problem, ACCEPTED_CONSTRAINT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Constraint::{And, Feature, Or};

    fn f(name: &str) -> Constraint {
        Feature(name.into())
    }

    #[test]
    fn features_and_operators() {
        assert_eq!(parse_constraint("gpu"), Ok(f("gpu")));
        assert_eq!(
            parse_constraint("a100&nvlink&ib"),
            Ok(And(vec![f("a100"), f("nvlink"), f("ib")]))
        );
        assert_eq!(
            parse_constraint("a100|h100"),
            Ok(Or(vec![f("a100"), f("h100")]))
        );
    }

    #[test]
    fn left_to_right_as_in_slurm() {
        assert_eq!(
            parse_constraint("a|b&c"),
            Ok(And(vec![Or(vec![f("a"), f("b")]), f("c")]))
        );
        assert_eq!(
            parse_constraint("a&b|c"),
            Ok(Or(vec![And(vec![f("a"), f("b")]), f("c")]))
        );
        assert_eq!(
            parse_constraint("a|(b&c)"),
            Ok(Or(vec![f("a"), And(vec![f("b"), f("c")])]))
        );
        assert_eq!(parse_constraint("((gpu))"), Ok(f("gpu")));
    }

    #[test]
    fn refuses_malformed_constraints() {
        for (text, problem) in [
            ("", "empty value"),
            ("a&", "ends with an operator"),
            ("&a", "expected a feature at position 1"),
            ("a&&b", "expected a feature at position 3"),
            ("(a|b", "without its `)`"),
            ("a|b)", "without its `(`"),
            ("[r1|r2]", "brackets"),
            ("a100*2", "unexpected `*`"),
            ("a,b", "unexpected `,`"),
            ("a b", "unexpected ` `"),
        ] {
            let err = parse_constraint(text).unwrap_err();
            assert!(err.problem.contains(problem), "{text}: {err}");
        }
        let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
        assert!(parse_constraint(&deep)
            .unwrap_err()
            .problem
            .contains("deeper than 32"));
    }
}
