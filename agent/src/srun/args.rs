//! `srun`'s command line: the options that shape a step (`-N`, `-n`, `--ntasks-per-node`,
//! `--gpus-per-task`), a few accepted and ignored for compatibility, then the command.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepArgs {
    pub nodes: Option<u32>,
    pub ntasks: Option<u32>,
    pub ntasks_per_node: Option<u32>,
    pub gpus_per_task: Option<u32>,
    pub argv: Vec<String>,
}

const ACCEPTED: &str = "-N/--nodes N, -n/--ntasks N, --ntasks-per-node N, --gpus-per-task N; \
     accepted and ignored: --mpi, --cpu-bind, --kill-on-bad-exit, -u/--unbuffered, -l/--label";

/// Options that take a value and do not change what Corral runs.
const IGNORED_WITH_VALUE: [&str; 3] = ["--mpi", "--cpu-bind", "--kill-on-bad-exit"];
const IGNORED_FLAGS: [&str; 4] = ["-u", "--unbuffered", "-l", "--label"];

pub fn parse(args: &[String]) -> Result<StepArgs, String> {
    let mut parsed = StepArgs::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            i += 1;
            break;
        }
        if !arg.starts_with('-') {
            break;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if IGNORED_FLAGS.contains(&name) {
            i += 1;
            continue;
        }
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{name}: missing its value"))
        };
        match name {
            "-N" | "--nodes" => parsed.nodes = Some(positive(name, &value()?)?),
            "-n" | "--ntasks" => parsed.ntasks = Some(positive(name, &value()?)?),
            "--ntasks-per-node" => parsed.ntasks_per_node = Some(positive(name, &value()?)?),
            "--gpus-per-task" => parsed.gpus_per_task = Some(positive(name, &value()?)?),
            _ if IGNORED_WITH_VALUE.contains(&name) => {
                value()?;
            }
            _ => {
                return Err(format!(
                    "{arg}: not an option srun takes here (accepted: {ACCEPTED})"
                ))
            }
        }
        i += 1;
    }
    parsed.argv = args[i.min(args.len())..].to_vec();
    if parsed.argv.is_empty() {
        return Err(format!(
            "no command given (usage: srun [options] COMMAND [ARGS...]; options: {ACCEPTED})"
        ));
    }
    Ok(parsed)
}

fn positive(name: &str, value: &str) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{name} {value}: not a positive whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn options_then_the_command_with_its_own_options() {
        let args = parse(&strings(&[
            "-N",
            "2",
            "--ntasks-per-node=4",
            "-l",
            "python",
            "train.py",
            "-n",
            "3",
        ]))
        .unwrap();
        assert_eq!(args.nodes, Some(2));
        assert_eq!(args.ntasks_per_node, Some(4));
        assert_eq!(args.ntasks, None);
        assert_eq!(args.argv, strings(&["python", "train.py", "-n", "3"]));
    }

    #[test]
    fn double_dash_ends_the_options() {
        let args = parse(&strings(&["--gpus-per-task", "1", "--", "-weird"])).unwrap();
        assert_eq!(args.gpus_per_task, Some(1));
        assert_eq!(args.argv, strings(&["-weird"]));
    }

    #[test]
    fn bad_input_says_what_is_accepted() {
        assert!(parse(&strings(&["-n", "0", "x"]))
            .unwrap_err()
            .contains("positive"));
        assert!(parse(&strings(&["--exclusive", "x"]))
            .unwrap_err()
            .contains("accepted:"));
        assert!(parse(&strings(&["-n"]))
            .unwrap_err()
            .contains("missing its value"));
        assert!(parse(&strings(&["-n", "2"]))
            .unwrap_err()
            .contains("no command"));
    }
}
