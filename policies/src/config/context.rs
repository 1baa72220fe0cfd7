//! The state of one parse: the file's name and line index, the errors found so far, the span of
//! every key read (so that checks across sections can point at a line), and the references to
//! partitions, QoS and accounts that must be checked once every section is read.

use super::document::LineIndex;
use super::errors::{PolicyError, Problem};
use std::collections::BTreeMap;
use std::ops::Range;

/// What a name in the file refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefKind {
    Qos,
    Account,
}

impl RefKind {
    pub fn noun(self) -> &'static str {
        match self {
            RefKind::Qos => "QoS",
            RefKind::Account => "account",
        }
    }
}

/// A name written in the file that must be defined elsewhere in it.
#[derive(Clone, Debug)]
pub struct Reference {
    pub kind: RefKind,
    pub name: String,
    /// Where the name was written.
    pub span: Option<Range<usize>>,
    /// The key holding it (`allowed_qos`) and the table (`[partitions.gpu]`), for the message.
    pub key: String,
    pub table: String,
    /// Dotted path of the key, for `PolicyError::key`.
    pub key_path: String,
}

pub struct Context<'a> {
    file: &'a str,
    lines: LineIndex,
    errors: Vec<PolicyError>,
    key_spans: BTreeMap<String, Range<usize>>,
    references: Vec<Reference>,
}

impl<'a> Context<'a> {
    pub fn new(file: &'a str, text: &str) -> Self {
        Context {
            file,
            lines: LineIndex::new(text),
            errors: Vec::new(),
            key_spans: BTreeMap::new(),
            references: Vec::new(),
        }
    }

    /// Records an error at `span` (line 1 when the span is unknown).
    pub fn error(&mut self, span: Option<&Range<usize>>, key_path: &str, problem: Problem) {
        let line = span.map_or(1, |s| self.lines.line_of(s.start));
        self.errors.push(PolicyError {
            file: self.file.to_owned(),
            line,
            key: key_path.to_owned(),
            problem,
        });
    }

    /// Records an error at the key `key_path` was written at.
    pub fn error_at_key(&mut self, key_path: &str, problem: Problem) {
        let span = self.key_spans.get(key_path).cloned();
        self.error(span.as_ref(), key_path, problem);
    }

    pub fn note_key_span(&mut self, key_path: &str, span: Option<&Range<usize>>) {
        if let Some(span) = span {
            self.key_spans.insert(key_path.to_owned(), span.clone());
        }
    }

    pub fn add_reference(&mut self, reference: Reference) {
        self.references.push(reference);
    }

    pub fn take_references(&mut self) -> Vec<Reference> {
        std::mem::take(&mut self.references)
    }

    pub fn into_errors(self) -> Vec<PolicyError> {
        self.errors
    }

    /// Whether an error was recorded for a key under `prefix` (`qos` covers `qos.x.y`).
    pub fn has_error_under(&self, prefix: &str) -> bool {
        let dotted = format!("{prefix}.");
        self.errors
            .iter()
            .any(|e| e.key == prefix || e.key.starts_with(&dotted))
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}
