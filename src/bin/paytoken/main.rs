//! `paytoken`: the library's token cache and authorized requests from the shell, cron
//! and ops (issue 14). Built on libpaytoken's own C functions; `paytoken --help`.

// No `unsafe` in the command: system calls go through `paytoken::sys`, the C API through
// `paytoken::safe_api`.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod exit;
mod help;
mod metrics;
mod native;
mod settings;
mod verify;

use std::process::ExitCode;

use args::{Command, Invocation, Parsed};
use exit::CliError;
use native::Client;
use settings::Settings;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let json = argv.iter().any(|a| a == "--json");
    match run(&argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paytoken: {}", e.message);
            // A failed verify already printed its verdict.
            if json && e.code != exit::EX_NOT_VERIFIED {
                println!("{}", e.json());
            }
            ExitCode::from(u8::try_from(e.code).unwrap_or(1))
        }
    }
}

fn run(argv: &[String]) -> Result<(), CliError> {
    let invocation = match args::parse(argv)? {
        Parsed::Help(topic) => {
            let text = help::text(topic.as_deref()).ok_or_else(|| {
                CliError::usage(format!(
                    "no help on '{}': token, request, stats, check or verify",
                    topic.unwrap_or_default()
                ))
            })?;
            print!("{text}");
            return Ok(());
        }
        Parsed::Version => {
            println!("paytoken {}", paytoken::safe_api::version());
            return Ok(());
        }
        Parsed::Run(invocation) => invocation,
    };
    let mut settings = Settings::load(invocation.config_file.as_deref())?;
    if let Command::Check = invocation.command {
        // A real token request, whatever the host cache holds, and without touching it.
        let client = Client::new(&settings.without_cache_dir())?;
        return commands::check(&client, &settings.config, invocation.json);
    }
    let client = open_client(&mut settings, &invocation)?;
    match &invocation.command {
        Command::Token => commands::token(&client, invocation.json),
        Command::Stats(args) => commands::stats(&client, args, invocation.json),
        Command::Request(args) => commands::request(&client, args, invocation.json),
        Command::Verify(args) => verify::payment(&client, args, invocation.json),
        Command::Check => unreachable!("handled above"),
    }
}

/// The client, on the host-wide cache unless turned off. The default cache directory is
/// a convenience: when the library refuses it (an unsafe directory, a scheme without a
/// token), the run goes on without it, saying why unless the scheme simply has no token.
fn open_client(settings: &mut Settings, invocation: &Invocation) -> Result<Client, CliError> {
    if invocation.no_host_cache {
        return Ok(Client::new(&settings.without_cache_dir())?);
    }
    if settings.with_default_cache_dir().is_none() {
        return Ok(Client::new(&settings.json())?);
    }
    match Client::new(&settings.json()) {
        Ok(client) => Ok(client),
        Err(with_cache) => {
            let client = Client::new(&settings.without_cache_dir())?;
            if !with_cache.message.contains("applies only to") {
                eprintln!(
                    "paytoken: warning: host-wide cache not used: {}",
                    with_cache.message
                );
            }
            Ok(client)
        }
    }
}
