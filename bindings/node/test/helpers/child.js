'use strict';
// A `node -e` child process whose exit a test awaits while its own event loop stays free
// (spawnSync would block it: nothing could release a request the simulator holds).

const { spawn } = require('node:child_process');

/** Runs `node -e script ...args`: `exited` resolves to {code, signal, stdout, stderr}. A
 * child still running after 2 minutes is killed (signal SIGKILL): a process that never
 * exits fails its test instead of hanging the suite. */
function runNode(script, args = []) {
  const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const bound = setTimeout(() => child.kill('SIGKILL'), 120000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(bound);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited };
}

/** Waits until the simulator holds `n` requests, failing at once if the child exits first. */
function heldWhileRunning(sim, n, exited) {
  const early = exited.then((r) => {
    throw new Error(`the child exited (${r.code ?? r.signal}) before ${n} requests were held: ${r.stderr}`);
  });
  return Promise.race([sim.waitHeld(n), early]);
}

module.exports = { runNode, heldWhileRunning };
