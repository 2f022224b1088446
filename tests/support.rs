//! Shared by the workspace's top-level tests: where things are.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_owned()
}

/// The YAML files of a folder under `tests/specs`, sorted by name, as `(stem, text)`.
pub fn specs(folder: &str) -> Vec<(String, String)> {
    let dir = root().join("tests/specs").join(folder);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            (stem, text)
        })
        .collect()
}

/// The text of `spec/gladia.yaml`.
pub fn gladia_spec() -> String {
    std::fs::read_to_string(root().join("spec/gladia.yaml")).expect("spec/gladia.yaml is readable")
}
