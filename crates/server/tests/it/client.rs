//! A small HTTP client that keeps the session cookie and CSRF token, as a browser would.

use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Client {
    http: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub token: Option<String>,
    /// Send the CSRF header on changes (switched off to test the refusal).
    pub send_csrf: bool,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// Percent-encodes a form value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every sheet of a workbook as text: `## sheet` then one line per row, cells tab-separated.
pub fn workbook_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&format!("## {name}\n"));
        let range = book.worksheet_range(&name).expect("a sheet");
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

/// Sends a request and reads the whole answer.
async fn reply(r: reqwest::RequestBuilder) -> Reply {
    let response = r.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let workbook = headers
        .get("content-type")
        .is_some_and(|t| t.as_bytes().starts_with(b"application/vnd.openxmlformats"));
    // A workbook is read back to its cells: a test (the leak walk above all) then reads what a
    // user sees, not compressed bytes in which no credit code can be found.
    let text = if workbook {
        workbook_text(&bytes)
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Reply {
        status,
        headers,
        text,
    }
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_string(),
            cookie: None,
            csrf: None,
            token: None,
            send_csrf: true,
        }
    }

    /// A client whose requests come from another loopback address (e.g. 127.0.0.2), as another
    /// machine's would.
    pub fn from_address(base: &str, local: std::net::IpAddr) -> Client {
        let mut c = Client::new(base);
        c.http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(local)
            .build()
            .expect("client");
        c
    }

    /// A request with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        reply(r).await
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let mut r = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        if let Some(t) = &self.token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        if self.send_csrf
            && method != Method::GET
            && let Some(c) = &self.csrf
        {
            r = r.header("x-csrf-token", c);
        }
        if let Some((kind, bytes)) = body {
            r = r.header("content-type", kind).body(bytes);
        }
        reply(r).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Reply {
        self.request(
            Method::POST,
            path,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    /// Posts a form as this site's page would (`application/x-www-form-urlencoded`).
    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.request(
            Method::POST,
            path,
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
        )
        .await
    }

    /// Posts a file's bytes (a CSV or workbook upload).
    pub async fn post_file(&self, path: &str, bytes: impl Into<Vec<u8>>) -> Reply {
        self.request(
            Method::POST,
            path,
            Some(("application/octet-stream", bytes.into())),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request(Method::DELETE, path, None).await
    }

    /// Posts a form as a browser on another site would (with its Origin); the status.
    pub async fn http_form_with_origin(&self, path: &str, body: &str, origin: &str) -> StatusCode {
        self.http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin)
            .body(body.to_string())
            .send()
            .await
            .expect("request")
            .status()
    }

    /// Logs in; keeps the cookie and CSRF token on success.
    pub async fn login(&mut self, name: &str, password: &str) -> (StatusCode, Reply) {
        let reply = self
            .post_json(
                "/api/v1/session",
                serde_json::json!({"name": name, "password": password}),
            )
            .await;
        if reply.status == 200 {
            let set = reply
                .headers
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .expect("set-cookie")
                .to_string();
            self.cookie = Some(set.split(';').next().expect("pair").to_string());
            self.csrf = reply.json()["csrf_token"].as_str().map(String::from);
        }
        (reply.status, reply)
    }
}
