//! The options of a `JobSpec` that most jobs leave unset, kept in one box that is absent when
//! all of them are: about 350 bytes a job less in the scheduler's memory, which holds a spec
//! for every job it knows.

use super::{BeginTime, Export, GpuCount, GresCount};
use std::fmt;

/// The rarely set options of a job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecExtras {
    pub gpus_per_task: Option<GpuCount>,
    /// Generic resources other than GPUs named in `--gres` (`shard:1`), per node, in given order.
    pub other_gres: Vec<GresCount>,
    /// `-o/--output` pattern, with `%j %A %a %x %u %N %%` unexpanded.
    pub output: Option<String>,
    /// `-e/--error` pattern.
    pub error: Option<String>,
    /// `--begin`: the job may not start before this.
    pub begin: Option<BeginTime>,
    /// `-D/--chdir`.
    pub chdir: Option<String>,
    /// `--export`.
    pub export: Export,
    pub comment: Option<String>,
    /// `--container-image`: run the tasks in this (local) image.
    pub container_image: Option<String>,
    /// `--mail-type`, as given (`BEGIN`, `END`, `FAIL`, `ALL`, …).
    pub mail_type: Vec<String>,
    pub mail_user: Option<String>,
    pub reservation: Option<String>,
    /// `-w/--nodelist`: nodes the job must run on.
    pub nodelist: Vec<String>,
    /// `-x/--exclude`: nodes the job must not run on.
    pub exclude: Vec<String>,
}

impl SpecExtras {
    /// Every option unset.
    pub const UNSET: SpecExtras = SpecExtras {
        gpus_per_task: None,
        other_gres: Vec::new(),
        output: None,
        error: None,
        begin: None,
        chdir: None,
        export: Export::All,
        comment: None,
        container_image: None,
        mail_type: Vec::new(),
        mail_user: None,
        reservation: None,
        nodelist: Vec::new(),
        exclude: Vec::new(),
    };
}

static UNSET: SpecExtras = SpecExtras::UNSET;

/// A `SpecExtras`, boxed when any option is set. Two are equal when their options are, boxed or
/// not.
#[derive(Clone, Default)]
pub struct Extras(Option<Box<SpecExtras>>);

impl Extras {
    pub fn get(&self) -> &SpecExtras {
        self.0.as_deref().unwrap_or(&UNSET)
    }

    /// For writing: boxes the options first if none was set.
    pub fn get_mut(&mut self) -> &mut SpecExtras {
        self.0.get_or_insert_with(|| Box::new(SpecExtras::UNSET))
    }

    /// Whether the options live in a box of their own (any was set, or `get_mut` was called).
    pub fn is_boxed(&self) -> bool {
        self.0.is_some()
    }
}

impl From<SpecExtras> for Extras {
    fn from(extras: SpecExtras) -> Extras {
        Extras((extras != SpecExtras::UNSET).then(|| Box::new(extras)))
    }
}

impl PartialEq for Extras {
    fn eq(&self, other: &Extras) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Extras {}

impl fmt::Debug for Extras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_options_take_no_box_and_equal_boxed_unset_ones() {
        let unset = Extras::from(SpecExtras::default());
        assert!(!unset.is_boxed());
        let mut written = Extras::default();
        written.get_mut();
        assert!(written.is_boxed());
        assert_eq!(unset, written);
        written.get_mut().comment = Some("x".into());
        assert_ne!(unset, written);
        assert_eq!(written.get().comment.as_deref(), Some("x"));
    }
}
