//! The serde form of `JobSpec`: one flat map, its fields in the order below, exactly as it was
//! before the rarely set options moved into `SpecExtras` (Raft snapshots and log entries, and the
//! API's JSON, carry it; see `raft/ENCODING.md`). Written from borrowed fields, read into an
//! owned copy that is then split.

use super::{
    ArraySpec, BeginTime, Constraint, Dependency, Export, GpuCount, GresCount, JobSpec, MemRequest,
    NodeRange, SignalSpec, SpecExtras, TimeLimit,
};
use crate::launch::Launch;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Serialize)]
struct JobSpecRef<'a> {
    name: &'a Option<String>,
    partition: &'a Option<String>,
    qos: &'a Option<String>,
    account: &'a Option<String>,
    nodes: &'a Option<NodeRange>,
    ntasks: &'a Option<u32>,
    ntasks_per_node: &'a Option<u32>,
    cpus_per_task: &'a Option<u32>,
    mem: &'a Option<MemRequest>,
    gpus_per_job: &'a Option<GpuCount>,
    gpus_per_node: &'a Option<GpuCount>,
    gpus_per_task: &'a Option<GpuCount>,
    other_gres: &'a Vec<GresCount>,
    time_limit: &'a TimeLimit,
    array: &'a Option<Box<ArraySpec>>,
    dependency: &'a Option<Box<Dependency>>,
    output: &'a Option<String>,
    error: &'a Option<String>,
    requeue: &'a Option<bool>,
    signal: &'a Option<Box<SignalSpec>>,
    exclusive: bool,
    constraint: &'a Option<Box<Constraint>>,
    nice: i32,
    begin: &'a Option<BeginTime>,
    chdir: &'a Option<String>,
    export: &'a Export,
    comment: &'a Option<String>,
    container_image: &'a Option<String>,
    mail_type: &'a Vec<String>,
    mail_user: &'a Option<String>,
    reservation: &'a Option<String>,
    nodelist: &'a Vec<String>,
    exclude: &'a Vec<String>,
    #[serde(skip_serializing_if = "no_launch")]
    launch: &'a Option<Box<Launch>>,
}

fn no_launch(launch: &&Option<Box<Launch>>) -> bool {
    launch.is_none()
}

#[derive(Deserialize)]
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
    #[serde(default)]
    launch: Option<Box<Launch>>,
}

impl Serialize for JobSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extras = self.extras();
        JobSpecRef {
            name: &self.name,
            partition: &self.partition,
            qos: &self.qos,
            account: &self.account,
            nodes: &self.nodes,
            ntasks: &self.ntasks,
            ntasks_per_node: &self.ntasks_per_node,
            cpus_per_task: &self.cpus_per_task,
            mem: &self.mem,
            gpus_per_job: &self.gpus_per_job,
            gpus_per_node: &self.gpus_per_node,
            gpus_per_task: &extras.gpus_per_task,
            other_gres: &extras.other_gres,
            time_limit: &self.time_limit,
            array: &self.array,
            dependency: &self.dependency,
            output: &extras.output,
            error: &extras.error,
            requeue: &self.requeue,
            signal: &self.signal,
            exclusive: self.exclusive,
            constraint: &self.constraint,
            nice: self.nice,
            begin: &extras.begin,
            chdir: &extras.chdir,
            export: &extras.export,
            comment: &extras.comment,
            container_image: &extras.container_image,
            mail_type: &extras.mail_type,
            mail_user: &extras.mail_user,
            reservation: &extras.reservation,
            nodelist: &extras.nodelist,
            exclude: &extras.exclude,
            launch: &self.launch,
        }
        .serialize(serializer)
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
