/*
 * The soak's C driver: a busy shop on the C API. Sync worker threads (lookups, token
 * lookups, partial cancels, client churn, a forked child now and then) and a dispatcher
 * keeping SOAK_INFLIGHT asynchronous calls in flight, against the simulator at SOAK_URL
 * until SOAK_SECONDS have passed. It prints nothing on stdout; it writes JSON lines of
 * events to SOAK_EVENTS (ticks, errors, overruns, cancels, a final summary), every token
 * it is given to SOAK_TOKENS (so the checker can look for them where they must not be),
 * and the library's log records to SOAK_LOG. soak/run.py reads them and asserts.
 *
 * SOAK_SABOTAGE (for soak/sabotage.sh only) breaks one property on the driver's side, never
 * the library: drop-callback, double-callback, leak-response, resend-nicepay,
 * token-in-log, token-storm, slow-call, stale-token.
 */
#define _GNU_SOURCE
#include "paytoken.h"
#include "driver_util.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SLOTS 4096
#define LOOKUP_MS 2000
#define CANCEL_MS 4000
#define N_CLIENTS 4

enum { NICEPAY, V1, V2_TOKEN, V2_SECRET };
static const char *GW_NAME[N_CLIENTS] = {"nicepay", "portone-v1", "portone-v2", "portone-v2"};
static paytoken_client *clients[N_CLIENTS];
static char configs[N_CLIENTS][512];

/* One asynchronous call: its generation tells a late second callback from a new call. */
struct slot {
  _Atomic uint32_t gen;
  _Atomic int state; /* 0 free, 1 pending, 2 done */
  _Atomic int flagged;
  double started, deadline;
};
static struct slot slots[MAX_SLOTS];
static int inflight_target = 200;
static _Atomic int inflight;
static pthread_mutex_t free_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t free_cond = PTHREAD_COND_INITIALIZER;

static _Atomic long pool_next[3];
static long pool_size;
static const char *name = "c";

static void config_for(int kind, const char *url, char *out, size_t n) {
  static const char *creds[N_CLIENTS] = {
      "\"gateway\":\"nicepay\",\"clientKey\":\"S2_sim_client_key\",\"secretKey\":\"sim_nicepay_secret_key\"",
      "\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\",\"impSecret\":\"sim_imp_secret\",\"refreshBeforeSecs\":2",
      "\"gateway\":\"portone-v2\",\"apiSecret\":\"sim_portone_v2_api_secret\",\"auth\":\"token\",\"refreshBeforeSecs\":2,"
      "\"retryUnknownOutcome\":true",
      "\"gateway\":\"portone-v2\",\"apiSecret\":\"sim_portone_v2_api_secret\",\"retryUnknownOutcome\":true",
  };
  /* The user agent tells the simulator's stale-token count which process sent a token. */
  snprintf(out, n,
           "{%s,\"baseUrl\":\"%s\",\"timeoutMs\":%d,\"connectTimeoutMs\":1000,\"maxInFlight\":1024,"
           "\"userAgent\":\"soak-%s\"}",
           creds[kind], url, LOOKUP_MS, name);
}

static void lookup_path(int kind, char *out, size_t n) {
  unsigned r = (unsigned)rand_below(100000);
  if (kind == NICEPAY) snprintf(out, n, "/v1/payments/T%u", r);
  else if (kind == V1) snprintf(out, n, "/payments/imp_%012u", r);
  else snprintf(out, n, "/payments/p%u", r);
}

static void lookup_sync(paytoken_client *c, int kind) {
  char path[64];
  lookup_path(kind, path, sizeof path);
  paytoken_error err;
  paytoken_response *resp = NULL;
  double t = now_ms();
  int32_t rc = paytoken_request_ex(c, "GET", path, NULL, NULL, 0, "{\"timeoutMs\":2000}", &resp, &err);
  static _Atomic int slowed;
  if (sabotage("slow-call") && !atomic_exchange(&slowed, 1)) sleep_ms(LOOKUP_MS + over_ms() + 1000);
  record_call("lookup", LOOKUP_MS, now_ms() - t, rc, &err);
  if (!sabotage("leak-response")) paytoken_response_free(resp);
  if (sabotage("token-storm")) paytoken_invalidate(c, NULL, NULL); /* a token request per call */
}

/* The stale-token sabotage: a NICEPAY token that has just been replaced is sent again,
 * bypassing the library (raw requests): rejected, then the fresh one, then 2.5 s later
 * the rejected one again — going back to a token the gateway refused. */
static void resend_replaced_token(const char *token) {
  static char previous[256];
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  char old[256] = "";
  pthread_mutex_lock(&lock);
  if (previous[0] && strcmp(previous, token) != 0) snprintf(old, sizeof old, "%s", previous);
  snprintf(previous, sizeof previous, "%s", token);
  pthread_mutex_unlock(&lock);
  if (!old[0]) return;
  raw_get_with_token(getenv("SOAK_URL"), "/v1/payments/T1", old);
  raw_get_with_token(getenv("SOAK_URL"), "/v1/payments/T1", token);
  sleep_ms(2500);
  raw_get_with_token(getenv("SOAK_URL"), "/v1/payments/T1", old);
}

static void token_sync(int kind) {
  paytoken_error err;
  char *tok = NULL;
  double t = now_ms();
  int32_t rc = paytoken_get_token(clients[kind], &tok, &err);
  record_call("token", LOOKUP_MS, now_ms() - t, rc, &err);
  if (tok) note_token(tok);
  if (tok && kind == NICEPAY && sabotage("stale-token")) resend_replaced_token(tok);
  static _Atomic int logged;
  if (tok && sabotage("token-in-log") && !atomic_exchange(&logged, 1)) log_line(1, "sabotage: token %s", tok);
  paytoken_string_free(tok);
  if (sabotage("token-storm")) paytoken_invalidate(clients[kind], NULL, NULL);
}

/* One partial cancel (100 of the payment's 1000) of the next payment of the pool. */
static void cancel_sync(int gw) {
  long n = pool_next[gw]++;
  if (n >= pool_size) return;
  int kind = gw == 2 ? V2_SECRET : gw;
  char path[128], body[256], id[64];
  if (gw == NICEPAY) {
    snprintf(id, sizeof id, "soak-%s-nicepay-%ld", name, n);
    snprintf(path, sizeof path, "/v1/payments/%s/cancel", id);
    snprintf(body, sizeof body, "{\"reason\":\"soak\",\"orderId\":\"o-%s\",\"cancelAmt\":100}", id);
  } else if (gw == V1) {
    snprintf(id, sizeof id, "soak-%s-portone-v1-%ld", name, n);
    snprintf(path, sizeof path, "/payments/cancel");
    snprintf(body, sizeof body, "{\"imp_uid\":\"%s\",\"reason\":\"soak\",\"amount\":100}", id);
  } else {
    snprintf(id, sizeof id, "soak-%s-portone-v2-%ld", name, n);
    snprintf(path, sizeof path, "/payments/%s/cancel", id);
    snprintf(body, sizeof body, "{\"reason\":\"soak\",\"amount\":100}");
  }
  for (int attempt = 0; attempt < 2; attempt++) {
    paytoken_error err;
    paytoken_response *resp = NULL;
    double t = now_ms();
    int32_t rc = paytoken_request_ex(clients[kind], "POST", path, NULL, (const uint8_t *)body,
                                     strlen(body), "{\"timeoutMs\":4000}", &resp, &err);
    record_call("cancel", CANCEL_MS, now_ms() - t, rc, &err);
    /* Confirmed: the gateway's answer says the cancel happened (a faulted 200 does not). */
    const char *text = rc == 0 ? paytoken_response_text(resp, NULL) : NULL;
    int confirmed = text && paytoken_response_status(resp) == 200 &&
                    strstr(text, gw == NICEPAY ? "\"resultCode\":\"0000\"" : gw == V1 ? "\"code\":0" : "\"cancellation\"");
    emit("{\"ev\":\"cancel\",\"gw\":\"%s\",\"id\":\"%s\",\"rc\":%d,\"status\":%d,\"confirmed\":%d}", GW_NAME[gw],
         id, rc, rc == 0 ? paytoken_response_status(resp) : err.http_status, confirmed);
    paytoken_response_free(resp);
    /* The sabotage: a shop that sends each NICEPAY cancel twice ("to be sure"). */
    if (!(sabotage("resend-nicepay") && gw == NICEPAY)) break;
  }
}

/* Client churn: a client made for one call and freed. */
static void churn_sync(void) {
  int kind = (int)rand_below(N_CLIENTS);
  paytoken_client *c = NULL;
  paytoken_error err;
  if (paytoken_client_new(configs[kind], &c, &err) != 0) {
    record_call("client_new", LOOKUP_MS, 0, err.code, &err);
    return;
  }
  lookup_sync(c, kind);
  paytoken_client_free(c);
}

/* A forked child uses the cached token and makes one call; the parent waits for it. */
static void fork_once(void) {
  double t = now_ms();
  pid_t pid = fork();
  if (pid == 0) {
    char *tok = NULL;
    paytoken_get_token_cached(clients[NICEPAY], &tok, NULL);
    paytoken_string_free(tok);
    paytoken_response *resp = NULL;
    paytoken_request_ex(clients[V1], "GET", "/payments/imp_000000000001", NULL, NULL, 0,
                        "{\"timeoutMs\":2000}", &resp, NULL);
    paytoken_response_free(resp);
    _exit(0);
  }
  if (pid < 0) return;
  emit("{\"ev\":\"fork\"}");
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (now_ms() - t > LOOKUP_MS + over_ms()) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      emit("{\"ev\":\"fork_hang\"}");
      break;
    }
    usleep(5000);
  }
  record_call("fork", LOOKUP_MS, now_ms() - t, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 7, NULL);
}

static void *sync_worker(void *arg) {
  long index = (long)arg;
  double last_fork = now_ms();
  seed_rand((unsigned)index * 7919u + (unsigned)getpid());
  while (!stopping()) {
    unsigned op = (unsigned)rand_below(100);
    busy_begin(index);
    int kind = (int)rand_below(N_CLIENTS);
    if (op < 55) lookup_sync(clients[kind], kind);
    else if (op < 70) token_sync((int)rand_below(3));
    else if (op < 85) cancel_sync((int)rand_below(3));
    else if (op < 97) churn_sync();
    else if (index == 0 && now_ms() - last_fork > 5000) fork_once(), last_fork = now_ms();
    busy_end(index);
  }
  return NULL;
}

static void on_done(void *user_data, int32_t status, void *result, const paytoken_error *error) {
  uintptr_t v = (uintptr_t)user_data;
  struct slot *s = &slots[v >> 32];
  int is_token = (v >> 31) & 1;
  uint32_t gen = (uint32_t)(v & 0x1fffffffu);
  if (sabotage("drop-callback") && rand_below(500) == 0) return; /* "lost" */
  double elapsed = now_ms() - s->started;
  int repeats = sabotage("double-callback") && rand_below(500) == 0 ? 2 : 1;
  int owned = 0;
  for (int i = 0; i < repeats; i++) {
    int expected = 1;
    if ((s->gen & 0x1fffffffu) != gen || !atomic_compare_exchange_strong(&s->state, &expected, 2)) {
      emit("{\"ev\":\"double\"}");
      count_double();
      continue;
    }
    owned = 1;
    record_call(is_token ? "token_async" : "lookup_async", (int)s->deadline, elapsed, status, error);
  }
  if (sabotage("token-storm")) paytoken_invalidate(clients[(v >> 29) & 3], NULL, NULL);
  if (result && is_token) {
    note_token(result);
    paytoken_string_free(result);
  } else if (result && !sabotage("leak-response")) {
    paytoken_response_free(result);
  }
  if (!owned) return;
  pthread_mutex_lock(&free_lock);
  s->state = 0;
  inflight--;
  pthread_cond_signal(&free_cond);
  pthread_mutex_unlock(&free_lock);
}

static void *async_dispatcher(void *arg) {
  (void)arg;
  int next = 0;
  while (!stopping()) {
    pthread_mutex_lock(&free_lock);
    while (inflight >= inflight_target && !stopping()) timed_wait(&free_cond, &free_lock, 200);
    pthread_mutex_unlock(&free_lock);
    if (stopping()) break;
    int i = next;
    while (slots[i].state != 0) i = (i + 1) % inflight_target;
    next = (i + 1) % inflight_target;
    struct slot *s = &slots[i];
    uint32_t gen = (++s->gen) & 0x1fffffffu;
    s->flagged = 0;
    s->started = now_ms();
    s->deadline = LOOKUP_MS;
    s->state = 1;
    inflight++;
    int kind = (int)rand_below(N_CLIENTS);
    int token = kind != V2_SECRET && rand_below(10) == 0;
    /* user data: slot << 32 | is-token << 31 | client kind << 29 | generation (29 bits) */
    uintptr_t ud = ((uintptr_t)i << 32) | ((uintptr_t)token << 31) | ((uintptr_t)kind << 29) | gen;
    paytoken_error err;
    int32_t rc;
    if (token) {
      rc = paytoken_get_token_async(clients[kind], on_done, (void *)ud, &err);
    } else {
      char path[64];
      lookup_path(kind, path, sizeof path);
      rc = paytoken_request_async(clients[kind], "GET", path, NULL, NULL, 0, "{\"timeoutMs\":2000}",
                                  on_done, (void *)ud, &err);
    }
    if (rc != 0) record_call("async_start", LOOKUP_MS, 0, rc, &err);
  }
  return NULL;
}

/* Every second: a tick with the counters, and any call overdue (pending past its
 * deadline plus the margin) reported once; at the end, what is still pending is lost. */
static void check_slots(int final) {
  for (int i = 0; i < MAX_SLOTS; i++) {
    struct slot *s = &slots[i];
    if (s->state == 1 && (final || now_ms() - s->started > s->deadline + over_ms()) && !s->flagged) {
      s->flagged = 1;
      emit("{\"ev\":\"%s\",\"kind\":\"async\",\"age_ms\":%.0f}", final ? "lost" : "overdue",
           now_ms() - s->started);
    }
  }
}

int main(void) {
  const char *url = getenv("SOAK_URL");
  if (!url) return fprintf(stderr, "driver: SOAK_URL not set\n"), 2;
  int threads = env_int("SOAK_THREADS", 6);
  inflight_target = env_int("SOAK_INFLIGHT", 200);
  if (inflight_target > MAX_SLOTS) inflight_target = MAX_SLOTS;
  pool_size = env_int("SOAK_POOL", 0);
  if (getenv("SOAK_NAME")) name = getenv("SOAK_NAME");
  if (util_init() != 0) return 2;
  for (int k = 0; k < N_CLIENTS; k++) {
    paytoken_error err;
    config_for(k, url, configs[k], sizeof configs[k]);
    if (paytoken_client_new(configs[k], &clients[k], &err) != 0)
      return fprintf(stderr, "driver: client_new: %s\n", err.message), 2;
  }
  pthread_t workers[64], dispatcher;
  if (threads > 64) threads = 64;
  for (long i = 0; i < threads; i++) pthread_create(&workers[i], NULL, sync_worker, (void *)i);
  pthread_create(&dispatcher, NULL, async_dispatcher, NULL);
  while (!stopping()) {
    sleep_ms(1000);
    check_slots(0);
    check_busy(threads);
    emit_tick(inflight);
  }
  pthread_join(dispatcher, NULL);
  for (int i = 0; i < threads; i++) pthread_join(workers[i], NULL);
  /* Every accepted asynchronous call gets its deadline plus the margin to call back. */
  double t = now_ms();
  while (inflight > 0 && now_ms() - t < LOOKUP_MS + over_ms()) sleep_ms(20);
  check_slots(1);
  emit_memory_end();
  for (int k = 0; k < N_CLIENTS; k++) paytoken_client_free(clients[k]);
  emit_final(inflight);
  return 0;
}
