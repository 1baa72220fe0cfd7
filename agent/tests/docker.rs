//! The docker runtime against the local Docker engine: a job with a container image runs in it
//! (an image built here from the host's `sh` and `sleep`, `FROM scratch`) and its exit code and
//! output come back; a job whose image is not on the node fails and says so; a job over its
//! memory ends OUT_OF_MEMORY; a cancelled container job ends CANCELLED, and one whose supervisor
//! dies is lost, both with their container removed. Without a reachable engine each test says so
//! in the output and passes.

mod common;

use common::{eventually, gpu_job, AgentSetup, ScratchDir, TestCluster};
use corral_agent::runtime::docker::{connect, is_not_found, socket_path, DockerError};
use corral_model::spec::MemRequest;
use corral_model::{JobSpec, Outcome};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const IMAGE: &str = "corral-test-sh:latest";
/// A file only the test image has, at its root.
const MARKER: &str = "corral-test-image";

/// Whether the engine can run the tests; says plainly why not when it cannot.
async fn engine_ready() -> bool {
    let reachable = match connect().await {
        Ok(docker) => docker.ping().await.map(|_| ()).map_err(|e| e.to_string()),
        Err(DockerError::Unreachable { reason, .. }) => Err(reason),
        Err(e) => Err(e.to_string()),
    };
    if let Err(reason) = reachable {
        say(&format!(
            "docker runtime test skipped: no Docker engine reachable at {} ({reason})",
            socket_path()
        ));
        return false;
    }
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    match BUILT.get_or_init(build_image) {
        Ok(()) => true,
        Err(reason) => panic!("cannot build the test image {IMAGE}: {reason}"),
    }
}

/// Writes past the test harness's capture, so the line shows in `cargo test`'s output.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Builds `IMAGE` from scratch with the `docker` CLI: `/bin/sh` and `/bin/sleep` from the host,
/// with the shared libraries they load, at the same paths.
fn build_image() -> Result<(), String> {
    let scratch = ScratchDir::new("docker-image");
    let context = scratch.path();
    let sleep = ["/bin/sleep", "/usr/bin/sleep"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .ok_or("no sleep binary on this host")?;
    let binaries = [(PathBuf::from("/bin/sh"), "bin/sh"), (sleep, "bin/sleep")];
    for (host, inside) in &binaries {
        copy_into(context, host, Path::new(inside))?;
    }
    for library in shared_libraries(binaries.iter().map(|(host, _)| host.as_path()))? {
        let inside = library.strip_prefix("/").unwrap_or(&library).to_path_buf();
        copy_into(context, &library, &inside)?;
    }
    std::fs::write(context.join(MARKER), "").map_err(|e| e.to_string())?;
    std::fs::write(context.join("Dockerfile"), "FROM scratch\nCOPY . /\n")
        .map_err(|e| e.to_string())?;
    let built = Command::new("docker")
        .args(["build", "-q", "-t", IMAGE])
        .arg(context)
        .output()
        .map_err(|e| format!("docker CLI: {e}"))?;
    if !built.status.success() {
        return Err(String::from_utf8_lossy(&built.stderr).into_owned());
    }
    Ok(())
}

fn copy_into(context: &Path, host: &Path, inside: &Path) -> Result<(), String> {
    let target = context.join(inside);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::copy(host, &target)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", host.display()))
}

/// The libraries `ldd` lists for `binaries` (none for a static binary).
fn shared_libraries<'a>(binaries: impl Iterator<Item = &'a Path>) -> Result<Vec<PathBuf>, String> {
    let mut libraries = Vec::new();
    for binary in binaries {
        let listed = Command::new("ldd")
            .arg(binary)
            .output()
            .map_err(|e| format!("ldd: {e}"))?;
        for line in String::from_utf8_lossy(&listed.stdout).lines() {
            let path = line.split_whitespace().find(|word| word.starts_with('/'));
            if let Some(path) = path.map(PathBuf::from) {
                if !libraries.contains(&path) {
                    libraries.push(path);
                }
            }
        }
    }
    Ok(libraries)
}

/// The container of job `id`'s first run on agent `box-1`, as its run directory records it.
fn container_name(cluster: &TestCluster, id: u64) -> String {
    let file = cluster
        .dir
        .path()
        .join(format!("agent-box-1/jobs/{id}.0/container"));
    std::fs::read_to_string(file).expect("the run's container name")
}

async fn assert_removed(name: &str) {
    let docker = connect().await.expect("engine");
    eventually("the container to be removed", || async {
        match docker.inspect_container(name, None).await {
            Err(e) if is_not_found(&e) => Some(()),
            _ => None,
        }
    })
    .await;
}

fn container_job(name: &str, image: &str) -> JobSpec {
    let mut spec = gpu_job(name, 0, 60);
    spec.extras_mut().container_image = Some(image.to_string());
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_job_runs_in_its_image_and_its_exit_code_is_reported() {
    if !engine_ready().await {
        return;
    }
    let mut cluster = TestCluster::start("docker-exit").await;
    cluster.start_agent(AgentSetup::new("box-1", "1xL4-24GB"));
    let script = format!(
        "#!/bin/sh\nif [ -e /{MARKER} ]; then echo \"in container $SLURM_JOB_ID\"; fi\n\
         echo to-stderr >&2\nexit 4\n"
    );
    let id = cluster.submit(container_job("boxed", IMAGE), &script).await;
    let job = cluster.wait_for_state(id, "FAILED").await;
    let exit = job.exit.expect("exit recorded");
    assert_eq!(
        (exit.outcome, exit.exit_code, exit.signal),
        (Outcome::Failure, Some(4), None)
    );
    let output = cluster.read(&format!("slurm-{id}.out"));
    assert!(
        output.contains(&format!("in container {id}\n")) && output.contains("to-stderr\n"),
        "{output:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_image_is_not_on_the_node_fails_and_says_so() {
    if !engine_ready().await {
        return;
    }
    let mut cluster = TestCluster::start("docker-missing").await;
    cluster.start_agent(AgentSetup::new("box-1", "1xL4-24GB"));
    let spec = container_job("missing", "corral-missing:none");
    let id = cluster.submit(spec, "#!/bin/sh\nexit 0\n").await;
    let job = cluster.wait_for_state(id, "FAILED").await;
    assert_eq!(job.exit.expect("exit").exit_code, None);
    let output = cluster.read(&format!("slurm-{id}.out"));
    assert!(
        output.contains("image corral-missing:none is not on this node"),
        "{output:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_container_job_ends_cancelled_and_its_container_is_removed() {
    if !engine_ready().await {
        return;
    }
    let mut cluster = TestCluster::start("docker-cancel").await;
    cluster.start_agent(AgentSetup::new("box-1", "1xL4-24GB"));
    let script = "#!/bin/sh\necho started\nwhile :; do sleep 1; done\n";
    let id = cluster
        .submit(container_job("forever", IMAGE), script)
        .await;
    let out = format!("slurm-{id}.out");
    eventually("the job to start in its container", || async {
        cluster.read(&out).contains("started").then_some(())
    })
    .await;
    let name = container_name(&cluster, id);
    cluster.cancel(id).await;
    let job = cluster.wait_for_state(id, "CANCELLED").await;
    assert_eq!(job.exit.expect("exit").outcome, Outcome::Killed);
    assert_removed(&name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_job_over_its_memory_ends_out_of_memory() {
    if !engine_ready().await {
        return;
    }
    let mut cluster = TestCluster::start("docker-oom").await;
    cluster.start_agent(AgentSetup::new("box-1", "1xL4-24GB"));
    let mut spec = container_job("hog", IMAGE);
    spec.mem = Some(MemRequest::Node(32));
    // The shell doubles a string until it holds more than 32 MiB.
    let script = "#!/bin/sh\nx=a\nwhile :; do x=\"$x$x\"; done\n";
    let id = cluster.submit(spec, script).await;
    let job = cluster.wait_for_state(id, "OUT_OF_MEMORY").await;
    assert_eq!(job.exit.expect("exit").outcome, Outcome::OutOfMemory);
    assert!(cluster
        .read(&format!("slurm-{id}.out"))
        .contains("more than its 32 MiB"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_job_whose_supervisor_dies_is_lost_and_its_container_removed() {
    if !engine_ready().await {
        return;
    }
    let mut cluster = TestCluster::start("docker-lost").await;
    cluster.start_agent(AgentSetup::new("box-1", "1xL4-24GB"));
    let script = "#!/bin/sh\necho started\nwhile :; do sleep 1; done\n";
    let spec = JobSpec {
        // Lost, it would be requeued.
        requeue: Some(false),
        ..container_job("orphan", IMAGE)
    };
    let id = cluster.submit(spec, script).await;
    let out = format!("slurm-{id}.out");
    eventually("the job to start in its container", || async {
        cluster.read(&out).contains("started").then_some(())
    })
    .await;
    let name = container_name(&cluster, id);
    let run = cluster.dir.path().join(format!("agent-box-1/jobs/{id}.0"));
    let pid: i32 = std::fs::read_to_string(run.join("supervisor.pid"))
        .expect("supervisor pid")
        .trim()
        .parse()
        .expect("a pid");
    // SAFETY: kill(2) on the supervisor this test's agent started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    cluster.wait_for_state(id, "NODE_FAIL").await;
    assert_removed(&name).await;
}
