//! The serde form of `JobSpec`: one flat map, its fields in the order below, as it was before the
//! rarely set options moved into `SpecExtras` (Raft snapshots and log entries, and the API's
//! JSON, carry it; see `raft/ENCODING.md`). Binary forms leave out the fields at their defaults
//! (`Fields`). Read into an owned copy that is then split.

use super::{
    ArraySpec, BeginTime, Constraint, Dependency, Export, GpuCount, GresCount, JobSpec, MemRequest,
    NodeRange, SignalSpec, SpecExtras, TimeLimit,
};
use crate::launch::Launch;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every field may be missing (binary forms leave out those at their defaults).
#[derive(Default, Deserialize)]
#[serde(default)]
struct JobSpecOwned {
    name: Option<String>,
    partition: Option<String>,
    qos: Option<String>,
    account: Option<String>,
    nodes: Option<NodeRange>,
    ntasks: Option<u32>,
    ntasks_per_node: Option<u32>,
    cpus_per_task: Option<u32>,
    mem: Option<MemRequest>,
    gpus_per_job: Option<GpuCount>,
    gpus_per_node: Option<GpuCount>,
    gpus_per_task: Option<GpuCount>,
    other_gres: Vec<GresCount>,
    time_limit: TimeLimit,
    array: Option<Box<ArraySpec>>,
    dependency: Option<Box<Dependency>>,
    output: Option<String>,
    error: Option<String>,
    requeue: Option<bool>,
    signal: Option<Box<SignalSpec>>,
    exclusive: bool,
    constraint: Option<Box<Constraint>>,
    nice: i32,
    begin: Option<BeginTime>,
    chdir: Option<String>,
    export: Export,
    comment: Option<String>,
    container_image: Option<String>,
    mail_type: Vec<String>,
    mail_user: Option<String>,
    reservation: Option<String>,
    nodelist: Vec<String>,
    exclude: Vec<String>,
    launch: Option<Box<Launch>>,
}

/// Sees each field of the serde form in order, with whether it is at its default. In a binary
/// form (`!is_human_readable`: CBOR, the Raft log and snapshots) those at their defaults are left
/// out, which makes a typical job's record about a third of its size; a human-readable form (the
/// API's JSON) has every field. `launch` is left out when absent in both.
trait FieldVisitor {
    type Error;
    fn put<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
        at_default: bool,
    ) -> Result<(), Self::Error>;
}

/// Counts the fields that will be written (CBOR writes a map's length before its entries).
struct Count {
    every: bool,
    fields: usize,
}

impl FieldVisitor for Count {
    type Error = std::convert::Infallible;
    fn put<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        _value: &T,
        at_default: bool,
    ) -> Result<(), Self::Error> {
        self.fields += usize::from(self.every || !at_default);
        Ok(())
    }
}

struct Write<S: SerializeStruct> {
    out: S,
    every: bool,
}

impl<S: SerializeStruct> FieldVisitor for Write<S> {
    type Error = S::Error;
    fn put<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
        at_default: bool,
    ) -> Result<(), S::Error> {
        if self.every || !at_default {
            self.out.serialize_field(key, value)
        } else {
            self.out.skip_field(key)
        }
    }
}

impl JobSpec {
    fn visit_fields<V: FieldVisitor>(&self, f: &mut V) -> Result<(), V::Error> {
        let x = self.extras();
        f.put("name", &self.name, self.name.is_none())?;
        f.put("partition", &self.partition, self.partition.is_none())?;
        f.put("qos", &self.qos, self.qos.is_none())?;
        f.put("account", &self.account, self.account.is_none())?;
        f.put("nodes", &self.nodes, self.nodes.is_none())?;
        f.put("ntasks", &self.ntasks, self.ntasks.is_none())?;
        let per_node = &self.ntasks_per_node;
        f.put("ntasks_per_node", per_node, per_node.is_none())?;
        f.put(
            "cpus_per_task",
            &self.cpus_per_task,
            self.cpus_per_task.is_none(),
        )?;
        f.put("mem", &self.mem, self.mem.is_none())?;
        f.put(
            "gpus_per_job",
            &self.gpus_per_job,
            self.gpus_per_job.is_none(),
        )?;
        f.put(
            "gpus_per_node",
            &self.gpus_per_node,
            self.gpus_per_node.is_none(),
        )?;
        f.put("gpus_per_task", &x.gpus_per_task, x.gpus_per_task.is_none())?;
        f.put("other_gres", &x.other_gres, x.other_gres.is_empty())?;
        let unset_time = self.time_limit == TimeLimit::NotSet;
        f.put("time_limit", &self.time_limit, unset_time)?;
        f.put("array", &self.array, self.array.is_none())?;
        f.put("dependency", &self.dependency, self.dependency.is_none())?;
        f.put("output", &x.output, x.output.is_none())?;
        f.put("error", &x.error, x.error.is_none())?;
        f.put("requeue", &self.requeue, self.requeue.is_none())?;
        f.put("signal", &self.signal, self.signal.is_none())?;
        f.put("exclusive", &self.exclusive, !self.exclusive)?;
        f.put("constraint", &self.constraint, self.constraint.is_none())?;
        f.put("nice", &self.nice, self.nice == 0)?;
        f.put("begin", &x.begin, x.begin.is_none())?;
        f.put("chdir", &x.chdir, x.chdir.is_none())?;
        f.put("export", &x.export, x.export == Export::All)?;
        f.put("comment", &x.comment, x.comment.is_none())?;
        let image = &x.container_image;
        f.put("container_image", image, image.is_none())?;
        f.put("mail_type", &x.mail_type, x.mail_type.is_empty())?;
        f.put("mail_user", &x.mail_user, x.mail_user.is_none())?;
        f.put("reservation", &x.reservation, x.reservation.is_none())?;
        f.put("nodelist", &x.nodelist, x.nodelist.is_empty())?;
        f.put("exclude", &x.exclude, x.exclude.is_empty())?;
        // Absent launches are left out in every form.
        if self.launch.is_some() {
            f.put("launch", &self.launch, false)?;
        }
        Ok(())
    }
}

impl Serialize for JobSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let every = serializer.is_human_readable();
        let mut count = Count { every, fields: 0 };
        let Ok(()) = self.visit_fields(&mut count);
        let mut write = Write {
            out: serializer.serialize_struct("JobSpec", count.fields)?,
            every,
        };
        self.visit_fields(&mut write)?;
        write.out.end()
    }
}

impl<'de> Deserialize<'de> for JobSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JobSpec, D::Error> {
        let owned = JobSpecOwned::deserialize(deserializer)?;
        let extras = SpecExtras {
            gpus_per_task: owned.gpus_per_task,
            other_gres: owned.other_gres,
            output: owned.output,
            error: owned.error,
            begin: owned.begin,
            chdir: owned.chdir,
            export: owned.export,
            comment: owned.comment,
            container_image: owned.container_image,
            mail_type: owned.mail_type,
            mail_user: owned.mail_user,
            reservation: owned.reservation,
            nodelist: owned.nodelist,
            exclude: owned.exclude,
        };
        Ok(JobSpec {
            name: owned.name,
            partition: owned.partition,
            qos: owned.qos,
            account: owned.account,
            nodes: owned.nodes,
            ntasks: owned.ntasks,
            ntasks_per_node: owned.ntasks_per_node,
            cpus_per_task: owned.cpus_per_task,
            mem: owned.mem,
            gpus_per_job: owned.gpus_per_job,
            gpus_per_node: owned.gpus_per_node,
            time_limit: owned.time_limit,
            array: owned.array,
            dependency: owned.dependency,
            requeue: owned.requeue,
            signal: owned.signal,
            exclusive: owned.exclusive,
            constraint: owned.constraint,
            nice: owned.nice,
            extras: extras.into(),
            launch: owned.launch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extras_are_written_in_place_and_read_back_into_their_box() {
        let mut spec = JobSpec {
            name: Some("train".into()),
            ..JobSpec::default()
        };
        spec.extras_mut().output = Some("%j.out".into());
        let json = serde_json::to_value(&spec).unwrap();
        assert_eq!(json["output"], "%j.out");
        assert_eq!(json["comment"], serde_json::Value::Null);
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert!(keys.contains(&"exclude") && !keys.contains(&"extras"));
        let back: JobSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, spec);
        assert!(back.extras.is_boxed());
    }

    #[test]
    fn a_spec_without_extras_reads_back_without_a_box() {
        let mut spec = JobSpec::default();
        spec.extras_mut().export = Export::All;
        let back: JobSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        assert!(!back.extras.is_boxed());
    }
}
