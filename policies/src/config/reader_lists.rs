//! Typed getters for lists and maps, and names that refer to other tables.

use super::context::{Context, RefKind, Reference};
use super::document::{Located, Value};
use super::errors::Problem;
use super::reader::{check_name, quote, TableReader, NAME_FORMS};
use std::collections::BTreeMap;

impl TableReader<'_> {
    /// An array of names, each with its span. Names are checked against `NAME_FORMS`.
    pub fn name_list(&self, ctx: &mut Context<'_>, key: &str) -> Option<Vec<Located<String>>> {
        let items = self.string_list(ctx, key, "an array of names, like [\"a\", \"b\"]")?;
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            if check_name(&item.value) {
                names.push(item);
            } else {
                self.bad_value(
                    ctx,
                    key,
                    item.span.as_ref(),
                    &quote(&item.value),
                    "is not a valid name",
                    NAME_FORMS,
                );
            }
        }
        Some(names)
    }

    /// An array of strings, each with its span.
    pub fn string_list(
        &self,
        ctx: &mut Context<'_>,
        key: &str,
        expected: &str,
    ) -> Option<Vec<Located<String>>> {
        let entry = self.get(key)?;
        let Value::Array(items) = &entry.1.value else {
            self.wrong_type(ctx, key, expected);
            return None;
        };
        let mut strings = Vec::with_capacity(items.len());
        for item in items {
            match &item.value {
                Value::String(s) => strings.push(Located {
                    span: item.span.clone(),
                    value: s.clone(),
                }),
                other => {
                    let problem = Problem::WrongType {
                        key: key.to_owned(),
                        table: self.display_name(),
                        expected: expected.to_owned(),
                        found: format!("an array holding {}", other.type_name()),
                    };
                    ctx.error(
                        item.span.as_ref().or(Self::value_span(entry)),
                        &self.key_path(key),
                        problem,
                    );
                }
            }
        }
        Some(strings)
    }

    /// Every entry as `name = "string"` (label maps).
    pub fn string_map(&self, ctx: &mut Context<'_>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (key, value) in self.entries {
            ctx.note_key_span(&self.key_path(&key.value), key.span.as_ref());
            match &value.value {
                Value::String(s) => {
                    out.insert(key.value.clone(), s.clone());
                }
                other => {
                    let problem = Problem::WrongType {
                        key: key.value.clone(),
                        table: self.display_name(),
                        expected: "a string".to_owned(),
                        found: other.type_name().to_owned(),
                    };
                    ctx.error(key.span.as_ref(), &self.key_path(&key.value), problem);
                }
            }
        }
        out
    }

    /// Every entry as `name = weight` (billing maps); names lower-cased.
    pub fn weight_map(&self, ctx: &mut Context<'_>) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for (key, value) in self.entries {
            ctx.note_key_span(&self.key_path(&key.value), key.span.as_ref());
            if let Some(w) = self.weight_value(ctx, &key.value, value) {
                out.insert(key.value.to_lowercase(), w);
            }
        }
        out
    }

    /// Records names written under `key` that must be defined as `kind` elsewhere in the file.
    pub fn refer(
        &self,
        ctx: &mut Context<'_>,
        key: &str,
        kind: RefKind,
        names: &[Located<String>],
    ) {
        for name in names {
            ctx.add_reference(Reference {
                kind,
                name: name.value.clone(),
                span: name.span.clone(),
                key: key.to_owned(),
                table: self.display_name(),
                key_path: self.key_path(key),
            });
        }
    }

    /// A single name under `key`, checked against `NAME_FORMS`, recorded as a reference.
    pub fn reference(&self, ctx: &mut Context<'_>, key: &str, kind: RefKind) -> Option<String> {
        let entry = self.get(key)?;
        let name = self.string(ctx, key)?;
        if !check_name(&name) {
            self.bad_value(
                ctx,
                key,
                None,
                &quote(&name),
                "is not a valid name",
                NAME_FORMS,
            );
            return None;
        }
        let located = Located {
            span: Self::value_span(entry).cloned(),
            value: name.clone(),
        };
        self.refer(ctx, key, kind, &[located]);
        Some(name)
    }
}
