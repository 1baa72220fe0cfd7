//! Aligned tables that fit in 100 columns: two-column `key  value` tables, column tables with a
//! header row (`queue`, `nodes`), and `Key=Value` lines packed like scontrol's.

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

/// Renders a header row and rows as aligned columns two spaces apart. When the lines would be
/// wider than [`MAX_WIDTH`], the `flexible` columns (by position) are cut with `…`, widest first,
/// down to no less than their header.
pub fn columns(headers: &[&str], rows: &[Vec<String>], flexible: &[usize]) -> String {
    let count = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(count) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let total = |widths: &[usize]| widths.iter().sum::<usize>() + 2 * count.saturating_sub(1);
    while total(&widths) > MAX_WIDTH {
        let widest = flexible
            .iter()
            .copied()
            .filter(|&i| i < count && widths[i] > headers[i].chars().count().max(4))
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let mut out = String::new();
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = (0..count)
            .map(|i| {
                let cell = shorten(row.get(i).map_or("", String::as_str), widths[i]);
                format!("{cell:<width$}", width = widths[i])
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Packs `Key=Value` pairs into lines like `scontrol show`: each group starts a new line,
/// continuation lines are indented three spaces, and no line is wider than [`MAX_WIDTH`] unless
/// one pair alone is.
pub fn key_equals_value(groups: &[Vec<(&str, String)>]) -> String {
    let mut out = String::new();
    let mut first = true;
    for group in groups {
        let mut line = if first { String::new() } else { "   ".into() };
        let mut empty = true;
        for (key, value) in group {
            let pair = format!("{key}={value}");
            let wide = line.chars().count() + 1 + pair.chars().count() > MAX_WIDTH;
            if !empty && wide {
                out.push_str(&line);
                out.push('\n');
                line = "   ".into();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(&pair);
            empty = false;
        }
        if !empty {
            out.push_str(&line);
            out.push('\n');
            first = false;
        }
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

    #[test]
    fn columns_cut_the_flexible_column_to_fit() {
        let rows = vec![
            vec!["1".to_string(), "x".repeat(150), "RUNNING".into()],
            vec!["22".to_string(), "short".into(), "PENDING".into()],
        ];
        let text = columns(&["ID", "NAME", "STATE"], &rows, &[1]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("ID  NAME"));
        assert_eq!(lines[1].chars().count(), MAX_WIDTH);
        assert!(lines[1].ends_with("…  RUNNING"));
        assert!(lines[2].starts_with("22  short "));
    }

    #[test]
    fn key_equals_value_wraps_long_groups() {
        let long = vec![("Name", "y".repeat(60)), ("Other", "z".repeat(60))];
        let text = key_equals_value(&[vec![("JobId", "4".into())], long]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "JobId=4");
        assert!(lines[1].starts_with("   Name=yyy"));
        assert!(lines[2].starts_with("   Other=zzz"));
    }
}
