//! Conversions between v1 messages and model types: round trips, account resolution, and clear
//! errors for bad input.

use corral_model::spec::{GpuCount, NodeRange};
use corral_model::{GpuHealth, GpuSpec, JobSpec, NodeSpec};
use corral_proto::convert::*;
use corral_proto::leader::{leader_hint, not_leader_status};
use corral_proto::v1;
use corral_proto::ConvertError;

fn spec() -> JobSpec {
    JobSpec {
        name: Some("train".to_string()),
        nodes: Some(NodeRange { min: 1, max: 1 }),
        gpus_per_node: Some(GpuCount {
            model: None,
            count: 2,
        }),
        ..JobSpec::default()
    }
}

#[test]
fn a_submit_request_round_trips_into_the_submit_command() {
    let request = submit_request("ana", Some("ml"), Some("req-1"), &spec());
    let submit = submit_from_request(&request).expect("valid request");
    assert_eq!(submit.user, "ana");
    assert_eq!(submit.account, "ml");
    assert_eq!(submit.client_request_id.as_deref(), Some("req-1"));
    assert_eq!(submit.spec, spec());
}

#[test]
fn the_account_falls_back_to_the_spec_then_the_user() {
    let mut with_spec_account = spec();
    with_spec_account.account = Some("vision".to_string());
    let request = submit_request("ana", None, None, &with_spec_account);
    assert_eq!(
        submit_from_request(&request).expect("valid").account,
        "vision"
    );
    let request = submit_request("ana", None, None, &spec());
    let submit = submit_from_request(&request).expect("valid");
    assert_eq!(submit.account, "ana");
    assert_eq!(submit.client_request_id, None);
}

#[test]
fn bad_submits_get_errors_naming_the_field() {
    let mut request = submit_request("ana", None, None, &spec());
    request.spec_json = b"{\"nodes\": 3".to_vec();
    let error = submit_from_request(&request).expect_err("truncated JSON");
    assert!(
        matches!(
            error,
            ConvertError::BadJson {
                field: "spec_json",
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("spec_json: not a valid JobSpec as JSON"),
        "{error}"
    );

    request.spec_json = Vec::new();
    assert_eq!(
        submit_from_request(&request),
        Err(ConvertError::Missing { field: "spec_json" })
    );
    let request = submit_request(" ", None, None, &spec());
    assert_eq!(
        submit_from_request(&request),
        Err(ConvertError::Empty { field: "user" })
    );
}

#[test]
fn a_node_spec_round_trips_through_register() {
    let node = NodeSpec {
        name: "gpu-01".to_string(),
        cpus: 32,
        mem_mib: 256 * 1024,
        gpus: vec![GpuSpec {
            index: 0,
            uuid: "GPU-0".to_string(),
            model: "NVIDIA H100 80GB HBM3".to_string(),
            mem_mib: 81_559,
            nvlink_peers: Vec::new(),
            health: GpuHealth::Healthy,
        }],
        features: Default::default(),
        labels: [("zone".to_string(), "a".to_string())].into(),
        rack: Some("r1".to_string()),
        switch: None,
        addr: None,
    };
    let back = node_spec_from_register(&register_request(&node)).expect("valid");
    assert_eq!(back, node);
    let bad = v1::RegisterRequest {
        node_spec_json: b"[]".to_vec(),
    };
    assert!(node_spec_from_register(&bad).is_err());
}

#[test]
fn a_follower_status_names_the_leader_and_a_client_reads_it() {
    let status = not_leader_status(Some(2), Some("127.0.0.1:7102"));
    let hint = leader_hint(&status).expect("a hint");
    assert_eq!(hint.addr, "127.0.0.1:7102");
    assert_eq!(hint.id, Some(2));
    let unknown = not_leader_status(None, None);
    assert_eq!(unknown.code(), tonic::Code::Unavailable);
    assert_eq!(leader_hint(&unknown), None);
}

#[test]
fn a_job_end_report_round_trips_for_every_outcome() {
    for (name, outcome) in OUTCOME_NAMES {
        let status = corral_model::ExitStatus {
            outcome,
            exit_code: Some(3),
            signal: None,
        };
        let request = job_end_report(corral_model::NodeId(2), corral_model::JobId(9), &status);
        assert_eq!(request.outcome, name);
        let report = job_end_from_report(&request).expect("valid report");
        assert_eq!(report.node, corral_model::NodeId(2));
        assert_eq!(report.job, corral_model::JobId(9));
        assert_eq!(report.status, status);
    }
}

#[test]
fn a_job_end_report_names_a_bad_outcome_and_a_too_large_node_id() {
    let request = v1::ReportJobEndedRequest {
        node_id: 1,
        job_id: 1,
        outcome: "exploded".to_string(),
        exit_code: None,
        signal: None,
    };
    assert_eq!(
        job_end_from_report(&request)
            .expect_err("bad outcome")
            .to_string(),
        "outcome = \"exploded\": not one of the accepted values (accepted: success, failure, \
         out_of_memory, timeout, killed, node_fail)"
    );
    let request = v1::ReportJobEndedRequest {
        node_id: 1 << 40,
        outcome: "success".to_string(),
        ..request
    };
    assert_eq!(
        job_end_from_report(&request).expect_err("bad node id"),
        ConvertError::TooLarge {
            field: "node_id",
            value: 1 << 40,
            max: 4_294_967_295,
        }
    );
}
