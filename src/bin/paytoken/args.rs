//! The command line, parsed by hand (no dependency; the binary stays small). Options may
//! come before or after the subcommand.

use std::path::PathBuf;

use crate::exit::CliError;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Token,
    Request(RequestArgs),
    Stats(StatsArgs),
    Check,
    Verify(VerifyArgs),
}

/// `paytoken verify [PAYMENT_ID] --amount N [--currency C] [--order-id O] [--order-date D]`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct VerifyArgs {
    pub payment_id: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub order_id: Option<String>,
    pub order_date: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct RequestArgs {
    pub method: String,
    pub path: String,
    /// `--data`: `@FILE`, `-` or `@-` (stdin), or the body itself.
    pub data: Option<String>,
    pub headers: Vec<(String, String)>,
    pub include: bool,
    pub timeout_ms: Option<u64>,
}

/// `paytoken stats` options: the output format (`--json` is `--format json`) and the
/// `client` label of the Prometheus format.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StatsArgs {
    pub prometheus: bool,
    pub client_label: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// `--help` (for a subcommand, when named).
    Help(Option<String>),
    Version,
    Run(Invocation),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Invocation {
    pub command: Command,
    pub json: bool,
    pub config_file: Option<PathBuf>,
    pub no_host_cache: bool,
}

pub fn parse(args: &[String]) -> Result<Parsed, CliError> {
    let mut positional: Vec<&str> = Vec::new();
    let mut json = false;
    let mut config_file = None;
    let mut no_host_cache = false;
    let mut help = false;
    let mut request = RequestArgs::default();
    let mut request_only: Vec<&str> = Vec::new();
    let mut stats = StatsArgs::default();
    let mut stats_only: Vec<&str> = Vec::new();
    let mut verify = VerifyArgs::default();
    let mut verify_only: Vec<&str> = Vec::new();
    let mut it = args.iter().map(String::as_str);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| CliError::usage(format!("{name} needs a value")))
        };
        match arg {
            "-h" | "--help" => help = true,
            "-V" | "--version" => return Ok(Parsed::Version),
            "--json" => json = true,
            "--no-host-cache" => no_host_cache = true,
            "--config" => config_file = Some(PathBuf::from(value("--config")?)),
            "-d" | "--data" => {
                request.data = Some(value("--data")?.to_owned());
                request_only.push("--data");
            }
            "-H" | "--header" => {
                let header = value("--header")?;
                // The text is not echoed: a mistyped header may be a credential.
                let (name, val) = header.split_once(':').ok_or_else(|| {
                    CliError::usage("--header wants 'Name: value' (no ':' found)")
                })?;
                request
                    .headers
                    .push((name.trim().to_owned(), val.trim().to_owned()));
                request_only.push("--header");
            }
            "-i" | "--include" => {
                request.include = true;
                request_only.push("--include");
            }
            "--timeout-ms" => {
                let v = value("--timeout-ms")?;
                request.timeout_ms = Some(v.parse().map_err(|_| {
                    CliError::usage(format!("--timeout-ms wants milliseconds, not '{v}'"))
                })?);
                request_only.push("--timeout-ms");
            }
            "--format" => {
                match value("--format")? {
                    "json" => json = true,
                    "text" => {}
                    "prometheus" => stats.prometheus = true,
                    other => {
                        return Err(CliError::usage(format!(
                            "--format wants text, json or prometheus, not '{other}'"
                        )))
                    }
                }
                stats_only.push("--format");
            }
            "--client" => {
                stats.client_label = Some(value("--client")?.to_owned());
                stats_only.push("--client");
            }
            "--amount" | "--currency" | "--order-id" | "--order-date" => {
                let v = Some(value(arg)?.to_owned());
                match arg {
                    "--amount" => verify.amount = v,
                    "--currency" => verify.currency = v,
                    "--order-id" => verify.order_id = v,
                    _ => verify.order_date = v,
                }
                verify_only.push(arg);
            }
            "--" => positional.extend(it.by_ref()),
            s if s.starts_with('-') && s.len() > 1 => {
                // Only the name: `--imp-secret=...` must not reach stderr with its value.
                let name = s.split('=').next().unwrap_or(s);
                return Err(CliError::usage(format!(
                    "unknown option '{name}' (see paytoken --help; secrets come from PAYTOKEN_* variables or --config, never from arguments)"
                )));
            }
            s => positional.push(s),
        }
    }
    let Some((&name, rest)) = positional.split_first() else {
        if help {
            return Ok(Parsed::Help(None));
        }
        return Err(CliError::usage(
            "a subcommand is needed: token, request, stats, check or verify (see paytoken --help)",
        ));
    };
    if help || name == "help" {
        let topic = if name == "help" {
            rest.first()
        } else {
            Some(&name)
        };
        return Ok(Parsed::Help(topic.map(|s| s.to_string())));
    }
    if name != "request" {
        if let Some(option) = request_only.first() {
            return Err(CliError::usage(format!(
                "{option} belongs to 'paytoken request', not '{name}'"
            )));
        }
    }
    if name != "stats" {
        if let Some(option) = stats_only.first() {
            return Err(CliError::usage(format!(
                "{option} belongs to 'paytoken stats', not '{name}'"
            )));
        }
    }
    if stats.prometheus && json {
        return Err(CliError::usage(
            "--format prometheus and --json are two formats: choose one",
        ));
    }
    if name != "verify" {
        if let Some(option) = verify_only.first() {
            return Err(CliError::usage(format!(
                "{option} belongs to 'paytoken verify', not '{name}'"
            )));
        }
    }
    let expect = |n: usize| {
        if rest.len() == n {
            Ok(())
        } else {
            Err(CliError::usage(format!(
                "'paytoken {name}' takes {n} argument(s), got {} (see paytoken {name} --help)",
                rest.len()
            )))
        }
    };
    let command = match name {
        "token" => expect(0).map(|_| Command::Token)?,
        "stats" => expect(0).map(|_| Command::Stats(stats))?,
        "check" => expect(0).map(|_| Command::Check)?,
        "request" => {
            expect(2)?;
            request.method = rest[0].to_ascii_uppercase();
            request.path = rest[1].to_owned();
            Command::Request(request)
        }
        "verify" => {
            if rest.len() > 1 || verify.amount.is_none() {
                return Err(CliError::usage(
                    "'paytoken verify' takes [PAYMENT_ID] --amount N (see paytoken verify --help)",
                ));
            }
            verify.payment_id = rest.first().map(|s| s.to_string());
            Command::Verify(verify)
        }
        other => {
            return Err(CliError::usage(format!(
                "unknown subcommand '{other}': token, request, stats, check or verify"
            )))
        }
    };
    Ok(Parsed::Run(Invocation {
        command,
        json,
        config_file,
        no_host_cache,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Parsed, CliError> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn request_takes_options_anywhere() {
        let Ok(Parsed::Run(inv)) = run(&[
            "--json",
            "request",
            "post",
            "/v1/x",
            "-H",
            "X-A: b: c",
            "--data",
            "@-",
            "-i",
        ]) else {
            panic!("parses")
        };
        assert!(inv.json);
        let Command::Request(r) = inv.command else {
            panic!("request")
        };
        assert_eq!(r.method, "POST");
        assert_eq!(r.headers, vec![("X-A".to_owned(), "b: c".to_owned())]);
        assert_eq!(r.data.as_deref(), Some("@-"));
        assert!(r.include);
    }

    #[test]
    fn usage_errors_are_64() {
        for args in [
            &["nope"][..],
            &[],
            &["token", "extra"],
            &["request", "GET"],
            &["token", "--data", "x"],
            &["--bogus", "token"],
            &["--config"],
            &["request", "GET", "/", "-H", "no colon"],
            &["--imp-secret=hunter2", "token"],
            &["request", "GET", "/", "-H", "Bearer hunter2"],
            &["stats", "--format", "xml"],
            &["token", "--format", "prometheus"],
            &["stats", "--json", "--format", "prometheus"],
        ] {
            let e = run(args).expect_err("usage error");
            assert_eq!(e.code, crate::exit::EX_USAGE, "{args:?}");
            assert!(!e.message.contains("hunter2"), "{}", e.message);
        }
    }

    #[test]
    fn stats_takes_a_format_and_a_client_label() {
        let Ok(Parsed::Run(inv)) = run(&["stats", "--format", "prometheus", "--client", "web"])
        else {
            panic!("parses")
        };
        let expected = StatsArgs {
            prometheus: true,
            client_label: Some("web".into()),
        };
        assert_eq!(inv.command, Command::Stats(expected));
        let Ok(Parsed::Run(inv)) = run(&["stats", "--format", "json"]) else {
            panic!("parses")
        };
        assert!(inv.json);
    }

    #[test]
    fn verify_takes_an_id_and_its_own_options() {
        let Ok(Parsed::Run(inv)) =
            run(&["verify", "pay-1", "--amount", "1000", "--currency", "KRW"])
        else {
            panic!("parses")
        };
        let Command::Verify(v) = inv.command else {
            panic!("verify")
        };
        assert_eq!(v.payment_id.as_deref(), Some("pay-1"));
        assert_eq!(v.amount.as_deref(), Some("1000"));
        assert_eq!(v.currency.as_deref(), Some("KRW"));
        for args in [
            &["verify", "pay-1"][..],
            &["token", "--amount", "1"],
            &["verify", "a", "b", "--amount", "1"],
        ] {
            assert_eq!(
                run(args).expect_err("usage").code,
                crate::exit::EX_USAGE,
                "{args:?}"
            );
        }
    }

    #[test]
    fn help_for_a_subcommand() {
        assert_eq!(
            run(&["check", "--help"]).unwrap(),
            Parsed::Help(Some("check".into()))
        );
        assert_eq!(
            run(&["help", "request"]).unwrap(),
            Parsed::Help(Some("request".into()))
        );
        assert_eq!(run(&["-h"]).unwrap(), Parsed::Help(None));
    }
}
