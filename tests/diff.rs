//! Snapshots of the API change report (`generator::diff`) over the spec pairs of
//! `tests/specs/diff/*/{before,after}.yaml`. Review changes with `cargo insta review`.

use generator::diff::{diff, Version};
use gladia_tests::{gladia_output, root};

fn api(case: &str, side: &str) -> generator::ir::Api {
    let path = root().join("tests/specs/diff").join(case).join(side);
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    generator::generate(&spec)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .api
}

fn report(before: &generator::ir::Api, after: &generator::ir::Api) -> String {
    let version: Version = "0.1.0".parse().unwrap();
    diff(before, after).to_markdown(version)
}

#[test]
fn each_spec_pair_gives_its_report() {
    let mut cases: Vec<String> = std::fs::read_dir(root().join("tests/specs/diff"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert_eq!(
        cases,
        ["compatible", "rules", "unchanged", "unions"],
        "a diff case came or went"
    );
    for case in cases {
        let text = report(&api(&case, "before.yaml"), &api(&case, "after.yaml"));
        insta::assert_snapshot!(case, text);
    }
}

/// What one direction adds, the other removes: additions are compatible, removals break.
#[test]
fn undoing_additions_breaks() {
    let before = api("compatible", "before.yaml");
    let after = api("compatible", "after.yaml");
    let forward = diff(&before, &after);
    let backward = diff(&after, &before);
    assert!(!forward.is_breaking());
    assert!(backward.is_breaking());
    insta::assert_snapshot!("compatible_undone", report(&after, &before));
}

/// Gladia's own API against itself: no change, so nothing in the report depends on the order of
/// a hash map or on the run.
#[test]
fn gladias_api_against_itself_has_no_change() {
    let api = gladia_output().unwrap().api;
    assert_eq!(diff(&api, &api).changes, []);
}
