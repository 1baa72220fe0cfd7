//! Splits the text of a directive into words the way sbatch does (checked with Slurm 22.05):
//! whitespace separates words; single quotes keep text literally; double quotes keep text with
//! `\"` and `\\` escapes; quoted parts join the text around them (`x"a b"y` is `xa by`); a
//! backslash outside quotes escapes the next character; an unquoted `#` ends the directive, even
//! inside a word (`--comment=a#b` is `--comment=a`).

use super::error::{Origin, ScriptError};

/// The words of `text`, or an error naming an unmatched quote.
pub fn split_words(text: &str, origin: Origin) -> Result<Vec<String>, ScriptError> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => break,
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' | '"' => {
                let part = quoted(&mut chars, c).ok_or_else(|| ScriptError::UnmatchedQuote {
                    origin,
                    quote: c,
                    text: text.trim().to_string(),
                })?;
                word.get_or_insert_with(String::new).push_str(&part);
            }
            '\\' => {
                let escaped = chars.next().unwrap_or('\\');
                word.get_or_insert_with(String::new).push(escaped);
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// Reads up to the closing `quote`; `None` if there is none.
fn quoted(chars: &mut std::str::Chars<'_>, quote: char) -> Option<String> {
    let mut part = String::new();
    loop {
        match chars.next()? {
            c if c == quote => return Some(part),
            '\\' if quote == '"' => match chars.next()? {
                c @ ('"' | '\\') => part.push(c),
                c => {
                    part.push('\\');
                    part.push(c);
                }
            },
            c => part.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        split_words(text, Origin::Line(2)).unwrap()
    }

    #[test]
    fn splits_on_whitespace_and_stops_at_a_comment() {
        assert_eq!(
            words(" -J  \"my job\"\t-t 5 # five minutes"),
            ["-J", "my job", "-t", "5"]
        );
        assert_eq!(words("--comment=a#b"), ["--comment=a"]);
    }

    #[test]
    fn joins_quoted_parts_and_keeps_hashes_inside_quotes() {
        assert_eq!(words("--comment=x\"a b\"y"), ["--comment=xa by"]);
        assert_eq!(words("--comment='a \"#b'"), ["--comment=a \"#b"]);
        assert_eq!(words(r#"-J 'it'\''s'"#), ["-J", "it's"]);
        assert_eq!(words(r#"-J "say \"hi\"""#), ["-J", "say \"hi\""]);
        assert_eq!(words("-J ''"), ["-J", ""]);
    }

    #[test]
    fn an_unmatched_quote_is_an_error() {
        let err = split_words(" --comment=\"open", Origin::Line(4)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 4: unmatched \" quote in `--comment=\"open`"
        );
    }
}
