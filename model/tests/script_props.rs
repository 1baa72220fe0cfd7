//! Properties of the batch-script parsers: every Slurm time form reads back to the seconds it was
//! written from; array expansion is sorted, unique and complete; and no input, however odd,
//! makes any parser panic.

use corral_model::script::{
    parse_array, parse_begin, parse_constraint, parse_dependency, parse_export, parse_gpu_count,
    parse_gres, parse_hostlist, parse_script, parse_signal, parse_size_mib, parse_time_limit,
};
use corral_model::spec::TimeLimit;
use proptest::prelude::*;

fn expected(secs: u64) -> TimeLimit {
    if secs == 0 {
        TimeLimit::Unlimited
    } else {
        TimeLimit::Secs(secs)
    }
}

/// A number written with or without a leading zero.
fn padded(n: u64, pad: bool) -> String {
    if pad {
        format!("{n:02}")
    } else {
        n.to_string()
    }
}

proptest! {
    #[test]
    fn day_forms_read_back_to_their_seconds(
        d in 0u64..400, h in 0u64..24, m in 0u64..60, s in 0u64..60, pad: bool,
    ) {
        let (hp, mp, sp) = (padded(h, pad), padded(m, pad), padded(s, pad));
        prop_assert_eq!(parse_time_limit(&format!("{d}-{hp}:{mp}:{sp}")), Ok(expected(d * 86_400 + h * 3600 + m * 60 + s)));
        prop_assert_eq!(parse_time_limit(&format!("{d}-{hp}:{mp}")), Ok(expected(d * 86_400 + h * 3600 + m * 60)));
        prop_assert_eq!(parse_time_limit(&format!("{d}-{hp}")), Ok(expected(d * 86_400 + h * 3600)));
    }

    #[test]
    fn clock_forms_read_back_to_their_seconds(h in 0u64..1000, m in 0u64..200, s in 0u64..200) {
        // Slurm is lenient: minutes and seconds may exceed 59.
        prop_assert_eq!(parse_time_limit(&format!("{h}:{m}:{s}")), Ok(expected(h * 3600 + m * 60 + s)));
        prop_assert_eq!(parse_time_limit(&format!("{m}:{s}")), Ok(expected(m * 60 + s)));
        prop_assert_eq!(parse_time_limit(&m.to_string()), Ok(expected(m * 60)));
    }

    #[test]
    fn arrays_expand_sorted_unique_and_complete(
        ranges in prop::collection::vec((0u32..500, 0u32..50, 1u32..7), 1..6),
        throttle in prop::option::of(1u32..20),
    ) {
        let items: Vec<String> = ranges.iter().map(|(a, len, step)| format!("{a}-{}:{step}", a + len)).collect();
        let text = match throttle {
            Some(t) => format!("{}%{t}", items.join(",")),
            None => items.join(","),
        };
        let array = parse_array(&text).expect("valid array");
        let mut want: Vec<u32> = ranges
            .iter()
            .flat_map(|(a, len, step)| (*a..=a + len).step_by(*step as usize))
            .collect();
        want.sort_unstable();
        want.dedup();
        prop_assert_eq!(array.task_ids, want);
        prop_assert_eq!(array.throttle, throttle);
    }

    #[test]
    fn no_value_parser_panics(text in "\\PC{0,40}") {
        let _ = parse_time_limit(&text);
        let _ = parse_size_mib(&text);
        let _ = parse_array(&text);
        let _ = parse_dependency(&text);
        let _ = parse_gres(&text);
        let _ = parse_gpu_count(&text);
        let _ = parse_signal(&text);
        let _ = parse_constraint(&text);
        let _ = parse_begin(&text);
        let _ = parse_export(&text);
        let _ = parse_hostlist(&text);
    }

    #[test]
    fn value_parsers_survive_their_own_alphabet(text in "[-0-9:,%?+_@&|()\\[\\]a-zA-Z=.*]{0,30}") {
        let _ = parse_time_limit(&text);
        let _ = parse_array(&text);
        let _ = parse_dependency(&text);
        let _ = parse_gres(&text);
        let _ = parse_signal(&text);
        let _ = parse_constraint(&text);
        let _ = parse_hostlist(&text);
        let _ = parse_begin(&text);
    }

    #[test]
    fn parse_script_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_script(&bytes, &[]);
    }

    #[test]
    fn parse_script_never_panics_on_odd_directives(
        lines in prop::collection::vec("[-a-zA-Z0-9 =:,%'\"#\\\\]{0,30}", 0..8),
        args in prop::collection::vec("[-a-zA-Z0-9=:]{0,8}", 0..4),
    ) {
        let mut script = String::from("#!/bin/bash\n");
        for line in &lines {
            script.push_str("#SBATCH ");
            script.push_str(line);
            script.push('\n');
        }
        script.push_str("srun true\n");
        let _ = parse_script(script.as_bytes(), &args);
    }
}
