//! Reads a list of words (one directive's, or the command line's) as options the way getopt_long
//! does for sbatch: `--long=value`, `--long value`, `-s value`, `-svalue`, grouped short flags,
//! optional values only after `=`, and `--` ending the options on the command line.

use super::error::{Origin, ScriptError, ScriptWarning};
use super::options::{lookup_long, lookup_short, Arg, Lookup, OptionDef};

/// Where the words came from: a directive may not hold anything but options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Directive,
    CommandLine,
}

/// One option as it was given.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub origin: Origin,
    /// The name as written: `--time`, `--ti`, `-t`.
    pub written: String,
    pub def: &'static OptionDef,
    /// The value; `None` for a flag or an optional value left out.
    pub value: Option<String>,
    /// The words it was read from, to pass it on unchanged.
    pub words: Vec<String>,
}

/// What a list of words held.
#[derive(Debug, Default)]
pub struct Scanned {
    pub options: Vec<Occurrence>,
    /// Words that are not options (command line only): the script and its arguments.
    pub positionals: Vec<String>,
    pub warnings: Vec<ScriptWarning>,
}

/// Reads `words` as options.
pub fn scan(words: &[String], origin: Origin, context: Context) -> Result<Scanned, ScriptError> {
    let mut scanned = Scanned::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == "--" && context == Context::CommandLine {
            scanned.positionals.extend(words[i..].iter().cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--").filter(|l| !l.is_empty()) {
            i += long_option(long, word, &words[i..], origin, context, &mut scanned)?;
        } else if word.len() > 1 && word.starts_with('-') {
            i += short_options(&word[1..], &words[i..], origin, context, &mut scanned)?;
        } else if context == Context::CommandLine {
            scanned.positionals.push(word.clone());
        } else {
            return Err(ScriptError::StrayWord {
                origin,
                word: word.clone(),
            });
        }
    }
    Ok(scanned)
}

/// Handles `--name[=value]`; returns how many following words it consumed.
fn long_option(
    long: &str,
    word: &str,
    next: &[String],
    origin: Origin,
    context: Context,
    scanned: &mut Scanned,
) -> Result<usize, ScriptError> {
    let (name, inline) = match long.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (long, None),
    };
    let written = format!("--{name}");
    let def = match lookup_long(name) {
        Lookup::Found(def) => def,
        Lookup::Ambiguous(names) => {
            let candidates = names.iter().map(|n| format!("--{n}")).collect();
            return Err(ScriptError::AmbiguousOption {
                origin,
                option: written,
                candidates,
            });
        }
        Lookup::Unknown => {
            return unknown(written, inline.is_none(), next, origin, context, scanned)
        }
    };
    let mut words = vec![word.to_string()];
    let (value, consumed) = match (def.arg, inline) {
        (Arg::Flag, Some(value)) => {
            return Err(ScriptError::UnexpectedValue {
                origin,
                option: written,
                value,
            })
        }
        (Arg::Flag | Arg::Optional(_), None) => (None, 0),
        (_, Some(value)) => (Some(value), 0),
        (Arg::Required, None) => match next.first() {
            Some(value) => {
                words.push(value.clone());
                (Some(value.clone()), 1)
            }
            None => return Err(missing(origin, written, def)),
        },
    };
    scanned.options.push(Occurrence {
        origin,
        written,
        def,
        value,
        words,
    });
    Ok(consumed)
}

/// Handles `-abc` (grouped flags, the last may take a value); returns words consumed after it.
fn short_options(
    letters: &str,
    next: &[String],
    origin: Origin,
    context: Context,
    scanned: &mut Scanned,
) -> Result<usize, ScriptError> {
    let mut rest = letters;
    while let Some(letter) = rest.chars().next() {
        rest = &rest[letter.len_utf8()..];
        let written = format!("-{letter}");
        let def = match lookup_short(letter) {
            Lookup::Found(def) => def,
            _ => return unknown(written, rest.is_empty(), next, origin, context, scanned),
        };
        let mut words = vec![format!("-{letter}{rest}")];
        let (value, consumed) = match def.arg {
            Arg::Flag => (None, 0),
            Arg::Optional(_) if rest.is_empty() => (None, 0),
            _ if !rest.is_empty() => (Some(std::mem::take(&mut rest).to_string()), 0),
            _ => match next.first() {
                Some(value) => {
                    words.push(value.clone());
                    (Some(value.clone()), 1)
                }
                None => return Err(missing(origin, written, def)),
            },
        };
        if def.arg == Arg::Flag && !rest.is_empty() {
            words = vec![written.clone()];
        }
        scanned.options.push(Occurrence {
            origin,
            written,
            def,
            value,
            words,
        });
        if consumed > 0 {
            return Ok(consumed);
        }
    }
    Ok(0)
}

/// An option nobody knows: an error on the command line; in a script a warning, and a following
/// word that is not an option is taken to be its value.
fn unknown(
    written: String,
    may_take_next: bool,
    next: &[String],
    origin: Origin,
    context: Context,
    scanned: &mut Scanned,
) -> Result<usize, ScriptError> {
    if context == Context::CommandLine {
        return Err(ScriptError::UnknownOption {
            origin,
            option: written,
        });
    }
    scanned.warnings.push(ScriptWarning::UnknownOption {
        origin,
        option: written,
    });
    let takes_next = may_take_next && next.first().is_some_and(|w| !w.starts_with('-'));
    Ok(usize::from(takes_next))
}

fn missing(origin: Origin, option: String, def: &OptionDef) -> ScriptError {
    ScriptError::MissingValue {
        origin,
        option,
        accepted: def.accepted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn summary(scanned: &Scanned) -> Vec<(String, Option<String>)> {
        scanned
            .options
            .iter()
            .map(|o| (o.def.long.to_string(), o.value.clone()))
            .collect()
    }

    fn pair(long: &str, value: Option<&str>) -> (String, Option<String>) {
        (long.to_string(), value.map(str::to_string))
    }

    #[test]
    fn long_and_short_forms() {
        let scanned = scan(
            &words("--time=5 --nodes 2 -n4 -c 8 --part=gpu --nice --exclusive"),
            Origin::Line(2),
            Context::Directive,
        )
        .unwrap();
        assert_eq!(
            summary(&scanned),
            vec![
                pair("time", Some("5")),
                pair("nodes", Some("2")),
                pair("ntasks", Some("4")),
                pair("cpus-per-task", Some("8")),
                pair("partition", Some("gpu")),
                pair("nice", None),
                pair("exclusive", None),
            ]
        );
    }

    #[test]
    fn grouped_short_flags() {
        let scanned = scan(&words("-Qvt5"), Origin::CommandLine, Context::CommandLine).unwrap();
        assert_eq!(
            summary(&scanned),
            vec![
                pair("quiet", None),
                pair("verbose", None),
                pair("time", Some("5"))
            ]
        );
    }

    #[test]
    fn command_line_positionals_and_double_dash() {
        let scanned = scan(
            &words("-N 2 job.sh --lr 1 -- -t 5"),
            Origin::CommandLine,
            Context::CommandLine,
        );
        assert!(matches!(scanned, Err(ScriptError::UnknownOption { .. })));
        let scanned = scan(
            &words("-N 2 job.sh data -t 5 -- -t 6"),
            Origin::CommandLine,
            Context::CommandLine,
        )
        .unwrap();
        assert_eq!(
            summary(&scanned),
            vec![pair("nodes", Some("2")), pair("time", Some("5"))]
        );
        assert_eq!(scanned.positionals, ["job.sh", "data", "-t", "6"]);
    }

    #[test]
    fn unknown_directive_options_warn_and_skip_their_value() {
        let scanned = scan(
            &words("--bogus 3 -t 5"),
            Origin::Line(3),
            Context::Directive,
        )
        .unwrap();
        assert_eq!(summary(&scanned), vec![pair("time", Some("5"))]);
        assert_eq!(
            scanned.warnings,
            vec![ScriptWarning::UnknownOption {
                origin: Origin::Line(3),
                option: "--bogus".into()
            }]
        );
    }

    #[test]
    fn malformed_option_lists() {
        let origin = Origin::Line(4);
        let err = |text: &str| scan(&words(text), origin, Context::Directive).unwrap_err();
        assert!(matches!(err("--nice 5"), ScriptError::StrayWord { word, .. } if word == "5"));
        assert!(matches!(err("--time"), ScriptError::MissingValue { .. }));
        assert!(matches!(
            err("--requeue=1"),
            ScriptError::UnexpectedValue { .. }
        ));
        assert!(matches!(
            err("--cpus=2"),
            ScriptError::AmbiguousOption { .. }
        ));
    }
}
