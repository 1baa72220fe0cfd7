//! What can go wrong reading a batch script or its options, and what is only worth a warning.
//! Every error says where (a line of the script, or the command line), what was found, and what
//! would have been accepted.

use std::fmt;

/// Where an option came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A `#SBATCH` or `#CORRAL` directive on this line of the script (1-based).
    Line(usize),
    /// The submit command's own arguments.
    CommandLine,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Line(n) => write!(f, "line {n}"),
            Origin::CommandLine => f.write_str("command line"),
        }
    }
}

/// A value that one of the value parsers (time, size, array, …) refused: what is wrong with it,
/// and the forms it accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{problem} (accepted: {accepted})")]
pub struct ValueError {
    pub problem: String,
    pub accepted: &'static str,
}

impl ValueError {
    pub fn new(problem: impl Into<String>, accepted: &'static str) -> ValueError {
        ValueError {
            problem: problem.into(),
            accepted,
        }
    }
}

/// The largest script accepted, in bytes (1 MiB). sbatch's own default limit is 4 MiB
/// (`max_script_size`); a batch script is a launcher, not a payload.
pub const MAX_SCRIPT_BYTES: usize = 1024 * 1024;

/// Why a script (or its command line) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the script is empty")]
    Empty,
    #[error("the script contains only whitespace")]
    OnlyWhitespace,
    #[error("the script is {bytes} bytes; the limit is {limit} bytes (1 MiB)")]
    TooLarge { bytes: usize, limit: usize },
    #[error(
        "the script looks like a binary file: NUL byte on line {line} (byte offset {offset}); \
         a batch script must be text"
    )]
    NulByte { line: usize, offset: usize },
    #[error(
        "the script is not UTF-8 text: invalid byte on line {line} (byte offset {offset}); \
         a batch script must be UTF-8 text"
    )]
    NotUtf8 { line: usize, offset: usize },
    #[error(
        "line {line} ends with a DOS line break (\\r\\n); sbatch refuses these too: convert the \
         script to UNIX line breaks (\\n), e.g. with `dos2unix`"
    )]
    DosLineBreaks { line: usize },
    #[error(
        "line 1 must start with #! and the path of an interpreter (for instance #!/bin/bash); \
         found `{found}`"
    )]
    NoShebang { found: String },
    #[error("{origin}: unmatched {quote} quote in `{text}`")]
    UnmatchedQuote {
        origin: Origin,
        quote: char,
        text: String,
    },
    // Not named `source`: the value's problem is part of this message, not a cause to print
    // after it (which made CLIs that print error chains say it twice).
    #[error("{origin}: {}: {reason}", written(option, value))]
    InvalidValue {
        origin: Origin,
        option: String,
        value: String,
        reason: ValueError,
    },
    #[error("{origin}: {option} needs a value (accepted: {accepted})")]
    MissingValue {
        origin: Origin,
        option: String,
        accepted: &'static str,
    },
    #[error("{origin}: {option} takes no value, but was given `{value}` (accepted: {option})")]
    UnexpectedValue {
        origin: Origin,
        option: String,
        value: String,
    },
    #[error(
        "{origin}: `{word}` is not an option (options start with - or --; an optional value is \
         given with =, as in --nice=5)"
    )]
    StrayWord { origin: Origin, word: String },
    #[error("{origin}: {option} is ambiguous: it could be {}", candidates.join(", "))]
    AmbiguousOption {
        origin: Origin,
        option: String,
        candidates: Vec<String>,
    },
    #[error("{origin}: unknown option {option} (see `corral submit --help` for the options)")]
    UnknownOption { origin: Origin, option: String },
    #[error(
        "{origin}: {option} is not supported by Corral yet, and ignoring it would change what \
         the job does"
    )]
    NotSupported { origin: Origin, option: String },
    #[error("{origin}: {option} is accepted only on the command line, not in a script")]
    CommandLineOnly { origin: Origin, option: String },
    #[error("{second} ({second_origin}) and {first} ({first_origin}) exclude each other: {why}")]
    Conflict {
        first: String,
        first_origin: Origin,
        second: String,
        second_origin: Origin,
        why: &'static str,
    },
    #[error("{option} ({origin}): {problem}")]
    Inconsistent {
        option: String,
        origin: Origin,
        problem: String,
    },
    #[error("both a script file and --wrap were given; give one (sbatch refuses both too)")]
    WrapAndScript,
    #[error("no script given: name a batch script file, or give the command with --wrap CMD")]
    NoScript,
}

/// How an option and its value were written: `--time=90min`, `-t 90min`.
fn written(option: &str, value: &str) -> String {
    if option.starts_with("--") {
        format!("{option}={value}")
    } else {
        format!("{option} {value}")
    }
}

/// Something worth telling the submitter that does not stop the job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptWarning {
    /// A directive after the first command: sbatch ignores it, and so do we.
    DirectiveAfterCommands {
        line: usize,
        first_command_line: usize,
        text: String,
    },
    /// `   #SBATCH ...`: not at the start of its line, so it is a comment to sbatch and to us.
    IndentedDirective { line: usize, text: String },
    /// An option neither Corral nor sbatch knows.
    UnknownOption { origin: Origin, option: String },
    /// An sbatch option Corral recognises but does not implement.
    UnsupportedOption { origin: Origin, option: String },
}

impl fmt::Display for ScriptWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptWarning::DirectiveAfterCommands {
                line,
                first_command_line,
                text,
            } => write!(
                f,
                "line {line}: `{text}` comes after the first command (line \
                 {first_command_line}) and is ignored, as sbatch ignores it"
            ),
            ScriptWarning::IndentedDirective { line, text } => write!(
                f,
                "line {line}: `{text}` is indented, so it is a comment and is ignored, as sbatch \
                 ignores it; a directive must start at the beginning of its line"
            ),
            ScriptWarning::UnknownOption { origin, option } => {
                write!(f, "{origin}: unknown option {option}: ignored")
            }
            ScriptWarning::UnsupportedOption { origin, option } => write!(
                f,
                "{origin}: {option} is an sbatch option that Corral does not support yet: ignored"
            ),
        }
    }
}
