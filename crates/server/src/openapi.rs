//! The OpenAPI document (written by hand, checked against the router by tests) and a page that
//! renders it, served by the binary itself: no CDN, no script.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

/// The document.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        DOCUMENT,
    )
        .into_response()
}

/// `GET /api/docs`: every operation with its parameters, body and responses.
pub async fn page() -> Markup {
    render()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}\
.op{border-top:1px solid #ddd;padding:.4em 0} h2{font-size:1.05em} table{border-collapse:collapse}\
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left} .m{padding:0 .4em;border-radius:3px;color:#fff;background:#555}\
.get{background:#2b6cb0} .post{background:#2f855a} .delete{background:#c53030}";

fn render() -> Markup {
    let doc: Value = serde_json::from_str(DOCUMENT).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let info = &doc["info"];
    let operations: Vec<(&String, &String, &Value)> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(path, ops)| ops.as_object().map(|ops| (path, ops)))
        .flat_map(|(path, ops)| ops.iter().map(move |(method, op)| (path, method, op)))
        .collect();
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { "kechuang API" } style { (PreEscaped(STYLE)) } }
            body {
                h1 { (text(&info["title"])) " " (text(&info["version"])) }
                p { (text(&info["description"])) }
                p { a href="/api/v1/openapi.json" { "openapi.json" } }
                @for (path, method, op) in operations {
                    section.op {
                        h2 {
                            code class={ "m " (method) } { (method.to_uppercase()) } " " code { (path) }
                            " — " (text(&op["summary"]))
                        }
                        p { (text(&op["description"])) }
                        @if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                            table {
                                tr { th { "parameter" } th { "in" } th { "type" } th { "required" } }
                                @for p in params {
                                    tr {
                                        td { code { (text(&p["name"])) } }
                                        td { (text(&p["in"])) }
                                        td { (text(&p["schema"]["type"])) }
                                        td { @if p["required"].as_bool() == Some(true) { "yes" } }
                                    }
                                }
                            }
                        }
                        @for (kind, c) in op["requestBody"]["content"].as_object().into_iter().flatten() {
                            p {
                                "body: " code { (kind) }
                                @if let Some(props) = c["schema"]["properties"].as_object() {
                                    " { " (props.keys().map(String::as_str).collect::<Vec<_>>().join(", ")) " }"
                                }
                            }
                        }
                        @if let Some(responses) = op["responses"].as_object() {
                            p { "responses: " (responses.keys().map(String::as_str).collect::<Vec<_>>().join(" · ")) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn documented() -> BTreeSet<(String, String)> {
        let doc: Value = serde_json::from_str(DOCUMENT).expect("openapi.json is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut out = BTreeSet::new();
        for (path, ops) in doc["paths"].as_object().expect("paths") {
            for method in ops.as_object().expect("ops").keys() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
        out
    }

    /// The routes as written in `api/mod.rs` and each resource's `mod.rs`:
    /// `.route("PATH", get(..).post(..))`.
    fn routed() -> BTreeSet<(String, String)> {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut source = std::fs::read_to_string(src.join("api/mod.rs")).expect("api");
        for entry in std::fs::read_dir(src.join("resources")).expect("resources") {
            let dir = entry.expect("entry").path();
            if dir.is_dir() {
                source += &std::fs::read_to_string(dir.join("mod.rs")).expect("resource");
            }
        }
        let mut out = BTreeSet::new();
        // Every `.route("PATH", handlers)`, however rustfmt wrapped it.
        for (at, _) in source.match_indices(".route(") {
            let call = &source[at + ".route(".len()..];
            let mut depth = 1;
            let end = call
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(call.len(), |(i, _)| i);
            let call = &call[..end];
            let (_, rest) = call.split_once('"').expect("quoted path");
            let (path, handlers) = rest.split_once('"').expect("quoted path");
            // The pages' routes are not part of the API.
            if !(path.starts_with("/api/") || path == "/healthz" || path == "/readyz") {
                continue;
            }
            for method in ["get", "post", "delete", "put", "patch"] {
                if handlers.contains(&format!("{method}(")) {
                    out.insert((method.to_uppercase(), path.to_string()));
                }
            }
        }
        out
    }

    #[test]
    fn every_route_is_documented_and_every_documented_route_exists() {
        let (doc, routes) = (documented(), routed());
        assert!(routes.len() > 20, "parsed {} routes", routes.len());
        let missing: Vec<_> = routes.difference(&doc).collect();
        let stale: Vec<_> = doc.difference(&routes).collect();
        assert!(
            missing.is_empty(),
            "routes not in openapi.json: {missing:?}"
        );
        assert!(stale.is_empty(), "documented but not routed: {stale:?}");
    }

    #[test]
    fn the_page_lists_every_operation() {
        let html = render().into_string();
        assert_eq!(
            html.matches("<section class=\"op\">").count(),
            documented().len()
        );
        assert!(html.contains("/api/v1/enterprises/{code}/portrait"));
    }
}
