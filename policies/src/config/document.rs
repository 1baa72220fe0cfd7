//! The policy file as a tree of values that remember where they were written: keys and values
//! carry their byte spans, so that each error can name its line. This module knows nothing about
//! what the keys mean.
//!
//! toml 0.8 hands spans to serde through `toml::Spanned`'s private protocol: a struct with a
//! reserved name whose fields are the start, end and value. `toml::Spanned` itself fails on
//! tables that TOML creates implicitly (`qos` in `[qos.high]` has no span of its own), so we speak
//! the same protocol here and accept values both with and without a span. The tests below pin
//! the protocol: they fail if a toml upgrade changes it.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::ops::Range;

/// Names of toml's span protocol (serde_spanned 0.6, as used by toml 0.8).
const SPANNED_NAME: &str = "$__serde_spanned_private_Spanned";
const SPANNED_START: &str = "$__serde_spanned_private_start";
const SPANNED_END: &str = "$__serde_spanned_private_end";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";
const SPANNED_FIELDS: &[&str] = &[SPANNED_START, SPANNED_END, SPANNED_VALUE];
/// The field name toml uses to hand a date-time through serde.
const DATETIME_FIELD: &str = "$__toml_private_datetime";

/// A value and the byte range it was written at, where TOML knows one.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub span: Option<Range<usize>>,
    pub value: T,
}

/// A TOML table in document order.
pub type Table = Vec<(Located<String>, Located<Value>)>;

/// One TOML value, with spans all the way down.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    /// A date or time; never valid in a policy file, kept so that the error can say so.
    Datetime(String),
    Array(Vec<Located<Value>>),
    Table(Table),
}

impl Value {
    /// What kind of value this is, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Parses TOML text into a located table. The error is toml's own, with its span.
pub fn parse_document(text: &str) -> Result<Table, toml::de::Error> {
    match toml::from_str::<Value>(text)? {
        Value::Table(table) => Ok(table),
        // The root of a TOML document is always a table.
        _ => Ok(Table::new()),
    }
}

/// Maps byte offsets to 1-based line numbers.
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The 1-based line that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> u32 {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        u32::try_from(line.max(1)).unwrap_or(u32::MAX)
    }
}

/// A map key as toml hands it over: one of the span protocol's fields, or a real key.
enum Key {
    SpanStart,
    SpanEnd,
    SpanValue,
    Datetime,
    Name(Located<String>),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(SPANNED_NAME, SPANNED_FIELDS, KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            SPANNED_START => Key::SpanStart,
            SPANNED_END => Key::SpanEnd,
            SPANNED_VALUE => Key::SpanValue,
            DATETIME_FIELD => Key::Datetime,
            name => Key::Name(Located {
                span: None,
                value: name.to_owned(),
            }),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Key, A::Error> {
        let located = read_spanned::<String, A>(None, map)?;
        Ok(Key::Name(located))
    }
}

/// Reads toml's span protocol: start, end and the value (`start` when already read).
fn read_spanned<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    mut start: Option<usize>,
    mut map: A,
) -> Result<Located<T>, A::Error> {
    let mut end = None;
    let mut value = None;
    while let Some(key) = map.next_key::<Key>()? {
        match key {
            Key::SpanStart => start = Some(map.next_value::<usize>()?),
            Key::SpanEnd => end = Some(map.next_value::<usize>()?),
            Key::SpanValue => value = Some(map.next_value::<T>()?),
            Key::Datetime | Key::Name(_) => {
                return Err(de::Error::custom("unexpected key inside a spanned value"))
            }
        }
    }
    match (start, end, value) {
        (Some(start), Some(end), Some(value)) => Ok(Located {
            span: Some(start..end),
            value,
        }),
        _ => Err(de::Error::custom("incomplete spanned value")),
    }
}

impl<'de> Deserialize<'de> for Located<Value> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(SPANNED_NAME, SPANNED_FIELDS, LocatedValueVisitor)
    }
}

struct LocatedValueVisitor;

impl<'de> Visitor<'de> for LocatedValueVisitor {
    type Value = Located<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        ValueVisitor.visit_bool(v).map(unlocated)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        ValueVisitor.visit_i64(v).map(unlocated)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        ValueVisitor.visit_u64(v).map(unlocated)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        ValueVisitor.visit_f64(v).map(unlocated)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        ValueVisitor.visit_str(v).map(unlocated)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ValueVisitor.visit_seq(seq).map(unlocated)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<Key>()? {
            None => Ok(unlocated(Value::Table(Table::new()))),
            Some(Key::SpanStart) => {
                let start = map.next_value::<usize>()?;
                read_spanned::<Value, A>(Some(start), map)
            }
            Some(Key::Datetime) => Ok(unlocated(Value::Datetime(map.next_value::<String>()?))),
            Some(Key::Name(first)) => read_table(first, map).map(|t| unlocated(Value::Table(t))),
            Some(Key::SpanEnd | Key::SpanValue) => {
                Err(de::Error::custom("malformed spanned value"))
            }
        }
    }
}

fn unlocated(value: Value) -> Located<Value> {
    Located { span: None, value }
}

/// Reads a table's entries, the first key already taken.
fn read_table<'de, A: MapAccess<'de>>(
    first: Located<String>,
    mut map: A,
) -> Result<Table, A::Error> {
    let mut table = Table::new();
    let mut key = Some(first);
    while let Some(name) = key {
        let value = map.next_value::<Located<Value>>()?;
        table.push((name, value));
        key = match map.next_key::<Key>()? {
            None => None,
            Some(Key::Name(next)) => Some(next),
            Some(_) => return Err(de::Error::custom("unexpected span field inside a table")),
        };
    }
    Ok(table)
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Boolean(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Located<Value>>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        match map.next_key::<Key>()? {
            None => Ok(Value::Table(Table::new())),
            Some(Key::Datetime) => Ok(Value::Datetime(map.next_value::<String>()?)),
            Some(Key::Name(first)) => read_table(first, map).map(Value::Table),
            Some(_) => Err(de::Error::custom("unexpected span field")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(table: &'a Table, key: &str) -> &'a (Located<String>, Located<Value>) {
        table
            .iter()
            .find(|(k, _)| k.value == key)
            .expect("key present")
    }

    fn as_table(value: &Located<Value>) -> &Table {
        match &value.value {
            Value::Table(t) => t,
            other => panic!("expected a table, got {other:?}"),
        }
    }

    fn line(lines: &LineIndex, span: &Option<Range<usize>>) -> u32 {
        lines.line_of(span.as_ref().expect("span known").start)
    }

    #[test]
    fn keys_and_values_know_their_lines() {
        let text = "a = 1\n\n[qos.high]\npriority = 10\nlist = [\"x\",\n  \"y\"]\n";
        let doc = parse_document(text).expect("valid toml");
        let lines = LineIndex::new(text);
        assert_eq!(line(&lines, &get(&doc, "a").0.span), 1);
        let qos = as_table(&get(&doc, "qos").1);
        let (high_key, high) = get(qos, "high");
        assert_eq!(line(&lines, &high_key.span), 3);
        let high = as_table(high);
        let (prio_key, prio) = get(high, "priority");
        assert_eq!(line(&lines, &prio_key.span), 4);
        assert_eq!(line(&lines, &prio.span), 4);
        assert_eq!(prio.value, Value::Integer(10));
        let Value::Array(items) = &get(high, "list").1.value else {
            panic!("list is an array")
        };
        assert_eq!(line(&lines, &items[1].span), 6);
        assert_eq!(items[1].value, Value::String("y".into()));
    }

    #[test]
    fn inline_tables_and_dotted_keys_keep_spans() {
        let text = "w.v = true\n\n[x]\ny = { z = 2 }\n";
        let doc = parse_document(text).expect("valid toml");
        let lines = LineIndex::new(text);
        let y = as_table(&get(as_table(&get(&doc, "x").1), "y").1);
        let (z_key, z) = get(y, "z");
        assert_eq!(line(&lines, &z_key.span), 4);
        assert_eq!(z.value, Value::Integer(2));
        let (v_key, v) = get(as_table(&get(&doc, "w").1), "v");
        assert_eq!(line(&lines, &v_key.span), 1);
        assert_eq!(v.value, Value::Boolean(true));
    }

    #[test]
    fn document_order_is_kept() {
        let doc = parse_document("b = 1\na = 2\nc = 3\n").expect("valid toml");
        let keys: Vec<&str> = doc.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn dates_are_kept_as_dates() {
        let doc = parse_document("when = 1979-05-27\n").expect("valid toml");
        assert_eq!(get(&doc, "when").1.value.type_name(), "a date-time");
    }

    #[test]
    fn line_index_maps_offsets() {
        let lines = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 1);
        assert_eq!(lines.line_of(3), 2);
        assert_eq!(lines.line_of(6), 3);
        assert_eq!(lines.line_of(7), 4);
    }
}
