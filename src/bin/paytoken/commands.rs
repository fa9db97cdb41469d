//! The four subcommands. Each writes its result to stdout and returns; errors go back to
//! main, which prints them and exits with their status.

use std::io::{Read, Write};
use std::time::Instant;

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::args::{RequestArgs, StatsArgs};
use crate::exit::{CliError, EX_NOINPUT};
use crate::metrics;
use crate::native::Client;

fn out(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|_| stdout.flush())
        .map_err(|e| CliError::new(74, format!("cannot write stdout: {e}")))
}

fn print_json(value: &Value) -> Result<(), CliError> {
    out(format!("{value}\n").as_bytes())
}

/// `paytoken token`: the token itself is the only thing printed.
pub fn token(client: &Client, json: bool) -> Result<(), CliError> {
    let token = client.token()?;
    if json {
        let valid = client.stats()?["tokenValidForMs"].clone();
        // The token is in this string only until it is printed; LibString wipes its own copy.
        let text = String::from_utf8_lossy(token.bytes()).into_owned();
        let mut line = json!({ "token": text, "tokenValidForMs": valid }).to_string();
        line.push('\n');
        let result = out(line.as_bytes());
        zeroize::Zeroize::zeroize(&mut line);
        return result;
    }
    out(token.bytes())?;
    out(b"\n")
}

/// `paytoken stats`: what a request would do for its token, then the counters (as text,
/// JSON or the Prometheus text format).
pub fn stats(client: &Client, args: &StatsArgs, json: bool) -> Result<(), CliError> {
    // A scheme without a token still has counters to show.
    if let Err(f) = client.token() {
        if !f.is_invalid_argument() {
            return Err(f.into());
        }
    }
    let stats = client.stats()?;
    if json {
        return print_json(&stats);
    }
    if args.prometheus {
        let label = args.client_label.as_deref();
        let text = metrics::prometheus_text(&stats, label.unwrap_or(metrics::DEFAULT_CLIENT_LABEL));
        return out(text.as_bytes());
    }
    let mut text = String::new();
    if let Value::Object(map) = &stats {
        for (key, value) in map {
            let shown = match value {
                Value::String(s) => s.clone(),
                Value::Null => "-".into(),
                other => other.to_string(),
            };
            text.push_str(&format!("{key:<28} {shown}\n"));
        }
    }
    out(text.as_bytes())
}

/// `paytoken check`: one token request (the caller built `client` without the host
/// cache), then the token's remaining life and the gateway's clock skew.
pub fn check(client: &Client, config: &Map<String, Value>, json: bool) -> Result<(), CliError> {
    let started = Instant::now();
    client.token()?;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let stats = client.stats()?;
    let gateway = config.get("gateway").cloned().unwrap_or(Value::Null);
    let base_url = config.get("baseUrl").cloned().unwrap_or(Value::Null);
    if json {
        return print_json(&json!({
            "ok": true,
            "gateway": gateway,
            "baseUrl": base_url,
            "tokenValidForMs": stats["tokenValidForMs"],
            "gatewayClockSkewMs": stats["gatewayClockSkewMs"],
            "elapsedMs": elapsed_ms,
        }));
    }
    let origin = match base_url.as_str() {
        Some(url) => format!(" at {url}"),
        None => " (its production origin)".into(),
    };
    let transport = if base_url.as_str().is_some_and(|u| u.starts_with("http://")) {
        "plain HTTP, loopback only"
    } else {
        "TLS, certificate verified"
    };
    let valid = match stats["tokenValidForMs"].as_u64() {
        Some(ms) => format!("{}m {:02}s", ms / 60_000, ms / 1000 % 60),
        None => "unknown".into(),
    };
    let skew = match stats["gatewayClockSkewMs"].as_i64() {
        Some(ms) => format!(
            "{:+.1} s ({})",
            ms as f64 / 1000.0,
            if ms.abs() < 1000 {
                "in step, to within the gateway's whole seconds"
            } else if ms > 0 {
                "the gateway's clock is ahead of this host's"
            } else {
                "the gateway's clock is behind this host's"
            }
        ),
        None => "unknown (the gateway's answer carried no time)".into(),
    };
    let text = format!(
        "OK: {}{origin} accepted the credentials ({elapsed_ms} ms, {transport})\n\
         token valid for   {valid}\n\
         clock skew        {skew}\n",
        gateway.as_str().unwrap_or("the gateway"),
    );
    out(text.as_bytes())
}

/// `paytoken request`: body on stdout, status on stderr (curl's split).
pub fn request(client: &Client, args: &RequestArgs, json: bool) -> Result<(), CliError> {
    let body = read_body(args.data.as_deref())?;
    let headers = (!args.headers.is_empty()).then(|| {
        let map: Map<String, Value> = args
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        Value::Object(map).to_string()
    });
    let options = args
        .timeout_ms
        .map(|ms| json!({ "timeoutMs": ms }).to_string());
    let response = client.request(
        &args.method,
        &args.path,
        headers.as_deref(),
        &body,
        options.as_deref(),
    )?;
    let status = response.status();
    if json {
        let mut answer = json!({ "status": status, "headers": response.headers() });
        match std::str::from_utf8(response.body()) {
            Ok(text) => answer["body"] = Value::String(text.to_owned()),
            Err(_) => {
                answer["bodyBase64"] =
                    Value::String(base64::engine::general_purpose::STANDARD.encode(response.body()))
            }
        }
        return print_json(&answer);
    }
    eprintln!("HTTP {status}");
    if args.include {
        let mut head = format!("HTTP {status}\r\n");
        if let Value::Object(headers) = response.headers() {
            for (name, value) in headers {
                head.push_str(&format!("{name}: {}\r\n", value.as_str().unwrap_or("")));
            }
        }
        head.push_str("\r\n");
        out(head.as_bytes())?;
    }
    out(response.body())
}

fn read_body(data: Option<&str>) -> Result<Vec<u8>, CliError> {
    let mut body = Vec::new();
    match data {
        None => {}
        Some("-") | Some("@-") => {
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| CliError::new(EX_NOINPUT, format!("--data -: stdin: {e}")))?;
        }
        Some(file) if file.starts_with('@') => {
            body = std::fs::read(&file[1..])
                .map_err(|e| CliError::new(EX_NOINPUT, format!("--data {file}: {e}")))?;
        }
        Some(text) => body = text.as_bytes().to_vec(),
    }
    Ok(body)
}
