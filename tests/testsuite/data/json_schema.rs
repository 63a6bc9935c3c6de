//! `pillar schema`: the JSON Schema of the data file, checked with a real validator (Python's
//! `jsonschema`, through tests/schema/validate.py) against every data file of the repository
//! and against broken ones; and the `#:schema` line `pillar init` writes.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The schema `pillar schema` prints, in a temporary file.
fn schema_file(dir: &Path) -> PathBuf {
    let o = pillar(&["schema"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let path = dir.join("reform.schema.json");
    std::fs::write(&path, &o.stdout).unwrap();
    path
}

/// Runs the validator: its exit code and output.
fn validate(schema: &Path, files: &[PathBuf]) -> (i32, String) {
    let o = std::process::Command::new("python3")
        .arg(repo().join("tests/schema/validate.py"))
        .arg(schema)
        .args(files)
        .output()
        .expect("python3 runs");
    let code = o.status.code().unwrap_or(-1);
    assert_ne!(
        code,
        2,
        "the validator could not run (run tests/setup.sh): {}",
        text(&o.stderr)
    );
    (code, text(&o.stdout))
}

#[test]
fn every_data_file_of_the_repository_is_valid_against_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = schema_file(tmp.path());
    let files: Vec<PathBuf> = [
        "content/reform.toml",
        "examples/river-authority/content/reform.toml",
        "src/init/starter/content/reform.toml",
        "tests/fixtures/serve-site/content/reform.toml",
    ]
    .iter()
    .map(|f| repo().join(f))
    .collect();
    let (code, out) = validate(&schema, &files);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches(": ok").count(), files.len(), "{out}");
}

const GOOD: &str = r#"[reform]
title = "R"
summary = "S"
proposed = 2017-10-13

[[unit]]
id = "a"
name = "A"
era = "before"
kind = "department"
established = "1992"
summary = "A."
"#;

#[test]
fn the_schema_rejects_broken_files_and_accepts_a_good_one() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = schema_file(tmp.path());
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let good = write("good.toml", GOOD);
    assert_eq!(validate(&schema, &[good]).0, 0);
    // pillar refuses each of these too; the schema says why as one types.
    let broken = [
        ("unknown-key.toml", GOOD.replace("kind =", "knd =")),
        ("bad-era.toml", GOOD.replace("\"before\"", "\"during\"")),
        ("bad-date.toml", GOOD.replace("\"1992\"", "\"92\"")),
        (
            "no-reform.toml",
            GOOD.replace("[reform]\ntitle = \"R\"\nsummary = \"S\"\n", ""),
        ),
    ];
    for (name, text) in &broken {
        let file = write(name, text);
        let (code, out) = validate(&schema, std::slice::from_ref(&file));
        assert_eq!(code, 1, "{name} passed the schema: {out}");
        let project = Project::new()
            .file("content/_index.md", "+++\ntitle = \"H\"\n+++\n")
            .file("content/reform.toml", text);
        let o = pillar(&["check", "--root", project.root().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: pillar accepted it");
    }
}

#[test]
fn init_writes_the_schema_its_data_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    assert!(pillar(&["init", root.to_str().unwrap()]).status.success());
    let data = std::fs::read_to_string(root.join("content/reform.toml")).unwrap();
    assert!(
        data.starts_with("#:schema ../reform.schema.json\n"),
        "{data}"
    );
    let written = std::fs::read(root.join("reform.schema.json")).unwrap();
    assert_eq!(written, pillar(&["schema"]).stdout);
    let (code, out) = validate(
        &root.join("reform.schema.json"),
        &[root.join("content/reform.toml")],
    );
    assert_eq!(code, 0, "{out}");
    // The schema file sits outside content/: it is not published.
    let out = tmp.path().join("out");
    build_site(&root, &out, &[]);
    assert!(!files(&out).iter().any(|f| f.ends_with("schema.json")));
}
