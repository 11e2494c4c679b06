//! Code properties checked as ordinary tests: what must be absent stays absent.

use std::{
    fs,
    path::{Path, PathBuf},
};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

#[test]
fn every_file_says_what_it_owns() {
    let missing: Vec<PathBuf> = rust_files(&workspace().join("crates"))
        .into_iter()
        .filter(|f| !read(f).starts_with("//!"))
        .collect();
    assert!(missing.is_empty(), "files without a `//!` opening line: {missing:?}");
}

#[test]
fn nothing_is_left_behind() {
    let fixme = ["FIX", "ME"].concat();
    let dbg = ["dbg", "!("].concat();
    for file in rust_files(&workspace().join("crates")) {
        let text = read(&file);
        assert!(
            !text.contains(&fixme),
            "{} holds a {fixme}: fix it or file an issue (TODO(#n))",
            file.display()
        );
        assert!(!text.contains(&dbg), "{} holds a {dbg}", file.display());
    }
}

/// The domain is pure: no I/O, async, serde, SQL or HTTP in its dependency tree.
#[test]
fn the_domain_depends_on_nothing_with_io() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-p", "partner-domain", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8(out.stdout).unwrap();
    for forbidden in
        ["sqlx", "axum", "tokio", "hyper", "serde_json", "partner-store", "partner-engine"]
    {
        assert!(
            !tree.lines().any(|l| l.split_whitespace().next() == Some(forbidden)),
            "partner-domain reaches {forbidden}:\n{tree}"
        );
    }
}

/// Money never becomes a float in the rules.
#[test]
fn the_domain_has_no_floats() {
    for file in rust_files(&workspace().join("crates/partner-domain/src")) {
        let text = read(&file);
        for float in ["f32", "f64"] {
            assert!(!text.contains(float), "{} mentions {float}", file.display());
        }
    }
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| {
        let mut names: Vec<String> =
            fs::read_dir(workspace().join("crates/partner-store/migrations").join(backend))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
    for name in names("sqlite") {
        let text = read(&workspace().join("crates/partner-store/migrations/sqlite").join(&name));
        let text: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
        let upper = text.join("\n").to_uppercase();
        let words: Vec<&str> =
            upper.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').collect();
        for numeric in ["NUMERIC", "DECIMAL", "REAL", "FLOAT", "DOUBLE"] {
            assert!(!words.contains(&numeric), "{name} uses {numeric}: SQLite would store floats");
        }
    }
}

/// Balances change only by a transfer: one statement in the store writes `balance_micros`,
/// and it is `post_transfers`'.
#[test]
fn only_transfers_write_balances() {
    let balance_write = ["SET balance", "_micros"].concat();
    let sql = read(&workspace().join("crates/partner-store/src/funds.rs"));
    let writes: Vec<&str> = sql.lines().filter(|l| l.contains(&balance_write)).collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    let post = sql.find("async fn post_transfers(").unwrap();
    let write = sql.find(&balance_write).unwrap();
    let next_fn = sql[post + 1..].find("async fn ").map(|i| i + post + 1).unwrap_or(sql.len());
    assert!((post..next_fn).contains(&write), "balances are written outside post_transfers");
    for file in rust_files(&workspace().join("crates")) {
        if !file.ends_with("partner-store/src/funds.rs") {
            assert!(!read(&file).contains(&balance_write), "{} writes balances", file.display());
        }
    }
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every SDK operation we route has an engine function of the same name and a test through the
/// official SDK.
#[test]
fn every_routed_operation_has_an_engine_function_and_an_sdk_test() {
    let engine: String = rust_files(&workspace().join("crates/partner-engine/src"))
        .iter()
        .map(|f| read(f))
        .collect();
    let sdk_tests: String = fs::read_dir(workspace().join("tests/sdk"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .map(|p| read(&p))
        .collect();
    for op in partner_http::routes::operation_table() {
        let is_sdk_operation = op.path.starts_with("/v2/")
            || op.path.starts_with("/v3/")
            || op.path.starts_with("/v4/");
        if !is_sdk_operation || op.name == "KeystoneListAuthDomains" {
            continue;
        }
        let function = snake_case(&op.name);
        assert!(
            engine.contains(&format!("pub async fn {function}(")),
            "no engine function {function}"
        );
        assert!(sdk_tests.contains(&function), "no SDK test calls {function}");
    }
}

/// Handlers are straight-line code: the wire request converts itself (`<domain>/wire.rs`), the
/// engine decides. A handler of more than a few lines, or one that branches, has a rule in it.
#[test]
fn handlers_are_short_and_straight() {
    const MAX_LINES: usize = 15;
    let http = workspace().join("crates/partner-http/src");
    for file in rust_files(&http).into_iter().filter(|f| f.ends_with("mod.rs")) {
        let text = read(&file);
        let mut lines = text.lines().enumerate().peekable();
        while let Some((_, line)) = lines.next() {
            if !line.starts_with("#[utoipa::path(") {
                continue;
            }
            let (start, _) = lines.find(|(_, l)| l.starts_with("pub(crate) async fn ")).unwrap();
            let (end, _) = lines.find(|(_, l)| *l == "}").unwrap();
            let handler: Vec<&str> = text.lines().skip(start).take(end - start + 1).collect();
            let name = handler.first().unwrap_or(&"");
            assert!(
                handler.len() <= MAX_LINES,
                "{}: `{name}` is {} lines long (at most {MAX_LINES})",
                file.display(),
                handler.len()
            );
            for branch in ["if ", "match ", "for ", "while "] {
                assert!(
                    !handler
                        .iter()
                        .any(|l| l.trim_start().starts_with(branch)
                            || l.contains(&format!(" {branch}"))),
                    "{}: `{name}` branches ({branch:?}): move the rule to the engine or the \
                     conversion to wire.rs",
                    file.display()
                );
            }
        }
    }
}

/// Dependencies point one way, each crate reaching only the layers below it:
/// `partner-domain ← partner-store ← partner-engine ← partner-http ← partner-center`. The wire
/// never touches the store: it goes through the engine, as the console will.
#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let layers: [(&str, &[&str]); 5] = [
        ("partner-domain", &[]),
        ("partner-store", &["partner-domain"]),
        ("partner-engine", &["partner-domain", "partner-store"]),
        ("partner-http", &["partner-domain", "partner-engine"]),
        ("partner-center", &["partner-domain", "partner-store", "partner-engine", "partner-http"]),
    ];
    for (krate, allowed) in layers {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["tree", "-p", krate, "-e", "normal", "--depth", "1", "--prefix", "none"])
            .arg("--offline")
            .current_dir(workspace())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let tree = String::from_utf8(out.stdout).unwrap();
        let ours: Vec<&str> = tree
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .filter(|name| name.starts_with("partner-"))
            .collect();
        for dependency in ours {
            assert!(allowed.contains(&dependency), "{krate} depends on {dependency}");
        }
    }
}
