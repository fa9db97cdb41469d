'use strict';
// The library's log records as 'log' events on an EventEmitter: `paytoken.logs.on('log',
// ({level, message}) => ...)`. While a listener is attached every record is collected
// (or from setLogLevel's level up); with none, the library's warnings (a failed token
// request, the token-storm guard, dropped records) go to process.emitWarning, Node's own
// channel for a library's warnings (type 'PayTokenWarning'), and nothing else is
// collected: quiet by default, the warnings shown, whatever the order of setup.
//
// The library queues records without blocking the thread that made the call (a full
// queue drops and counts them); JavaScript must run on the event loop, so this module
// polls the queue (paytoken_log_next, memory only) after each request and on an unref'd
// timer, and emits each record there.

const { EventEmitter } = require('node:events');
const { native, check } = require('./native');
const { invalidArgument } = require('./errors');

// The library's record levels: 1 and 2 are routine (fetches; cache hits), 3 a warning.
// The names are the same in every binding: 'debug' and 'warning'.
const LEVELS = { 1: 'debug', 2: 'debug', 3: 'warning' };
// What setLogLevel takes -> what the library collects (2: everything, 3: its warnings).
const COLLECT = { off: 0, warning: 3, debug: 2 };
const POLL_MS = 100;

const logs = new EventEmitter();
let timer = null;
let level = 0;
let minimum = 'debug';
// Whether setLogLevel was called: then its level stays, listener or not.
let chosen = false;

/**
 * Collects records from `name` up: 'debug' (everything), 'warning', or 'off'; adding a
 * 'log' listener picks 'debug'. The numbers 0, 1, 2 of 0.1 still work (deprecated).
 */
function setLevel(name) {
  chosen = true;
  collect(name);
}

function collect(name) {
  const wanted = typeof name === 'number' && [0, 1, 2].includes(name) ? name : COLLECT[name];
  if (wanted === undefined || typeof name === 'object') {
    throw invalidArgument(`unknown log level ${JSON.stringify(name)} (known: ${Object.keys(COLLECT).join(', ')})`);
  }
  minimum = name === 'debug' || name === 2 ? 'debug' : 'warning';
  const err = {};
  check(native().logConfigure(wanted, null, null, err), err);
  level = wanted;
  if (wanted > 0 && timer === null) {
    timer = setInterval(drainLogs, POLL_MS);
    timer.unref();
  } else if (wanted === 0 && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
}

/** Emits every queued record now (the queue is in memory: this never waits). */
function drainLogs() {
  if (level === 0) return;
  const n = native();
  const levelOut = [0];
  const messageOut = [null];
  while (n.logNext(levelOut, messageOut) === 1) {
    const name = LEVELS[levelOut[0]] || 'debug';
    if (logs.listenerCount('log') === 0) {
      if (name === 'warning') process.emitWarning(messageOut[0], { type: 'PayTokenWarning' });
    } else if (name === 'warning' || minimum === 'debug') {
      logs.emit('log', { level: name, message: messageOut[0] });
    }
  }
}

/** Called when a client is made: with no choice made, collect the warnings. */
function collectWarningsByDefault() {
  if (!chosen && level === 0) collect('warning');
}

// A listener wants every record unless setLogLevel chose a level (other than 'off').
logs.on('newListener', (event) => {
  if (event === 'log' && (level === 0 || (!chosen && level !== COLLECT.debug))) collect('debug');
});
logs.on('removeListener', (event) => {
  if (event === 'log' && logs.listenerCount('log') === 0 && !chosen) collect('warning');
});

/** Records dropped because the library's queue was full (process lifetime). */
function droppedLogs() {
  return Number(native().logDropped());
}

/** Whether the library's routine (debug) records are collected: then cache hits are logged. */
function debugCollected() {
  return level === COLLECT.debug;
}

module.exports = { logs, setLevel, drainLogs, droppedLogs, debugCollected, collectWarningsByDefault };
