//! Properties every trace reader keeps: no input makes it panic, and every line is accounted
//! for (header, comment, blank, loaded or bad with a reason).

use corral_simulations::trace::{native, swf, Trace};
use proptest::prelude::*;

fn accounted(trace: &Trace) -> bool {
    let r = &trace.report;
    r.lines
        == r.header_lines + r.comment_lines + r.blank_lines + r.loaded as u64 + r.bad.len() as u64
}

fn swf_line() -> impl Strategy<Value = String> {
    let job =
        (1i64..50, -1i64..1000, -1i64..500, -1i64..64).prop_map(|(id, submit, run, procs)| {
            format!("{id} {submit} -1 {run} {procs} -1 -1 {procs} -1 -1 1 3 4 -1 1 -1 -1 -1")
        });
    prop_oneof![
        4 => job,
        1 => Just("; MaxNodes: 64".to_string()),
        1 => Just(String::new()),
        1 => "[ -~]{0,40}",
    ]
}

fn native_line() -> impl Strategy<Value = String> {
    let job = (0u64..1000, 0u64..1000, 0u32..9, 0u32..3).prop_map(|(submit, run, gpus, nodes)| {
        let nodes = if nodes == 0 {
            String::new()
        } else {
            nodes.to_string()
        };
        format!("{submit},{run},{gpus},{nodes}")
    });
    prop_oneof![
        4 => job,
        1 => Just("# comment".to_string()),
        1 => Just(String::new()),
        1 => "[ -~]{0,40}",
    ]
}

proptest! {
    #[test]
    fn swf_accounts_for_every_line(lines in prop::collection::vec(swf_line(), 0..40)) {
        let text = lines.join("\n");
        let trace = swf::read_swf(text.as_bytes(), "prop").unwrap();
        prop_assert!(accounted(&trace));
        prop_assert!(trace.report.bad.windows(2).all(|pair| pair[0].line <= pair[1].line));
        let in_arrival_order = trace
            .jobs
            .windows(2)
            .all(|pair| (pair[0].submit_secs, pair[0].id) < (pair[1].submit_secs, pair[1].id));
        prop_assert!(in_arrival_order);
    }

    #[test]
    fn native_accounts_for_every_line(lines in prop::collection::vec(native_line(), 0..40)) {
        let text = format!("submit_secs,run_secs,gpus,nodes\n{}", lines.join("\n"));
        let trace = native::read_native(text.as_bytes(), "prop").unwrap();
        prop_assert!(accounted(&trace));
        prop_assert!(trace.jobs.iter().all(|job| job.gpus >= 1));
    }
}
