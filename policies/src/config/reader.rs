//! Reading one TOML table of the policy file: where it sits, refusing unknown keys (with a
//! suggestion), child tables, and recording errors at the right line. The typed getters are in
//! `reader_scalars.rs` and `reader_lists.rs`. Getters return `None` both when a key is absent
//! and when its value is bad; in the second case an error is recorded, so the caller keeps its
//! default and carries on collecting errors.

use super::context::Context;
use super::document::{Located, Table, Value};
use super::errors::Problem;
use super::suggest::nearest;
use std::ops::Range;

/// What names of partitions, QoS, accounts, users and labels may look like.
pub const NAME_FORMS: &str =
    "1 to 64 characters from A-Z a-z 0-9 _ - . @, starting with a letter or digit";

/// A table of the file, and where it sits.
#[derive(Clone)]
pub struct TableReader<'t> {
    /// Dotted path, empty for the top level.
    path: String,
    pub(super) entries: &'t Table,
    /// Where the table's own key was written, for errors about the table as a whole.
    span: Option<Range<usize>>,
}

impl<'t> TableReader<'t> {
    pub fn root(entries: &'t Table) -> Self {
        TableReader {
            path: String::new(),
            entries,
            span: Some(0..0),
        }
    }

    /// `[qos.high]`, or `the file's top level`.
    pub fn display_name(&self) -> String {
        if self.path.is_empty() {
            "the file's top level".to_owned()
        } else {
            format!("[{}]", self.path)
        }
    }

    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn span(&self) -> Option<&Range<usize>> {
        self.span.as_ref()
    }

    /// Refuses every key not in `known`, suggesting the nearest known key; records the span of
    /// each known key that is present.
    pub fn check_keys(&self, ctx: &mut Context<'_>, known: &[&str]) {
        for (key, _) in self.entries {
            let path = self.key_path(&key.value);
            if known.contains(&key.value.as_str()) {
                ctx.note_key_span(&path, key.span.as_ref());
                continue;
            }
            let problem = Problem::UnknownKey {
                key: key.value.clone(),
                table: self.display_name(),
                suggestion: nearest(&key.value, known.iter().copied()),
                accepted: known.iter().map(|k| (*k).to_owned()).collect(),
            };
            ctx.error(key.span.as_ref(), &path, problem);
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn get(&self, key: &str) -> Option<&'t (Located<String>, Located<Value>)> {
        self.entries.iter().find(|(k, _)| k.value == key)
    }

    /// Span to report a value at: the value's own, else its key's.
    pub(super) fn value_span(entry: &(Located<String>, Located<Value>)) -> Option<&Range<usize>> {
        entry.1.span.as_ref().or(entry.0.span.as_ref())
    }

    pub(super) fn wrong_type(&self, ctx: &mut Context<'_>, key: &str, expected: &str) {
        if let Some(entry) = self.get(key) {
            let problem = Problem::WrongType {
                key: key.to_owned(),
                table: self.display_name(),
                expected: expected.to_owned(),
                found: entry.1.value.type_name().to_owned(),
            };
            ctx.error(Self::value_span(entry), &self.key_path(key), problem);
        }
    }

    /// Records a bad value of `key`; `span` overrides the key's own span (for array items).
    pub fn bad_value(
        &self,
        ctx: &mut Context<'_>,
        key: &str,
        span: Option<&Range<usize>>,
        value: &str,
        reason: &str,
        accepted: &str,
    ) {
        let span = span
            .or_else(|| self.get(key).and_then(Self::value_span))
            .cloned();
        let problem = Problem::BadValue {
            key: key.to_owned(),
            table: self.display_name(),
            value: value.to_owned(),
            reason: reason.to_owned(),
            accepted: accepted.to_owned(),
        };
        ctx.error(span.as_ref(), &self.key_path(key), problem);
    }

    /// Records that a required key is missing, at the table's own line.
    pub fn missing(&self, ctx: &mut Context<'_>, key: &str, purpose: &str) {
        let problem = Problem::MissingKey {
            key: key.to_owned(),
            table: self.display_name(),
            purpose: purpose.to_owned(),
        };
        ctx.error(self.span.as_ref(), &self.key_path(key), problem);
    }

    /// The table under `key`.
    pub fn subtable(&self, ctx: &mut Context<'_>, key: &str) -> Option<TableReader<'t>> {
        let entry = self.get(key)?;
        match &entry.1.value {
            Value::Table(entries) => Some(TableReader {
                path: self.key_path(key),
                entries,
                span: entry.0.span.clone(),
            }),
            _ => {
                self.wrong_type(ctx, key, "a table");
                None
            }
        }
    }

    /// `[partitions.NAME]`-style children: each entry must be a table with a valid name.
    pub fn named_tables(&self, ctx: &mut Context<'_>) -> Vec<(String, TableReader<'t>)> {
        let mut out = Vec::new();
        for (key, value) in self.entries {
            if !check_name(&key.value) {
                let path = self.key_path(&key.value);
                let problem = Problem::BadValue {
                    key: key.value.clone(),
                    table: self.display_name(),
                    value: quote(&key.value),
                    reason: "is not a valid name".to_owned(),
                    accepted: NAME_FORMS.to_owned(),
                };
                ctx.error(key.span.as_ref(), &path, problem);
                continue;
            }
            match &value.value {
                Value::Table(entries) => out.push((
                    key.value.clone(),
                    TableReader {
                        path: self.key_path(&key.value),
                        entries,
                        span: key.span.clone(),
                    },
                )),
                other => {
                    let problem = Problem::WrongType {
                        key: key.value.clone(),
                        table: self.display_name(),
                        expected: "a table".to_owned(),
                        found: other.type_name().to_owned(),
                    };
                    ctx.error(key.span.as_ref(), &self.key_path(&key.value), problem);
                }
            }
        }
        out
    }
}

/// Whether `name` is acceptable as a partition, QoS, account, user or label name.
pub fn check_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    first_ok
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
}

/// A string as TOML would write it, for messages.
pub fn quote(text: &str) -> String {
    format!("{text:?}")
}
