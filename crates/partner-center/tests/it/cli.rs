//! The command line as `specs/command-line.md` promises it.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Command, Stdio},
};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_partner-center"))
}

#[test]
fn help_lists_every_command_and_flag() {
    let out = binary().args(["serve", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--database",
        "--world",
        "--rate-limits",
        "--demo",
        "--tls-cert",
        "--tls-key",
        "--lockout",
        "--replay-protection",
        "127.0.0.1:8080",
        "sqlite://./data/partner-center.db",
    ] {
        assert!(text.contains(flag), "serve --help lacks {flag}:\n{text}");
    }
    let out = binary().arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for command in ["serve", "world"] {
        assert!(text.contains(command), "--help lacks {command}");
    }
}

#[test]
fn an_invalid_world_fails_and_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[[partners]]\nid = \"r\"\nname = \"r\"\nkind = \"reseller\"\n").unwrap();
    let database = format!("sqlite://{}/pc.db", dir.path().display());
    let out = binary()
        .args(["world", "apply"])
        .arg(&file)
        .args(["--database", &database])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("partners[0]") && stderr.contains("parent"), "{stderr}");
    assert!(
        !dir.path().join("pc.db").exists(),
        "an invalid file must not even create the database"
    );
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn serve_announces_its_port_answers_health_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/data/pc.db", dir.path().display());
    let mut child = binary()
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &database, "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let address = loop {
        let line = lines.next().expect("the server exited before listening").unwrap();
        if let Some(url) = line.strip_prefix("listening on http://") {
            break url.to_owned();
        }
        printed.push(line);
    };
    assert!(
        printed.iter().any(|l| l.contains("DEMOACME000000000001")),
        "the demo prints its keys: {printed:?}"
    );
    assert!(!address.ends_with(":0"));
    let health = get(&address, "/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(get(&address, "/openapi.json").contains("ListSubCustomers"));
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success(), "SIGTERM is a graceful, successful stop");
}

/// The demo world's keys are public: a database holding them is not served beyond this machine
/// unless the operator says so. (192.0.2.1 is a documentation address no machine has, so even a
/// missing check could not expose anything: the bind would fail with another message.)
#[test]
fn demo_keys_are_not_served_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/pc.db", dir.path().display());
    let out = binary()
        .args(["serve", "--demo", "--listen", "192.0.2.1:0", "--database", &database])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--allow-public-demo-keys"), "{stderr}");
}
