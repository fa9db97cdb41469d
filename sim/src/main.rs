//! `paytoken-sim` command line: parse flags, start the simulator, print the one stdout
//! line harnesses read the port from, then serve until killed or stdin closes.

use std::io::{Read, Write};
use std::process::ExitCode;

use paytoken_sim::{SimConfig, Simulator};

const USAGE: &str = "usage: paytoken-sim [--port N] [--host 127.0.0.1|::1|localhost]
  [--nicepay-client-key K] [--nicepay-secret-key K] [--imp-key K] [--imp-secret K]
  [--api-secret K] [--token-ttl SECS] [--clock-offset SECS] [--delay-ms MS]
  [--tls [--cert-out PATH]] [--rtt-ms MS] [--implicit-payments]
  [--exit-on-stdin-eof] [--verbose]
See sim/README.md for the endpoints and the /__sim admin API.";

/// The flags that take a value.
const VALUE_FLAGS: [&str; 12] = [
    "--port",
    "--host",
    "--nicepay-client-key",
    "--nicepay-secret-key",
    "--imp-key",
    "--imp-secret",
    "--api-secret",
    "--token-ttl",
    "--clock-offset",
    "--delay-ms",
    "--rtt-ms",
    "--cert-out",
];

struct Options {
    config: SimConfig,
    exit_on_stdin_eof: bool,
    verbose: bool,
    /// Where to write the TLS certificate (PEM) before announcing the URL.
    cert_out: Option<String>,
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: {value:?} is not a valid number"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        config: SimConfig::default(),
        exit_on_stdin_eof: false,
        verbose: false,
        cert_out: None,
    };
    while let Some(arg) = args.next() {
        // Both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        match flag.as_str() {
            "--exit-on-stdin-eof" => options.exit_on_stdin_eof = true,
            "--verbose" => options.verbose = true,
            "--tls" => options.config.tls = true,
            "--implicit-payments" => options.config.implicit_payments = true,
            "-h" | "--help" => return Err(String::new()),
            _ if !VALUE_FLAGS.contains(&flag.as_str()) => {
                return Err(format!("unknown flag {flag}"))
            }
            _ => {
                let value = match inline {
                    Some(v) => v,
                    None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
                };
                let c = &mut options.config;
                match flag.as_str() {
                    "--port" => c.port = parse_number(&flag, &value)?,
                    "--host" => c.host = value,
                    "--nicepay-client-key" => c.nicepay_client_key = value,
                    "--nicepay-secret-key" => c.nicepay_secret_key = value,
                    "--imp-key" => c.imp_key = value,
                    "--imp-secret" => c.imp_secret = value,
                    "--api-secret" => c.api_secret = value,
                    "--token-ttl" => c.token_ttl_secs = parse_number(&flag, &value)?,
                    "--clock-offset" => c.clock_offset_secs = parse_number(&flag, &value)?,
                    "--delay-ms" => c.delay_ms = parse_number(&flag, &value)?,
                    "--rtt-ms" => c.rtt_ms = parse_number(&flag, &value)?,
                    "--cert-out" => options.cert_out = Some(value),
                    _ => return Err(format!("unknown flag {flag}")),
                }
            }
        }
    }
    if options.cert_out.is_some() && !options.config.tls {
        return Err("--cert-out needs --tls".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("paytoken-sim: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if options.verbose {
        // Read by `Simulator::start`; set before any other thread exists.
        std::env::set_var("PAYTOKEN_SIM_LOG", "1");
    }
    let simulator = match Simulator::start(options.config) {
        Ok(simulator) => simulator,
        Err(e) => {
            eprintln!("paytoken-sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Written before the URL line, so a harness that read the line can use the file.
    if let (Some(path), Some(pem)) = (&options.cert_out, simulator.certificate_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("paytoken-sim: cannot write the certificate to {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    // The only line ever written to stdout: harnesses parse the port from it.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "paytoken-sim listening on {}", simulator.url());
    let _ = stdout.flush();
    eprintln!(
        "paytoken-sim: serving NICEPAY, PortOne V1 and PortOne V2 on {}",
        simulator.url()
    );

    if options.exit_on_stdin_eof {
        // Reads (and discards) until the harness closes our stdin, then stops cleanly.
        let _ = std::io::copy(&mut std::io::stdin().lock().by_ref(), &mut std::io::sink());
        eprintln!("paytoken-sim: stdin closed, stopping");
        drop(simulator);
        return ExitCode::SUCCESS;
    }
    // SIGINT/SIGTERM end the process (default action); the OS frees the port.
    loop {
        std::thread::park();
    }
}
