//! Code properties of the store, checked as tests: every method of every `*Rows` trait is
//! called by a contract test, so a new `Tx` method without one fails the suite.

use std::{fs, path::Path};

/// The methods of every `pub trait …Rows` in `src/lib.rs`, with their trait.
fn rows_methods(lib: &str) -> Vec<(String, String)> {
    let mut methods = Vec::new();
    let mut current: Option<String> = None;
    for line in lib.lines() {
        if let Some(rest) = line.strip_prefix("pub trait ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            current = name.ends_with("Rows").then_some(name);
        } else if line == "}" {
            current = None;
        } else if let (Some(traits), Some(rest)) =
            (&current, line.trim_start().strip_prefix("async fn "))
        {
            let method: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            methods.push((traits.clone(), method));
        }
    }
    methods
}

#[test]
fn every_rows_method_has_a_contract_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let methods = rows_methods(&lib);
    assert!(methods.len() > 30, "found only {methods:?}: has lib.rs changed shape?");
    let mut tests = String::new();
    for entry in fs::read_dir(root.join("tests/it")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The harness and this file name methods without testing them.
        if name.ends_with(".rs") && name != "main.rs" && name != "tidy.rs" {
            tests.push_str(&fs::read_to_string(&path).unwrap());
        }
    }
    let untested: Vec<String> = methods
        .iter()
        .filter(|(_, method)| !tests.contains(&format!(".{method}(")))
        .map(|(traits, method)| format!("{traits}::{method}"))
        .collect();
    assert!(untested.is_empty(), "no contract test in tests/it calls {untested:?}");
}

#[test]
fn rows_methods_are_read_from_the_trait_blocks_only() {
    let lib = "pub trait PartnerRows {\n    async fn partner(&mut self);\n    /// Docs.\n    \
               async fn insert_partner(\n        &mut self,\n    );\n}\n\npub trait Store {\n    \
               async fn write(&self);\n}\n";
    let found = rows_methods(lib);
    let expected = [("PartnerRows", "partner"), ("PartnerRows", "insert_partner")]
        .map(|(t, m)| (t.to_owned(), m.to_owned()));
    assert_eq!(found, expected);
}
