//! Reviewed snapshots: the CBC table and the OpenAPI document, and their agreement with the
//! route table.

use expect_test::expect_file;

/// The CBC table as the tables in `error.rs` declare it: every rule of every layer.
#[test]
fn the_cbc_table() {
    let table: String = partner_http::error::cbc_rows()
        .iter()
        .map(|(rule, status, code)| format!("{rule:<52} {} {code}\n", status.as_u16()))
        .collect();
    expect_file!["cbc.txt"].assert_eq(&table);
}

#[test]
fn the_openapi_document() {
    let doc = serde_json::to_string_pretty(&partner_http::openapi::document()).unwrap();
    expect_file!["openapi.json"].assert_eq(&format!("{doc}\n"));
}

/// Every handler declared with `#[utoipa::path]` is routed, and every operation says whose
/// keys may call it: an operation the gateway could not authorize does not exist.
#[test]
fn every_declared_operation_is_routed_with_an_audience() {
    let table = partner_http::routes::operation_table();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Every domain's handlers live in its folder's mod.rs.
    let n_declared: usize = std::fs::read_dir(&src)
        .unwrap()
        .filter_map(|entry| std::fs::read_to_string(entry.unwrap().path().join("mod.rs")).ok())
        .map(|text| text.matches("#[utoipa::path(").count())
        .sum();
    assert_eq!(
        table.len(),
        n_declared,
        "a declared handler is not routed, or lacks an operationId"
    );
    for op in table {
        let audience = op.audience;
        assert!(
            audience.partners || audience.customers || audience.operators,
            "{} names no security scheme",
            op.name
        );
    }
    let doc = serde_json::to_value(partner_http::openapi::document()).unwrap();
    let n_documented: usize =
        doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(n_documented, table.len(), "the document has operations the table lacks");
}

/// The gateway's view of every operation: whose keys may call it and its flow-control quota.
#[test]
fn the_operation_table() {
    let table: String = partner_http::routes::operation_table()
        .iter()
        .map(|op| {
            let a = op.audience;
            let audience =
                [(a.partners, "partner"), (a.customers, "customer"), (a.operators, "operator")]
                    .iter()
                    .filter(|(yes, _)| *yes)
                    .map(|(_, who)| *who)
                    .collect::<Vec<_>>()
                    .join("+");
            let quota = op.per_second.map_or("-".to_owned(), |q| format!("{q}/s"));
            let items = op.permission_items.join("|");
            format!(
                "{:<34} {:<6} {:<26} {quota:<5} {items}\n",
                op.name,
                op.method.as_str(),
                audience
            )
            .trim_end()
            .to_owned()
                + "\n"
        })
        .collect();
    expect_file!["operations.txt"].assert_eq(&table);
}

/// Every route is an operation of the coverage table (`docs/operations.md`) under its exact
/// method, path and name: an SDK operation, IAM's look-up or our operator API. A typo in an
/// `operationId` or a path would route an operation the SDK never calls.
#[test]
fn every_operation_is_in_the_coverage_table() {
    let doc = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/operations.md");
    let text = std::fs::read_to_string(doc).unwrap();
    let rows: Vec<(String, String, String)> = text
        .lines()
        .filter(|l| l.starts_with("| "))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let unquote = |c: &str| c.trim_matches('`').to_owned();
            Some((cells.get(1)?.to_string(), unquote(cells.get(2)?), unquote(cells.get(3)?)))
        })
        .collect();
    for op in partner_http::routes::operation_table() {
        let row = (op.method.as_str().to_owned(), op.path.clone(), op.name.clone());
        assert!(rows.contains(&row), "{row:?} is not in docs/operations.md");
    }
}

/// What is served, written where a reader looks, from the operation table: the status column of
/// `docs/operations.md` and the README's "Operations served today". `UPDATE_EXPECT=1` writes
/// both after an operation is added, like every other snapshot.
#[test]
fn the_coverage_table_and_the_readme_say_what_is_served() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let routed: Vec<(String, String, String)> = partner_http::routes::operation_table()
        .iter()
        .map(|op| (op.method.as_str().to_owned(), op.path.clone(), op.name.clone()))
        .collect();
    let coverage = std::fs::read_to_string(repo.join("docs/operations.md")).unwrap();
    let (head, sdk_table) = coverage.split_once("## The SDK's operations").unwrap();
    let (sdk_table, rest) = sdk_table.split_once("\n## ").unwrap();
    let mut served = Vec::new();
    let rows: Vec<String> = sdk_table
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if !line.starts_with("| ") || cells.len() != 6 || ["method", "---"].contains(&cells[1])
            {
                return line.to_owned();
            }
            let unquote = |c: &str| c.trim_matches('`').to_owned();
            let row = (cells[1].to_owned(), unquote(cells[2]), unquote(cells[3]));
            let status = if routed.contains(&row) { " served " } else { " " };
            if routed.contains(&row) {
                served.push(row.2.clone());
            }
            format!("| {} | {} | {} |{status}|", cells[1], cells[2], cells[3])
        })
        .collect();
    let coverage = format!("{head}## The SDK's operations{}\n\n## {rest}", rows.join("\n"));
    expect_file!["../../../../docs/operations.md"].assert_eq(&coverage);

    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let start = readme.find("Operations served today").unwrap();
    let end = start + readme[start..].find("\n\n").unwrap();
    let names: Vec<String> = served.iter().map(|name| format!("`{name}`")).collect();
    let paragraph = wrap(
        &format!(
            "Operations served today ({} of the SDK's 92): {}. [docs/operations.md](docs/operations.md) \
             has them all, generated from the route table; the issues track the rest. What we \
             reproduce on purpose, and the choices we made where the real API is silent, are in \
             [docs/wire.md](docs/wire.md).",
            served.len(),
            names.join(", ")
        ),
        96,
    );
    let readme = format!("{}{paragraph}{}", &readme[..start], &readme[end..]);
    expect_file!["../../../../README.md"].assert_eq(&readme);
}

/// Words joined into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().unwrap();
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}
