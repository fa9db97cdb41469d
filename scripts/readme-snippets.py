#!/usr/bin/env python3
"""Runs every code block of the READMEs against the simulator, so a snippet that no
longer works fails `make test` (issue 12.7).

Which blocks run: every fenced block whose language is python, php, js/javascript, java,
c, sh or bash, unless its info string has the word `norun` (```sh norun): install
commands, server set-ups, output. Other languages (json, ini, xml, text...) are not run.

How a block runs, as written but for three documented adaptations:
- The origin is swapped for the simulator's: each client factory / config in the snippet
  gets the simulator's URL as its base URL (see ORIGIN_SWAPS), and the credential keys
  given literally (`client_key="S2_..."`, `\\"impKey\\":\\"...\\"`) get the simulator's
  credentials (see CREDENTIALS). Nothing else in the code is changed.
- Names a README snippet takes from its surroundings (`tid`, `orderId`, `impKey`,
  `clientKey`...) are defined by a per-language prelude with the simulator's values, and
  the same values are in the environment (NICEPAY_CLIENT_KEY, PORTONE_API_SECRET, ...).
- Statements are wrapped where the language needs it (Java: a class with main; C: main()
  with the standard includes and paytoken.h). PHP's `require 'vendor/autoload.php'` finds
  a vendor/autoload.php that loads the repository's own autoload.php (what Composer's
  would do), Node's `require('paytoken')` finds bindings/node, Python imports the package
  from bindings/python/src with PAYTOKEN_LIB pointing to target/release.
Shell blocks run with bash -e in a private network namespace when the machine allows one
(their fixed ports cannot collide with anything else), from the repository's top.

`norun` is for installation and set-up commands only (pip/npm/composer/mvn/apt/make
installs, server set-ups): a `norun` block of Python, PHP, JavaScript, Java or C code is
listed as such, since a worked example must run.

A block that needs a framework is run by that framework's suite instead, which `make test`
also runs: ```java spring (a Spring bean or service) is compiled and booted in a Spring
Boot application by the starter's ReadmeSnippetsTest (`make -C bindings/java test-spring`);
```php laravel-file=PATH (a file of a Laravel app, a route file say) is written into a
fresh Laravel application and served by its suite (LaravelAppTest, in `make test-php`).
Such a block is listed and counted as run there (see RUN_BY), not as `norun`; outside the
README that suite reads (the Java or PHP README) it fails, since nothing would run it.

Usage: scripts/readme-snippets.py [README...]   (default: every README of the project)
Prints one line per block, then per README how many blocks ran, passed and failed and how
many are `norun`, and the total; exits 1 if any failed or a code example is `norun`.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.path.join(ROOT, "target", "release")
SIM = os.environ.get("PAYTOKEN_SIM", os.path.join(LIB, "paytoken-sim"))
RUN = {"python": "python", "php": "php", "js": "js", "javascript": "js", "java": "java",
       "c": "c", "sh": "sh", "bash": "sh"}
TIMEOUT = 120
# Fence word -> the `make` target whose suite runs the block, for code that needs a framework
# to run, and the one README that suite reads its blocks from (such a block anywhere else
# would be run by nobody: it fails here).
# A word `name=value` is looked up by its name (```php laravel-file=routes/web.php).
RUN_BY = {"spring": ("make test-spring", os.path.join("bindings", "java", "README.md")),
          "laravel-file": ("make test-php", os.path.join("bindings", "php", "README.md"))}

CREDS = {
    "NICEPAY_CLIENT_KEY": "S2_sim_client_key",
    "NICEPAY_SECRET_KEY": "sim_nicepay_secret_key",
    "PORTONE_IMP_KEY": "sim_imp_key",
    "PORTONE_IMP_SECRET": "sim_imp_secret",
    "PORTONE_API_SECRET": "sim_portone_v2_api_secret",
}
# Credential key (any spelling a snippet uses) -> the simulator's value.
CREDENTIALS = {}
for names, env in [(("clientKey", "client_key"), "NICEPAY_CLIENT_KEY"),
                   (("secretKey", "secret_key"), "NICEPAY_SECRET_KEY"),
                   (("impKey", "imp_key"), "PORTONE_IMP_KEY"),
                   (("impSecret", "imp_secret"), "PORTONE_IMP_SECRET"),
                   (("apiSecret", "api_secret"), "PORTONE_API_SECRET")]:
    for name in names:
        CREDENTIALS[name] = CREDS[env]


def blocks(path):
    """(line, language, words, code) of each fenced block."""
    out, fence, start, info, lines = [], None, 0, "", []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            stripped = line.strip()
            if fence is None:
                m = re.match(r"^(`{3,}|~{3,})\s*(.*)$", stripped)
                if m:
                    fence, start, info, lines = m.group(1), n, m.group(2), []
            elif stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                words = info.split()
                lang = words[0].lower() if words else ""
                out.append((start, lang, words[1:], "".join(lines)))
                fence = None
            else:
                lines.append(line)
    if fence is not None:
        out.append((start, "unclosed", [], ""))
    return out


def swap_credentials(code):
    for key, value in CREDENTIALS.items():
        # key="...", key: '...', 'key' => '...', "key": "..."
        code = re.sub(r"""(['"]?\b%s\b['"]?\s*(?:=>|=|:)\s*)(["'])[^"'\n]*\2""" % key,
                      lambda m: f"{m.group(1)}{m.group(2)}{value}{m.group(2)}", code)
        # JSON inside a C or Java string: \"key\":\"...\"
        code = re.sub(r'(\\"%s\\"\s*:\s*\\")[^\\"]*(\\")' % key,
                      lambda m: f"{m.group(1)}{value}{m.group(2)}", code)
    return code


def call_end(code, open_paren):
    """Index of the parenthesis closing the one at open_paren."""
    depth, quote, i = 0, None, open_paren
    while i < len(code):
        c = code[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def add_last_argument(code, pattern, extend, append):
    """At each call matching `pattern` (ending at its '('): extend(last_arg) -> new text
    of the last argument when it is an options value, else add append(args)."""
    out, pos = [], 0
    for m in re.finditer(pattern, code):
        if m.start() < pos:
            continue
        close = call_end(code, m.end() - 1)
        if close < 0:
            continue
        args = code[m.end():close]
        out.append(code[pos:m.end()])
        out.append(extend(args) or append(args))
        pos = close
    out.append(code[pos:])
    return "".join(out)


def swap_origin(lang, code, sim):
    c_json = '"{\\"baseUrl\\":\\"%s\\",' % sim
    if lang == "python":
        code = re.sub(r"(\bpaytoken\.(?:Async)?Client\.(?:nicepay|portone_v1|portone_v2)\()",
                      r"\1base_url=PAYTOKEN_SIM_URL, ", code)
        code = re.sub(r"(\bpaytoken\.(?:Async)?Client\(\s*\{)", r'\1"baseUrl": PAYTOKEN_SIM_URL, ', code)
    elif lang == "js":
        code = re.sub(r"(\bClient\.(?:nicepay|portoneV1|portoneV2)\(\s*\{)", r"\1 baseUrl: PAYTOKEN_SIM_URL,", code)
        code = re.sub(r"(\bnew\s+Client\(\s*\{)", r"\1 baseUrl: PAYTOKEN_SIM_URL,", code)
    elif lang == "php":
        def extend(args):
            m = re.search(r"\[\s*$", args) or re.search(r"\[([^\[\]]*)\]\s*$", args)
            if not m:
                return None
            i = args.rindex("[", 0, m.end())
            return args[:i + 1] + "'baseUrl' => getenv('PAYTOKEN_SIM_URL'), " + args[i + 1:]
        code = add_last_argument(code, r"\bClient::(?:nicepay|portoneV1|portoneV2)\(", extend,
                                 lambda a: a + ", ['baseUrl' => getenv('PAYTOKEN_SIM_URL')]")
        code = re.sub(r"(\bnew\s+Client\(\s*\[)", r"\1'baseUrl' => getenv('PAYTOKEN_SIM_URL'), ", code)
    elif lang == "java":
        def extend(args):
            if "new PayTokenOptions()" in args:
                return args.replace("new PayTokenOptions()",
                                    "new PayTokenOptions().baseUrl(PAYTOKEN_SIM_URL)", 1)
            return None
        code = add_last_argument(code, r"\bPayTokenClient\.(?:nicepay|portoneV1|portoneV2)\(", extend,
                                 lambda a: a + ", new PayTokenOptions().baseUrl(PAYTOKEN_SIM_URL)")
        code = code.replace('new PayTokenClient("{', "new PayTokenClient(" + c_json)
    elif lang == "c":
        code = code.replace('"{\\"gateway\\"', c_json + '\\"gateway\\"')
    return code


PRELUDE_VALUES = {  # names README snippets take from their surroundings
    "tid": "T123", "orderId": "o-1", "impUid": "imp_1", "paymentId": "pay-1",
    "idempotencyKey": "idem-1",
}


def python_program(code):
    values = "\n".join(f"{snake(k)} = {k} = {v!r}" for k, v in PRELUDE_VALUES.items())
    creds = "\n".join(f"{k} = {v!r}" for k, v in CREDENTIALS.items())
    return f"""import os, logging, asyncio
PAYTOKEN_SIM_URL = os.environ["PAYTOKEN_SIM_URL"]
{values}
{creds}
secret = {CREDS["PORTONE_API_SECRET"]!r}
log = logging.getLogger("readme")
import paytoken
client = pg = paytoken.Client.nicepay(client_key=client_key, secret_key=secret_key, base_url=PAYTOKEN_SIM_URL)
{wrap_python_await(code)}"""


def wrap_python_await(code):
    # A snippet with top-level `await`/`async with` is the body of a coroutine, as in
    # the asyncio REPL (python -m asyncio) the README assumes.
    if re.search(r"^\s*(await |async with |async for )|[=(]\s*\(?await ", code, re.M):
        body = "".join("    " + line for line in code.splitlines(True))
        return f"async def readme_snippet():\n{body}\nasyncio.run(readme_snippet())\n"
    return code


def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def js_program(code, esm):
    values = "\n".join(f"const {k} = {v!r};" for k, v in PRELUDE_VALUES.items())
    creds = "\n".join(f"const {k} = {v!r};" for k, v in CREDENTIALS.items() if "_" not in k)
    defined = set(re.findall(r"\b(?:const|let|var)\s+(\w+)", code))
    defined |= {n.strip() for d in re.findall(r"\b(?:const|let|var|import)\s*\{([^}]*)\}", code) for n in d.split(",")}
    prelude = [f"const PAYTOKEN_SIM_URL = process.env.PAYTOKEN_SIM_URL;", values, creds,
               "const amount = 1004;",
               "async function reconcile(id) {}", "function alertOps(code) {}"]
    if "Client" not in defined:
        prelude.append("const { Client } = require('paytoken');")
    if "pg" not in defined:
        prelude.append("const pg = require('paytoken').Client.nicepay({ baseUrl: PAYTOKEN_SIM_URL, clientKey, secretKey });")
    prelude = "\n".join(line for line in prelude
                        if not re.match(r"const (\w+) ", line) or re.match(r"const (\w+) ", line).group(1) not in defined)
    if esm:  # the prelude's require() in an ES module
        prelude = "import { createRequire } from 'module';\nconst require = createRequire(import.meta.url);\n" + prelude
    return prelude + "\n" + code


def php_program(code):
    code = re.sub(r"^\s*<\?php\s*", "", code)
    values = "\n".join(f"${k} = {php_str(v)};" for k, v in PRELUDE_VALUES.items())
    creds = "\n".join(f"${k} = {php_str(v)};" for k, v in CREDENTIALS.items() if "_" not in k)
    uses = "".join(re.findall(r"^use [^;]+;\n", code, re.M))
    if re.search(r"\bClient::|\bnew\s+Client\b", code) and not re.search(r"^use [^;]*\\Client;", code, re.M):
        uses += "use PayToken\\Client;\n"  # the snippet continues the one before it
    body = re.sub(r"^use [^;]+;\n", "", code, flags=re.M)
    autoload = "" if "autoload.php" in body else "require 'vendor/autoload.php';\n"
    return f"<?php\n{uses}{autoload}{values}\n{creds}\n$clientKey = getenv('NICEPAY_CLIENT_KEY');\n{body}\n"


def php_str(v):
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def java_program(code):
    imports = "".join(re.findall(r"^import [^;]+;\n", code, re.M))
    body = re.sub(r"^import [^;]+;\n", "", code, flags=re.M)
    declared = set(re.findall(r"\b[A-Z]\w*(?:<[^<>]*>)?\s+(\w+)\s*[=;]", body))
    names = dict(PRELUDE_VALUES, id="pay-1", key="idem-1", body='{\\"reason\\":\\"test\\"}')
    names.update((k, v) for k, v in CREDENTIALS.items() if "_" not in k)
    values = "\n".join(f'        String {k} = "{v}";' for k, v in names.items() if k not in declared)
    creds = ""
    if "client" not in declared:
        creds = ("        PayTokenClient client = PayTokenClient.nicepay(clientKey, secretKey,"
                 " new PayTokenOptions().baseUrl(PAYTOKEN_SIM_URL));")
    body = "".join("        " + line for line in body.splitlines(True))
    return f"""import io.paytoken.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
{imports}
public class Snippet {{
    public static void main(String[] args) throws Exception {{
        String PAYTOKEN_SIM_URL = System.getenv("PAYTOKEN_SIM_URL");
{values}
{creds}
{body}
    }}
}}
"""


def c_program(code):
    return f"""#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paytoken.h"

int main(void) {{
{code}
  return 0;
}}
"""


class Runner:
    def __init__(self, work):
        self.work = work
        self.java_classpath = None

    def run(self, lang, code, env):
        d = tempfile.mkdtemp(dir=self.work)
        write = lambda name, text: open(os.path.join(d, name), "w", encoding="utf-8").write(text)
        if lang == "python":
            write("snippet.py", python_program(code))
            cmd = [python(), "snippet.py"]
        elif lang == "js":
            os.makedirs(os.path.join(d, "node_modules"))
            os.symlink(os.path.join(ROOT, "bindings", "node"), os.path.join(d, "node_modules", "paytoken"))
            # An ES module (import/export) runs as .mjs, anything else as CommonJS.
            esm = re.search(r"^\s*(import\s|export\s)", code, re.M) is not None
            name = "snippet.mjs" if esm else "snippet.cjs"
            write(name, js_program(code, esm))
            cmd = ["node", name]
            # The packages an app installs beside paytoken (express, prom-client): the
            # binding's devDependencies, found as the app's node_modules would be.
            env = dict(env, NODE_PATH=os.path.join(ROOT, "bindings", "node", "node_modules"))
        elif lang == "php":
            os.makedirs(os.path.join(d, "vendor"))
            write("vendor/autoload.php", "<?php\nrequire %s;\n" % php_str(os.path.join(ROOT, "bindings", "php", "autoload.php")))
            write("snippet.php", php_program(code))
            cmd = ["php", "-d", "ffi.enable=true", "snippet.php"]
        elif lang == "java":
            write("Snippet.java", java_program(code))
            cp = self.classpath() + os.pathsep + "."
            build = subprocess.run(["javac", "-cp", cp, "-d", ".", "Snippet.java"], cwd=d, env=env,
                                   capture_output=True, text=True, timeout=TIMEOUT)
            if build.returncode != 0:
                return build
            cmd = ["java", "-cp", cp, "Snippet"]
        elif lang == "c":
            write("snippet.c", c_program(code))
            build = subprocess.run(["cc", "-std=c99", "-Wall", "-D_POSIX_C_SOURCE=200809L", "-I", os.path.join(ROOT, "include"),
                                    "-o", "snippet", "snippet.c", "-L", LIB, "-lpaytoken", "-Wl,-rpath," + LIB],
                                   cwd=d, env=env, capture_output=True, text=True, timeout=TIMEOUT)
            if build.returncode != 0:
                return build
            cmd = ["./snippet"]
        else:
            write("snippet.sh", code)
            script = os.path.join(d, "snippet.sh")
            cmd = ["bash", "-e", script]
            if netns_available():
                cmd = ["unshare", "-n", "bash", "-c", 'ip link set lo up 2>/dev/null || true; exec bash -e "$0"', script]
            return run_group(cmd, ROOT, env)
        return subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True, timeout=TIMEOUT)

    def classpath(self):
        if self.java_classpath is None:
            java = os.path.join(ROOT, "bindings", "java")
            out = os.path.join(self.work, "java.classpath")
            subprocess.run(["mvn", "-B", "-q", "-ntp", "-DskipTests", "compile", "dependency:build-classpath",
                            "-Dmdep.outputFile=" + out], cwd=java, check=True, capture_output=True)
            self.java_classpath = os.path.join(java, "target", "classes") + os.pathsep + open(out).read().strip()
        return self.java_classpath


def run_group(cmd, cwd, env):
    """Runs cmd in its own process group and kills what it left in the background (output
    goes to a file: a background child would keep a pipe open)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            proc.wait(timeout=TIMEOUT)
        finally:
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            if proc.poll() is None:
                proc.wait()
        out.seek(0)
        return subprocess.CompletedProcess(cmd, proc.returncode, out.read(), "")


def python():
    venv = os.path.join(ROOT, "bindings", "python", ".venv", "bin", "python")
    return venv if os.path.exists(venv) else sys.executable


_netns = None


def netns_available():
    global _netns
    if _netns is None:
        _netns = subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    return _netns


def start_sim(readme):
    # The library's READMEs show lookups of example ids (T123, imp_1, ...): they run against
    # a simulator where every looked-up id exists (--implicit-payments), as the library's own
    # suites do. The simulator's README is about payment state: it gets the faithful one.
    flags = [] if readme.endswith(os.path.join("sim", "README.md")) else ["--implicit-payments"]
    proc = subprocess.Popen([SIM, "--port", "0", "--exit-on-stdin-eof", *flags], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    if "listening on" not in line:
        proc.kill()
        sys.exit(f"readme-snippets: the simulator did not start ({SIM})")
    return proc, line.split()[-1]


def main():
    readmes = sys.argv[1:] or (["README.md", "sim/README.md"] + sorted(glob.glob("bindings/*/README.md")))
    os.chdir(ROOT)
    passed = failed = skipped = 0
    per_readme = []
    norun_code = []
    work = tempfile.mkdtemp(prefix="paytoken-readme-")
    runner = Runner(work)
    try:
        for readme in readmes:
            sim, url = start_sim(readme)
            env = dict(os.environ, PAYTOKEN_SIM_URL=url, PAYTOKEN_LIB=os.path.join(LIB, "libpaytoken.so"),
                       PYTHONPATH=os.path.join(ROOT, "bindings", "python", "src"), **CREDS)
            counts = dict(ran=0, passed=0, failed=0, norun=0, other=0)
            per_readme.append((readme, counts))
            try:
                for line, lang, words, code in blocks(readme):
                    where = f"{readme}:{line}"
                    if lang == "unclosed":
                        failed += 1
                        print(f"FAILED {where}: unclosed code fence")
                        continue
                    run_by = [RUN_BY[w.split("=")[0]] for w in words if w.split("=")[0] in RUN_BY]
                    if lang in RUN and run_by and "norun" not in words:
                        target, suite_readme = run_by[0]
                        if not os.path.abspath(readme).endswith(os.sep + suite_readme):
                            failed += 1
                            counts["failed"] += 1
                            print(f"FAILED {where} ({lang}): {target} runs only {suite_readme}'s blocks")
                            continue
                        skipped += 1
                        counts.setdefault("elsewhere", {}).setdefault(target, 0)
                        counts["elsewhere"][target] += 1
                        print(f"there  {where} ({lang}): run by {target}")
                        continue
                    if lang not in RUN or "norun" in words:
                        skipped += 1
                        counts["norun" if "norun" in words else "other"] += 1
                        if "norun" in words and RUN.get(lang, "sh") != "sh":
                            norun_code.append(where)
                        continue
                    counts["ran"] += 1
                    kind = RUN[lang]
                    code = swap_credentials(swap_origin(kind, code, url))
                    try:
                        result = runner.run(kind, code, env)
                        ok, output = result.returncode == 0, result.stdout + result.stderr
                    except subprocess.TimeoutExpired:
                        ok, output = False, f"timed out after {TIMEOUT} s"
                    except (OSError, subprocess.CalledProcessError) as e:
                        ok, output = False, f"could not run: {e}"
                    if ok:
                        passed += 1
                        counts["passed"] += 1
                        print(f"ok     {where} ({lang})")
                    else:
                        failed += 1
                        counts["failed"] += 1
                        print(f"FAILED {where} ({lang}):\n" + "\n".join("    " + l for l in output.strip().splitlines()[-25:]))
            finally:
                sim.stdin.close()
                sim.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for readme, c in per_readme:
        elsewhere = "".join(f", {n} run by {target}" for target, n in c.get("elsewhere", {}).items())
        print(f"{readme}: {c['ran']} blocks ran ({c['passed']} passed, {c['failed']} failed){elsewhere}, "
              f"{c['norun']} norun, {c['other']} not code")
    for where in norun_code:
        print(f"NORUN  {where}: a code example marked norun (norun is for installation commands)")
    print(f"readme snippets: {passed} passed, {failed} failed ({skipped} blocks not run here: "
          "run by a framework's suite, norun or not code)")
    sys.exit(1 if failed or norun_code else 0)


if __name__ == "__main__":
    main()
