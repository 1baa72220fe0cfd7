//! The admin policy file (TOML): its typed schema (`schema.rs`), the built-in defaults, parsing
//! with errors that name file, line and key, and validation across tables. `parse_policy` is a
//! pure function: a file with any error yields only errors, never a partial policy.

mod context;
mod defaults;
mod document;
mod errors;
mod keys;
mod load;
mod load_accounts;
mod load_partitions;
mod load_qos;
mod queries;
mod reader;
mod reader_lists;
mod reader_scalars;
mod schema;
mod suggest;
mod units;
mod validate;

pub use defaults::{DEFAULT_PARTITION, DEFAULT_QOS};
pub use errors::{PolicyError, PolicyErrors, Problem};
pub use queries::glob_matches;
pub use schema::*;
pub use units::{format_duration, parse_duration_secs, parse_limit_secs, parse_mem_mib};

use context::Context;

/// Parses and validates a policy file. `file_name` is only used in error messages. Keys the
/// file leaves out take the built-in defaults (`Policy::default()`); a table that is present
/// replaces the built-in one (a file with `[partitions.a]` has exactly the partitions it lists).
/// Every error in the file is reported, in line order.
pub fn parse_policy(file_name: &str, text: &str) -> Result<Policy, PolicyErrors> {
    let doc = match document::parse_document(text) {
        Ok(doc) => doc,
        Err(e) => return Err(PolicyErrors::new(vec![syntax_error(file_name, text, &e)])),
    };
    let mut ctx = Context::new(file_name, text);
    let policy = load::load_policy(&mut ctx, &doc);
    let policy = validate::validate(&mut ctx, policy);
    if ctx.has_errors() {
        Err(PolicyErrors::new(ctx.into_errors()))
    } else {
        Ok(policy)
    }
}

fn syntax_error(file_name: &str, text: &str, e: &toml::de::Error) -> PolicyError {
    let line = e
        .span()
        .map_or(1, |s| document::LineIndex::new(text).line_of(s.start));
    PolicyError {
        file: file_name.to_owned(),
        line,
        key: String::new(),
        problem: Problem::Syntax {
            message: e.message().trim().to_owned(),
        },
    }
}

#[cfg(test)]
mod tests;
