//! `--help` texts: enough to learn the command from.

use paytoken::ConfigKeyType;

use crate::settings;

const MAIN: &str = "\
paytoken - payment-gateway tokens and authorized requests from the shell (NICEPAY,
PortOne V1, PortOne V2), on libpaytoken's own cache and rules.

USAGE
  paytoken [--json] [--config FILE] [--no-host-cache] SUBCOMMAND [ARGS]

SUBCOMMANDS
  token     print the current access token (for scripts that call the gateway themselves)
  request   send an authorized request: paytoken request METHOD PATH [--data ...] [-H ...]
  stats     get the token as a request would, then print the client's counters
  check     verify credentials, TLS and the route to the gateway; print the token's
            remaining life and the clock skew between this host and the gateway
  verify    is this payment really paid, for this amount? paytoken verify ID --amount N
  help SUBCOMMAND, or SUBCOMMAND --help: more about one

OPTIONS
  --json           machine-readable output on stdout (errors too: {\"ok\":false,...})
  --config FILE    a JSON object in libpaytoken's config format; refused unless FILE
                   is yours and other users cannot read or write it (chmod 600)
  --no-host-cache  do not use the host-wide token cache for this run
  -V, --version    the library version

CONFIG
  From --config FILE, then these environment variables (a variable wins over the file).
  Secrets are never taken from the command line: arguments show up in `ps` and shell history.
";

const HOST_CACHE: &str = "
HOST-WIDE CACHE
  Runs share one token through cacheDir, so repeated runs make no token request.
  Default: $XDG_RUNTIME_DIR/paytoken, else ~/.cache/paytoken/tokens (created 0700;
  a directory others can read, or another user's, is refused). PAYTOKEN_CACHE_DIR=
  (empty) or --no-host-cache turns it off. Auth schemes without a token (NICEPAY basic,
  PortOne V2 secret) have nothing to cache.
";

const EXIT: &str = "
EXIT STATUS
  0   success (for request: any HTTP answer but a second 401, as curl without --fail)
  1   PAYTOKEN_E_INVALID_ARGUMENT  bad config, method, path or header
  2   PAYTOKEN_E_AUTH              the gateway refused the credentials or the token
  3   PAYTOKEN_E_GATEWAY           5xx or garbage from the token endpoint
  4   PAYTOKEN_E_NETWORK           DNS, refused or dropped connection
  5   PAYTOKEN_E_TIMEOUT           a deadline passed (a payment's outcome is unknown)
  6   PAYTOKEN_E_TLS               TLS handshake or certificate verification failed
  7   PAYTOKEN_E_INTERNAL          a bug
  10  verify: the payment is not verified (the reasons are on stdout)
  64  usage error (sysexits EX_USAGE)
  66  --config or --data @FILE cannot be read (EX_NOINPUT)
  77  --config FILE readable by others or not yours (EX_NOPERM)

EXAMPLES
  export PAYTOKEN_GATEWAY=portone-v1 PAYTOKEN_IMP_KEY=... PAYTOKEN_IMP_SECRET=...
  paytoken check                                   # credentials, TLS, route, clock skew
  paytoken request GET /payments/imp_123 > payment.json
  paytoken --config /etc/shop/paytoken.json --json stats
";

const TOKEN: &str = "\
paytoken token - print the current access token on stdout

USAGE
  paytoken token [--json]

  The token comes from the host-wide cache when another run left a fresh one there,
  else from one token request (whose result the next runs share). stdout only: the
  token is never written to stderr or a log. With --json: {\"token\":\"...\",
  \"tokenValidForMs\":n}. Schemes without a token (NICEPAY basic, PortOne V2 secret)
  exit 1.

EXAMPLE
  curl -H \"Authorization: Bearer $(paytoken token)\" ...
";

const REQUEST: &str = "\
paytoken request - send an authorized request to the configured gateway

USAGE
  paytoken request METHOD PATH [--data @FILE | --data - | --data TEXT]
                   [-H 'Name: value']... [--include] [--timeout-ms MS] [--json]

  METHOD is GET, POST, PUT, PATCH or DELETE; PATH starts with / (and may carry ?query):
  the token only ever goes to the configured origin. A 401 drops the token, fetches a
  fresh one and retries once; nothing is resent once a payment request may have reached
  the gateway.

  The body goes to stdout as received; the HTTP status line goes to stderr, so
  `paytoken request GET /x > answer.json` keeps the answer clean, as with curl.

OPTIONS
  -d, --data @FILE   the body from FILE; `-` or `@-` reads stdin; else the text itself
                     (with a body and no Content-Type, application/json is sent)
  -H, --header       an extra header, repeatable (Authorization and Host are the
                     library's own)
  -i, --include      also print the status line and headers on stdout, before the body
  --timeout-ms MS    this call's deadline (1-600000), instead of the config's timeoutMs
  --json             {\"status\":n,\"headers\":{...},\"body\":\"...\"} on stdout (a body
                     that is not UTF-8 comes as \"bodyBase64\")

EXAMPLE
  paytoken request GET /payments/imp_123
  paytoken request POST /payments/cancel --data @cancel.json -H 'Idempotency-Key: k1'
";

const STATS: &str = "\
paytoken stats - get the token as a request would, then print the client's counters

USAGE
  paytoken stats [--json | --format text|json|prometheus] [--client NAME]

  Counters of this run's client (libpaytoken's paytoken_client_stats): tokenFetches is 1
  when this run made a token request, hostCacheReads 1 when it took the host-wide cache's
  token instead; tokenValidForMs, gatewayClockSkewMs (null unless this run fetched).
  --format prometheus prints them in the Prometheus text format for node_exporter's
  textfile collector, with the labels gateway and client (NAME, default \"default\");
  the metric names are the README's \"Metrics\" table, as the Python and Node collectors.

EXAMPLE
  paytoken stats --format prometheus > /var/lib/node_exporter/paytoken.prom.tmp \\
    && mv /var/lib/node_exporter/paytoken.prom.tmp /var/lib/node_exporter/paytoken.prom
";

const CHECK: &str = "\
paytoken check - verify that this host can use these credentials

USAGE
  paytoken check [--json]

  Makes one token request, bypassing the host-wide cache (it neither reads nor replaces
  its token): that proves the credentials, TLS (certificate verification is always on)
  and the route to the gateway. Then prints the token's remaining life and the clock
  skew between this host and the gateway (gatewayClockSkewMs: the gateway's clock minus
  this host's, to within a second; positive means the gateway is ahead). Expiry never
  depends on the wall clock; the skew is for alerting on a drifting host clock.
  Exit status as for every subcommand: 2 wrong credentials, 4 no route, 6 TLS, ...
  With --json: {\"ok\":true,\"gateway\":...,\"tokenValidForMs\":n,
  \"gatewayClockSkewMs\":n,\"elapsedMs\":n}.
  Schemes without a token (NICEPAY basic, PortOne V2 secret) have no token endpoint to
  check: use `paytoken request` on a read-only path instead.
";

const VERIFY: &str = "\
paytoken verify - is this payment really paid, for this amount?

USAGE
  paytoken verify [PAYMENT_ID] --amount N [--currency C] [--order-id O] [--order-date YYYYMMDD]

  Looks the payment up at the gateway (never trust the browser) and compares it with
  what the shop expects. PAYMENT_ID is the gateway's id (PortOne V2 paymentId, V1
  imp_uid, NICEPAY tid); without it the payment is found by --order-id (V1
  merchant_uid; NICEPAY needs --order-date too). --amount is a whole number.
  Prints VERIFIED, or NOT VERIFIED with each reason (notFound, notPaid, cancelled,
  partiallyCancelled, amountDiffers, currencyDiffers, orderIdDiffers). With --json: the
  library's verdict object. Exit status 0 when verified, 10 when not, 1-7 when the
  gateway could not be asked.

EXAMPLES
  paytoken verify imp_123 --amount 1000 && ./fulfil-order 1000
  paytoken --json verify --order-id shop-7 --order-date 20261202 --amount 1000
";

pub fn text(topic: Option<&str>) -> Option<String> {
    Some(match topic {
        None => format!("{MAIN}{}{HOST_CACHE}{EXIT}", variables()),
        Some("token") => TOKEN.to_owned(),
        Some("request") => REQUEST.to_owned(),
        Some("stats") => STATS.to_owned(),
        Some("check") => CHECK.to_owned(),
        Some("verify") => VERIFY.to_owned(),
        Some(_) => return None,
    })
}

fn variables() -> String {
    let mut out = String::new();
    for (var, key, kind) in settings::variables() {
        let kind = match kind {
            ConfigKeyType::String => "text",
            ConfigKeyType::Integer => "number",
            ConfigKeyType::Boolean => "true/false",
        };
        out.push_str(&format!("  {var:<30} {key} ({kind})\n"));
    }
    out
}
