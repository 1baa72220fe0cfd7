//! Files `--out DIR` writes: the report JSON, the per-job CSV, and each chart as SVG and PNG.

use anyhow::Context;
use corral_simulations::metrics::write_jobs_csv;
use corral_simulations::plot::{figure, figure_png, figure_svg, report_charts, Chart};
use corral_simulations::Report;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes report.json, jobs.csv and the three charts into `dir` (created if missing).
pub fn write_run(dir: &Path, report: &Report) -> anyhow::Result<Vec<PathBuf>> {
    create(dir)?;
    let mut written = vec![write_file(dir, "report.json", report.to_json().as_bytes())?];
    let csv_path = dir.join("jobs.csv");
    let file = std::fs::File::create(&csv_path)
        .with_context(|| format!("{}: cannot create", csv_path.display()))?;
    let mut csv = BufWriter::new(file);
    write_jobs_csv(&mut csv, &report.job_records)
        .and_then(|()| csv.flush())
        .with_context(|| format!("{}: cannot write", csv_path.display()))?;
    written.push(csv_path);
    for (stem, chart) in report_charts(report) {
        written.extend(write_charts(dir, stem, std::slice::from_ref(&chart))?);
    }
    Ok(written)
}

/// `stem.svg` and `stem.png` of the charts stacked in one figure.
pub fn write_charts(dir: &Path, stem: &str, charts: &[Chart]) -> anyhow::Result<Vec<PathBuf>> {
    let figure = figure(charts);
    let png = figure_png(&figure).with_context(|| format!("{stem}.png"))?;
    Ok(vec![
        write_file(dir, &format!("{stem}.svg"), figure_svg(&figure).as_bytes())?,
        write_file(dir, &format!("{stem}.png"), &png)?,
    ])
}

pub fn create(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the output directory", dir.display()))
}

pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}
