//! The stewards' dashboard (`web/`), compiled into the binary: its built
//! files are embedded (in debug builds too) and served at `/`; any other
//! path a browser asks for that is not a file gets the page itself, whose
//! router shows it. Paths of the API and MCP are never the dashboard's: an
//! unknown one is a problem document. Built without the dashboard, `/` says
//! how to build it.

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::routes;

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Files;

const NOT_BUILT: &str = "<!doctype html><title>Steward</title>\
<h1>Steward</h1><p>The dashboard is not built into this binary. Build it with \
<code>make web</code> (Node.js 18 or newer), then build Steward again. The API is \
served under <a href=\"/docs\">/api/v1</a>.</p>";

/// The dashboard's pages may load only what the dashboard serves, and may not
/// be framed by another site.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn file(path: &str, cache: &'static str) -> Option<Response> {
    let file = Files::get(path)?;
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(file.metadata.mimetype()) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Some(response)
}

/// Everything no route answers.
pub async fn serve(method: Method, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let api = ["api", "mcp", "metrics", "healthz", "readyz", "docs"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if api || !matches!(method, Method::GET | Method::HEAD) {
        return routes::not_found(uri).await.into_response();
    }
    // Built files have hashed names and never change; the page itself may.
    if !path.is_empty()
        && let Some(response) = file(path, "public, max-age=31536000, immutable")
    {
        return response;
    }
    if let Some(page) = file("index.html", "no-cache") {
        return page;
    }
    if path.is_empty() {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response();
    }
    routes::not_found(uri).await.into_response()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    /// The dashboard's types are generated from its copy of the API's
    /// document (web/openapi.json): the copy must be the document served.
    /// `make web-api` writes it (and the types) after an API change.
    #[test]
    fn openapi_copy_in_web_is_the_served_document() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/openapi.json");
        let served = serde_json::to_string_pretty(&crate::api().1).unwrap() + "\n";
        if std::env::var_os("STEWARD_WRITE_OPENAPI").is_some() {
            std::fs::write(path, &served).unwrap();
        }
        let copy = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            copy == served,
            "web/openapi.json differs from the served document: run `make web-api` and commit both files"
        );
    }
}
