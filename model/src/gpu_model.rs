//! GPU model names: users write `a100` or `nvidia_rtx_a4000`, NVML says `NVIDIA A100-SXM4-80GB`
//! or `NVIDIA RTX A4000`. Both sides are reduced to lowercase letters and digits, and a request
//! matches a GPU when the GPU's reduced name contains the request's.

/// `a100` matches `NVIDIA A100-SXM4-80GB`; `nvidia_rtx_a4000` matches `NVIDIA RTX A4000`.
pub fn gpu_model_matches(asked: &str, actual: &str) -> bool {
    let asked = reduce(asked);
    !asked.is_empty() && reduce(actual).contains(&asked)
}

fn reduce(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::gpu_model_matches;

    #[test]
    fn short_and_typed_names_match_nvml_names() {
        assert!(gpu_model_matches("a100", "NVIDIA A100-SXM4-80GB"));
        assert!(gpu_model_matches("nvidia_rtx_a4000", "NVIDIA RTX A4000"));
        assert!(gpu_model_matches("H100", "h100-80gb"));
        assert!(!gpu_model_matches("a100", "NVIDIA H100 80GB HBM3"));
        assert!(!gpu_model_matches("", "NVIDIA H100"));
    }
}
