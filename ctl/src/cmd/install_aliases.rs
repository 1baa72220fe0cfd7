//! `corral install-aliases DIR`: makes `sbatch`, `squeue`, `scancel` and `sinfo` in DIR, each a
//! symbolic link to this `corral` executable (which then behaves as that command). DIR is made if
//! missing. A link already there to a `corral` is replaced; any other file of those names is left
//! alone and nothing is made (exit 1).

use crate::alias::NAMES;
use crate::exit::{finish, Failure};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Make sbatch, squeue, scancel and sinfo links to corral in DIR
#[derive(clap::Args)]
pub struct InstallAliasesArgs {
    /// Where to make the links (made if missing); put it on your PATH
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

#[derive(Debug, PartialEq, Eq)]
enum Step {
    Make,
    Replace,
    Keep,
}

pub fn run(args: InstallAliasesArgs) -> ExitCode {
    finish("install-aliases", install(&args.dir))
}

fn install(dir: &Path) -> Result<(), Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| Failure::refused(format!("cannot find the corral executable: {e}")))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::refused(format!("cannot make {}: {e}", dir.display())))?;
    let plan: Vec<(PathBuf, Step)> = NAMES
        .iter()
        .map(|name| {
            let link = dir.join(name);
            step(&link, &exe).map(|s| (link, s))
        })
        .collect::<Result<_, _>>()?;
    for (link, step) in plan {
        let show = link.display();
        let made = |what: &str| {
            std::os::unix::fs::symlink(&exe, &link)
                .map(|()| println!("{what} {show} -> {}", exe.display()))
                .map_err(|e| Failure::refused(format!("cannot make {show}: {e}")))
        };
        match step {
            Step::Keep => println!("kept {show} -> {}", exe.display()),
            Step::Make => made("made")?,
            Step::Replace => {
                std::fs::remove_file(&link)
                    .map_err(|e| Failure::refused(format!("cannot replace {show}: {e}")))?;
                made("replaced")?
            }
        }
    }
    let full = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    println!(
        "Put {} on your PATH to use them: export PATH=\"{}:$PATH\"",
        full.display(),
        full.display()
    );
    Ok(())
}

/// What to do at `link`: make it, replace a link to another corral, keep a link to this one;
/// refused for anything else there.
fn step(link: &Path, exe: &Path) -> Result<Step, Failure> {
    let meta = match std::fs::symlink_metadata(link) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Step::Make),
        Err(e) => return Err(Failure::refused(format!("{}: {e}", link.display()))),
    };
    if !meta.file_type().is_symlink() {
        return Err(Failure::refused(format!(
            "{} exists and is not a link to corral; it was left alone and no alias was made \
             (remove it, or choose another directory)",
            link.display()
        )));
    }
    let target = std::fs::read_link(link)
        .map_err(|e| Failure::refused(format!("{}: {e}", link.display())))?;
    if target == exe || std::fs::canonicalize(link).is_ok_and(|t| t == exe) {
        return Ok(Step::Keep);
    }
    if target.file_name().is_some_and(|n| n == "corral") {
        return Ok(Step::Replace);
    }
    Err(Failure::refused(format!(
        "{} is a link to {}, not to corral; it was left alone and no alias was made (remove \
         it, or choose another directory)",
        link.display(),
        target.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_to_corral_are_replaced() {
        let dir = std::env::temp_dir().join(format!("corral-alias-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join("corral");
        std::fs::write(&exe, "").unwrap();
        let other_corral = dir.join("old").join("corral");
        let file = dir.join("squeue");
        std::fs::write(&file, "#!/bin/sh\n").unwrap();
        assert_eq!(step(&dir.join("sinfo"), &exe).unwrap(), Step::Make);
        assert_eq!(step(&file, &exe).unwrap_err().code(), 1);
        std::os::unix::fs::symlink(&exe, dir.join("sbatch")).unwrap();
        assert_eq!(step(&dir.join("sbatch"), &exe).unwrap(), Step::Keep);
        std::os::unix::fs::symlink(&other_corral, dir.join("scancel")).unwrap();
        assert_eq!(step(&dir.join("scancel"), &exe).unwrap(), Step::Replace);
        std::os::unix::fs::symlink("/bin/true", dir.join("x")).unwrap();
        assert_eq!(step(&dir.join("x"), &exe).unwrap_err().code(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
