//! Typed getters for single values: strings, booleans, counts, weights, durations, memory.

use super::context::Context;
use super::document::{Located, Value};
use super::errors::Problem;
use super::reader::{quote, TableReader};
use super::units;

impl TableReader<'_> {
    pub fn string(&self, ctx: &mut Context<'_>, key: &str) -> Option<String> {
        match &self.get(key)?.1.value {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(ctx, key, "a string");
                None
            }
        }
    }

    pub fn boolean(&self, ctx: &mut Context<'_>, key: &str) -> Option<bool> {
        match &self.get(key)?.1.value {
            Value::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(ctx, key, "a boolean (true or false)");
                None
            }
        }
    }

    /// A whole number from `min` to `u32::MAX`.
    pub fn count(&self, ctx: &mut Context<'_>, key: &str, min: u32) -> Option<u32> {
        let accepted = format!("a whole number from {min} to {}", u32::MAX);
        match &self.get(key)?.1.value {
            Value::Integer(n) => match u32::try_from(*n) {
                Ok(v) if v >= min => Some(v),
                _ => {
                    let reason = if *n < i64::from(min) {
                        "is too small"
                    } else {
                        "is too large"
                    };
                    self.bad_value(ctx, key, None, &n.to_string(), reason, &accepted);
                    None
                }
            },
            _ => {
                self.wrong_type(ctx, key, &accepted);
                None
            }
        }
    }

    /// A finite number >= 0; integers are accepted as floats.
    pub fn weight(&self, ctx: &mut Context<'_>, key: &str) -> Option<f64> {
        let entry = self.get(key)?;
        self.weight_value(ctx, key, &entry.1)
    }

    pub(super) fn weight_value(
        &self,
        ctx: &mut Context<'_>,
        key: &str,
        value: &Located<Value>,
    ) -> Option<f64> {
        const ACCEPTED: &str = "a finite number >= 0, like 1000 or 0.5";
        let (number, text) = match &value.value {
            // Weights are far below 2^53, where i64 -> f64 is exact.
            Value::Integer(n) => (*n as f64, n.to_string()),
            Value::Float(f) => (*f, f.to_string()),
            _ => {
                let problem = Problem::WrongType {
                    key: key.to_owned(),
                    table: self.display_name(),
                    expected: ACCEPTED.to_owned(),
                    found: value.value.type_name().to_owned(),
                };
                ctx.error(value.span.as_ref(), &self.key_path(key), problem);
                return None;
            }
        };
        if !number.is_finite() {
            self.bad_value(
                ctx,
                key,
                value.span.as_ref(),
                &text,
                "is not finite",
                ACCEPTED,
            );
            return None;
        }
        if number < 0.0 {
            self.bad_value(
                ctx,
                key,
                value.span.as_ref(),
                &text,
                "is negative",
                ACCEPTED,
            );
            return None;
        }
        Some(number)
    }

    /// A duration in seconds, at least `min_secs`.
    pub fn duration(&self, ctx: &mut Context<'_>, key: &str, min_secs: u64) -> Option<u64> {
        let text = self.unit_string(ctx, key, units::DURATION_FORMS)?;
        match units::parse_duration_secs(&text) {
            Ok(secs) if secs >= min_secs => Some(secs),
            Ok(_) => {
                let reason = format!("is shorter than {}", units::format_duration(min_secs));
                self.bad_value(
                    ctx,
                    key,
                    None,
                    &quote(&text),
                    &reason,
                    units::DURATION_FORMS,
                );
                None
            }
            Err(reason) => {
                self.bad_value(
                    ctx,
                    key,
                    None,
                    &quote(&text),
                    &reason,
                    units::DURATION_FORMS,
                );
                None
            }
        }
    }

    /// A duration or `"unlimited"` (`Some(None)`), at least `min_secs` when limited.
    pub fn limit_duration(
        &self,
        ctx: &mut Context<'_>,
        key: &str,
        min_secs: u64,
    ) -> Option<Option<u64>> {
        let text = self.unit_string(ctx, key, units::LIMIT_FORMS)?;
        match units::parse_limit_secs(&text) {
            Ok(Some(secs)) if secs < min_secs => {
                let reason = format!("is shorter than {}", units::format_duration(min_secs));
                self.bad_value(ctx, key, None, &quote(&text), &reason, units::LIMIT_FORMS);
                None
            }
            Ok(limit) => Some(limit),
            Err(reason) => {
                self.bad_value(ctx, key, None, &quote(&text), &reason, units::LIMIT_FORMS);
                None
            }
        }
    }

    /// A memory size in MiB.
    pub fn memory(&self, ctx: &mut Context<'_>, key: &str) -> Option<u64> {
        let text = self.unit_string(ctx, key, units::MEMORY_FORMS)?;
        match units::parse_mem_mib(&text) {
            Ok(mib) => Some(mib),
            Err(reason) => {
                self.bad_value(ctx, key, None, &quote(&text), &reason, units::MEMORY_FORMS);
                None
            }
        }
    }

    /// A string holding a quantity with a unit; a bare TOML number is refused with the forms.
    fn unit_string(&self, ctx: &mut Context<'_>, key: &str, forms: &str) -> Option<String> {
        let entry = self.get(key)?;
        match &entry.1.value {
            Value::String(s) => Some(s.clone()),
            Value::Integer(n) => {
                let reason = "is a bare number; write the unit in a string";
                self.bad_value(ctx, key, None, &n.to_string(), reason, forms);
                None
            }
            _ => {
                self.wrong_type(ctx, key, forms);
                None
            }
        }
    }
}
