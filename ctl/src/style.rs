//! Colour for text output, only when stdout is a terminal and `NO_COLOR` is unset (and `TERM` is
//! not `dumb`): piped or redirected output, and every `--json`, stays plain.

use std::io::IsTerminal;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    Red,
    Green,
    Yellow,
}

/// Whether stdout gets colour.
pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        std::io::stdout().is_terminal() && !no_colour && !dumb
    })
}

/// `text` in `colour` when stdout gets colour, else `text` unchanged.
pub fn paint(text: &str, colour: Colour) -> String {
    if enabled() {
        wrap(text, colour)
    } else {
        text.to_string()
    }
}

fn wrap(text: &str, colour: Colour) -> String {
    let code = match colour {
        Colour::Red => "31",
        Colour::Green => "32",
        Colour::Yellow => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_wrap_the_text() {
        assert_eq!(wrap("x", Colour::Red), "\x1b[31mx\x1b[0m");
    }
}
