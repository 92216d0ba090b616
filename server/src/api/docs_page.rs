//! `/docs/api`: the OpenAPI document rendered for people, on the server, as
//! plain HTML (no scripts, nothing fetched from elsewhere). Everything comes
//! from the same document as `/api/openapi.json`.

use axum::response::Html;
use serde_json::Value;
use std::fmt::Write;

use app::backend::html::escape as esc;

fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(items) = schema.get("items") {
        return format!("[{}]", schema_name(items));
    }
    match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
        _ if schema.get("oneOf").is_some() => "one of several shapes".into(),
        _ => "object".into(),
    }
}

fn render_operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let anchor = op["operationId"].as_str().unwrap_or("");
    let _ = write!(
        out,
        "<section class=\"op\" id=\"{}\"><h3><span class=\"method {m}\">{M}</span> <code>{}</code></h3><p><strong>{}</strong></p>",
        esc(anchor),
        esc(path),
        esc(op["summary"].as_str().unwrap_or("")),
        m = method,
        M = method.to_uppercase()
    );
    if let Some(d) = op["description"].as_str() {
        let _ = write!(out, "<p>{}</p>", esc(d));
    }
    let auth: Vec<String> = op["security"]
        .as_array()
        .map(|reqs| {
            reqs.iter()
                .filter_map(Value::as_object)
                .flat_map(|req| {
                    req.iter().map(|(scheme, scopes)| {
                        let scopes: Vec<&str> =
                            scopes.as_array().map(|s| s.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                        if scopes.is_empty() {
                            scheme.clone()
                        } else {
                            format!("{scheme} ({})", scopes.join(", "))
                        }
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let auth =
        if auth.is_empty() || auth.iter().all(|a| a.is_empty()) { "none".to_string() } else { auth.join(" or ") };
    let _ = write!(out, "<p>Authentication: {}</p>", esc(&auth));
    if let Some(params) = op["parameters"].as_array() {
        out.push_str(
            "<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>",
        );
        for p in params {
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or("")),
                if p["required"].as_bool() == Some(true) { " *" } else { "" },
                esc(p["in"].as_str().unwrap_or("")),
                esc(&schema_name(&p["schema"])),
                esc(p["description"].as_str().unwrap_or(""))
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(body) = op["requestBody"]["content"]["application/json"]["schema"].as_object() {
        let name = schema_name(&Value::Object(body.clone()));
        let _ = write!(out, "<p>Request body: <a href=\"#schema-{0}\"><code>{0}</code></a></p>", esc(&name));
    }
    out.push_str("<ul class=\"responses\">");
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let body = response["content"].as_object().and_then(|c| c.values().next()).map(|c| schema_name(&c["schema"]));
        let _ = write!(
            out,
            "<li><code>{}</code> {}{}</li>",
            esc(status),
            esc(response["description"].as_str().unwrap_or("")),
            body.map(|b| format!(" → <a href=\"#schema-{0}\"><code>{0}</code></a>", esc(&b))).unwrap_or_default()
        );
    }
    out.push_str("</ul></section>");
}

fn render_schema(out: &mut String, name: &str, schema: &Value) {
    let _ = write!(out, "<section class=\"schema\" id=\"schema-{0}\"><h3><code>{0}</code></h3>", esc(name));
    if let Some(d) = schema["description"].as_str() {
        let _ = write!(out, "<p>{}</p>", esc(d));
    }
    if let Some(props) = schema["properties"].as_object() {
        let required: Vec<&str> =
            schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        out.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>");
        for (field, prop) in props {
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                esc(field),
                if required.contains(&field.as_str()) { " *" } else { "" },
                esc(&schema_name(prop)),
                esc(prop["description"].as_str().unwrap_or(""))
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values.iter().map(|v| format!("<code>{}</code>", esc(&v.to_string()))).collect();
        let _ = write!(out, "<p>One of: {}</p>", values.join(", "));
    }
    if let Some(example) = schema.get("example") {
        let _ = write!(out, "<pre>{}</pre>", esc(&serde_json::to_string_pretty(example).unwrap_or_default()));
    }
    out.push_str("</section>");
}

/// The whole reference page.
pub fn render(doc: &Value) -> Html<String> {
    let mut out = String::with_capacity(64 * 1024);
    let info = &doc["info"];
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} reference</title><link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"/pkg/vox.css\"></head>\
         <body><main class=\"page api-docs\"><h1>{title} <small>{version}</small></h1><p>{description}</p>\
         <p>Machine-readable: <a href=\"/api/openapi.json\">/api/openapi.json</a> (OpenAPI {openapi}).</p>",
        title = esc(info["title"].as_str().unwrap_or("API")),
        version = esc(info["version"].as_str().unwrap_or("")),
        description = esc(info["description"].as_str().unwrap_or("")),
        openapi = esc(doc["openapi"].as_str().unwrap_or(""))
    );
    let tags: Vec<(String, String)> = doc["tags"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| {
                    (t["name"].as_str().unwrap_or("").to_string(), t["description"].as_str().unwrap_or("").to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    for (tag, description) in &tags {
        let _ = write!(out, "<h2 id=\"tag-{0}\">{0}</h2><p>{1}</p>", esc(tag), esc(description));
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let in_tag = op["tags"].as_array().is_some_and(|ts| ts.iter().any(|t| t == tag.as_str()));
                if in_tag {
                    render_operation(&mut out, method, path, op);
                }
            }
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        render_schema(&mut out, name, schema);
    }
    out.push_str("</main></body></html>");
    Html(out)
}
