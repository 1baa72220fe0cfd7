//! Parsing single trace fields (seconds, counts, labels) into numbers, with reasons that name the
//! field, quote the text and say what would be accepted.

/// A duration or timestamp in seconds: a whole number, or a decimal rounded to the nearest second.
pub(crate) fn seconds(field: &str, text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(whole) = text.parse::<u64>() {
        return Ok(whole);
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 && value < u64::MAX as f64 => {
            Ok(value.round() as u64)
        }
        _ => Err(format!(
            "{field} {text:?} is not a number of seconds (accepted: a number >= 0, e.g. 3600 or 66.0)"
        )),
    }
}

/// A count of GPUs (or nodes): a whole number >= 1.
pub(crate) fn positive_count(field: &str, text: &str) -> Result<u32, String> {
    let text = text.trim();
    match text.parse::<u32>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err(format!(
            "{field} {text:?} is not a count (accepted: a whole number from 1 to {})",
            u32::MAX
        )),
    }
}

/// A job id: a whole number >= 0.
pub(crate) fn job_id(field: &str, text: &str) -> Result<u64, String> {
    let text = text.trim();
    text.parse::<u64>()
        .map_err(|_| format!("{field} {text:?} is not a job id (accepted: a whole number >= 0)"))
}

/// A free-text label (user, account, ...): `None` when empty.
pub(crate) fn label(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A SWF field: an integer, or a decimal rounded to the nearest integer (SWF allows fractional
/// times); `-1` means unknown and is returned as is.
pub(crate) fn swf_integer(text: &str) -> Option<i64> {
    if let Some(whole) = short_integer(text).or_else(|| text.parse::<i64>().ok()) {
        return Some(whole);
    }
    let value = text.parse::<f64>().ok()?;
    (value.is_finite() && value.abs() < i64::MAX as f64).then(|| value.round() as i64)
}

/// Fast path for the common case: an optional `-` and 1 to 18 ASCII digits (cannot overflow).
fn short_integer(text: &str) -> Option<i64> {
    const MAX_DIGITS: usize = 18;
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() || digits.len() > MAX_DIGITS {
        return None;
    }
    let mut value = 0i64;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_accept_whole_and_decimal_values_and_reject_the_rest() {
        assert_eq!(seconds("duration", "66"), Ok(66));
        assert_eq!(seconds("duration", "66.0"), Ok(66));
        assert_eq!(seconds("duration", "65.5"), Ok(66));
        assert_eq!(
            seconds("duration", "-3"),
            Err("duration \"-3\" is not a number of seconds (accepted: a number >= 0, e.g. 3600 or 66.0)".to_string())
        );
        assert!(seconds("duration", "NaN").is_err());
        assert!(seconds("duration", "").is_err());
    }

    #[test]
    fn counts_must_be_at_least_one() {
        assert_eq!(positive_count("gpus", "8"), Ok(8));
        assert_eq!(
            positive_count("gpus", "0"),
            Err(
                "gpus \"0\" is not a count (accepted: a whole number from 1 to 4294967295)"
                    .to_string()
            )
        );
        assert!(positive_count("gpus", "1.5").is_err());
    }

    #[test]
    fn swf_integers_round_decimals_and_keep_minus_one() {
        assert_eq!(swf_integer("-1"), Some(-1));
        assert_eq!(swf_integer("12.6"), Some(13));
        assert_eq!(swf_integer("x"), None);
        assert_eq!(swf_integer("inf"), None);
        assert_eq!(swf_integer("-"), None);
        assert_eq!(swf_integer("0"), Some(0));
        assert_eq!(swf_integer("-250"), Some(-250));
        assert_eq!(swf_integer("9223372036854775807"), Some(i64::MAX));
        assert_eq!(swf_integer("+7"), Some(7));
    }

    #[test]
    fn empty_labels_are_none() {
        assert_eq!(label("  "), None);
        assert_eq!(label(" alice "), Some("alice".to_string()));
    }
}
