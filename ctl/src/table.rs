//! Aligned two-column tables (`key  value`) that fit in 100 columns.

/// The widest a table line may be.
pub const MAX_WIDTH: usize = 100;

/// Renders rows as `key  value` lines, keys padded to the widest, values shortened with `…` to
/// keep each line within [`MAX_WIDTH`] characters.
pub fn key_value(rows: &[(&str, String)]) -> String {
    let key_width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let value_width = MAX_WIDTH.saturating_sub(key_width + 2).max(1);
    let mut out = String::new();
    for (key, value) in rows {
        let value = shorten(value, value_width);
        let line = format!("{key:<key_width$}  {value}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `value`, cut to `width` characters with a trailing `…` when longer. Newlines become spaces.
fn shorten(value: &str, width: usize) -> String {
    let flat: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= width {
        return flat;
    }
    let mut cut: String = flat.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_fits() {
        let long = "x".repeat(200);
        let text = key_value(&[("name", "train".into()), ("dependency", long)]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name        train");
        assert!(lines[1].starts_with("dependency  xxx"));
        assert_eq!(lines[1].chars().count(), MAX_WIDTH);
        assert!(lines[1].ends_with('…'));
    }
}
