//! The OpenAPI document (written by hand, checked against the router by tests) and a page that
//! renders it, served by the binary itself: no CDN, no script.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use crate::pages::esc;

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
pub async fn page() -> Html<String> {
    Html(render())
}

fn render() -> String {
    let doc: Value = serde_json::from_str(DOCUMENT).unwrap_or(Value::Null);
    let mut body = String::new();
    let info = &doc["info"];
    body += &format!(
        "<h1>{} {}</h1><p>{}</p><p><a href=\"/api/v1/openapi.json\">openapi.json</a></p>",
        esc(info["title"].as_str().unwrap_or("")),
        esc(info["version"].as_str().unwrap_or("")),
        esc(info["description"].as_str().unwrap_or(""))
    );
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            let Some(ops) = ops.as_object() else { continue };
            for (method, op) in ops {
                body += &format!(
                    "<section class=\"op\"><h2><code class=\"m {m}\">{M}</code> <code>{p}</code> — {s}</h2><p>{d}</p>",
                    m = esc(method),
                    M = esc(&method.to_uppercase()),
                    p = esc(path),
                    s = esc(op["summary"].as_str().unwrap_or("")),
                    d = esc(op["description"].as_str().unwrap_or(""))
                );
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    body += "<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr>";
                    for p in params {
                        body += &format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(p["name"].as_str().unwrap_or("")),
                            esc(p["in"].as_str().unwrap_or("")),
                            esc(p["schema"]["type"].as_str().unwrap_or("")),
                            if p["required"].as_bool() == Some(true) {
                                "yes"
                            } else {
                                ""
                            }
                        );
                    }
                    body += "</table>";
                }
                if let Some(content) = op["requestBody"]["content"].as_object() {
                    for (kind, c) in content {
                        body += &format!("<p>body: <code>{}</code>", esc(kind));
                        if let Some(props) = c["schema"]["properties"].as_object() {
                            let names: Vec<String> = props.keys().map(|k| esc(k)).collect();
                            body += &format!(" {{ {} }}", names.join(", "));
                        }
                        body += "</p>";
                    }
                }
                if let Some(responses) = op["responses"].as_object() {
                    let codes: Vec<String> = responses.keys().map(|k| esc(k)).collect();
                    body += &format!("<p>responses: {}</p>", codes.join(" · "));
                }
                body += "</section>";
            }
        }
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kechuang API</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}}\
         .op{{border-top:1px solid #ddd;padding:.4em 0}} h2{{font-size:1.05em}} table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ddd;padding:.2em .5em;text-align:left}} .m{{padding:0 .4em;border-radius:3px;color:#fff;background:#555}}\
         .get{{background:#2b6cb0}} .post{{background:#2f855a}} .delete{{background:#c53030}}</style></head><body>{body}</body></html>"
    )
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

    /// The routes as written in `api/mod.rs`: `.route("PATH", get(..).post(..))`.
    fn routed() -> BTreeSet<(String, String)> {
        let source = [
            include_str!("api/mod.rs"),
            include_str!("matchmaking.rs"),
            include_str!("talent.rs"),
        ]
        .concat();
        let mut out = BTreeSet::new();
        // Every `.route("PATH", …)`, at the start of a line or after `Router::new()`.
        for (at, _) in source.match_indices(".route(\"") {
            let line = source[at..].lines().next().unwrap_or_default();
            let rest = &line[".route(\"".len()..];
            let (path, handlers) = rest.split_once('"').expect("quoted path");
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
        let html = render();
        assert_eq!(
            html.matches("<section class=\"op\">").count(),
            documented().len()
        );
        assert!(html.contains("/api/v1/enterprises/{code}/portrait"));
    }
}
