//! Loading trace files from disk: format detection, gzip, the committed samples.

use corral_simulations::trace::{detect_format, load_trace, TraceError, TraceFormat};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};

fn committed(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("traces")
        .join(name)
}

fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).expect("scratch file is writable");
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).expect("in-memory write");
    encoder.finish().expect("in-memory finish")
}

#[test]
fn the_committed_lublin_trace_loads_every_job() {
    let trace = load_trace(&committed("lublin_256.swf"), None).unwrap();
    assert_eq!(trace.report.format, TraceFormat::Swf);
    assert_eq!(trace.jobs.len(), 10_000);
    assert!(trace.report.bad.is_empty());
    let first = &trace.jobs[0];
    assert_eq!(
        (first.id, first.submit_secs, first.run_secs, first.gpus),
        (1, 5094, 12072, 16)
    );
}

#[test]
fn a_gzipped_swf_reads_like_the_plain_one() {
    let plain = std::fs::read(committed("lublin_256.swf")).unwrap();
    let gz_path = scratch_file("lublin_copy.swf.gz", &gzip(&plain));
    let from_gz = load_trace(&gz_path, None).unwrap();
    let from_plain = load_trace(&committed("lublin_256.swf"), None).unwrap();
    assert_eq!(from_gz.jobs, from_plain.jobs);
    assert_eq!(from_gz.report.lines, from_plain.report.lines);
}

#[test]
fn the_committed_native_example_loads_and_reports_its_bad_line() {
    let trace = load_trace(&committed("native_example.csv"), None).unwrap();
    assert_eq!(trace.report.format, TraceFormat::Native);
    assert_eq!(trace.jobs.len(), 5);
    assert_eq!(trace.report.comment_lines, 2);
    assert_eq!(trace.report.bad.len(), 1);
    assert_eq!(trace.report.bad[0].line, 9);
    let pretrain = trace.jobs.iter().find(|job| job.id == 3).unwrap();
    assert_eq!((pretrain.nodes, pretrain.gpus_per_node), (Some(4), Some(8)));
    assert_eq!(pretrain.qos.as_deref(), Some("high"));
}

#[test]
fn csv_formats_are_detected_from_their_header_even_when_gzipped() {
    let philly =
        b"timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:01:55,66.0,1,66.0,11cb48\n";
    let path = scratch_file("some_trace.csv.gz", &gzip(philly));
    assert_eq!(detect_format(&path).unwrap(), TraceFormat::Philly);
    let trace = load_trace(&path, None).unwrap();
    assert_eq!(trace.jobs.len(), 1);

    let tiresias =
        b"\njob_id,num_gpu,submit_time,iterations,model_name,duration,interval\n0,1,0,606,vgg19,164,30\n";
    let path = scratch_file("jobs.csv", tiresias);
    assert_eq!(detect_format(&path).unwrap(), TraceFormat::Tiresias);
}

#[test]
fn an_unrecognised_file_and_a_missing_file_are_clear_errors() {
    let path = scratch_file("mystery.csv", b"a,b,c\n1,2,3\n");
    let err = load_trace(&path, None).unwrap_err();
    assert!(matches!(err, TraceError::UnknownFormat { .. }));
    assert!(err.to_string().contains("first line is \"a,b,c\""), "{err}");

    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no_such_trace.swf");
    let err = load_trace(&missing, None).unwrap_err();
    assert!(matches!(err, TraceError::Io { .. }));
    assert!(
        err.to_string().contains("no_such_trace.swf: cannot read"),
        "{err}"
    );
}

#[test]
fn an_explicit_format_overrides_detection() {
    let path = scratch_file(
        "native_named_oddly.txt",
        b"submit_secs,run_secs,gpus\n0,10,1\n",
    );
    let trace = load_trace(&path, Some(TraceFormat::Native)).unwrap();
    assert_eq!(trace.jobs.len(), 1);
}
