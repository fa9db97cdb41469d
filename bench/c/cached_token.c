/*
 * paytoken_get_token on a warm cache from C: one thread, then as many threads as cores,
 * all calling at once on one shared client. Each call is what a caller pays: the copy
 * out (paytoken_get_token) and the release (paytoken_string_free).
 *
 * Beside it, in the same run, the floor any cache of a string shared between threads
 * pays (c.token.bare): an atomic load of the cached string, then malloc, copy and free
 * of its bytes (the token's length). paytoken's call adds to that its freshness check,
 * its counters, its error scrubbing scope and the wiping of the copy on release.
 *
 *   cached_token BASE_URL [RUNS] [CALLS_PER_THREAD]
 *
 * Prints one JSON line per measurement and run (see scripts/bench.sh); any failed call
 * aborts with the library's message.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "paytoken.h"

static long calls_per_thread = 1000000L;
static paytoken_client *client;
static pthread_barrier_t start_line;

/* The bare reference's cache: one published string, read with an acquire load. */
struct cached {
  size_t len;
  char bytes[];
};
static _Atomic(struct cached *) bare_cache;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void one_call(void) {
  paytoken_error err;
  char *token;
  if (paytoken_get_token(client, &token, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "cached_token: paytoken_get_token failed: %s\n", err.message);
    exit(1);
  }
  paytoken_string_free(token);
}

/* The reference: load the shared string, hand out a malloc'd copy, free it. */
static void bare_call(void) {
  struct cached *c = atomic_load_explicit(&bare_cache, memory_order_acquire);
  char *copy = malloc(c->len + 1);
  if (copy == NULL) abort();
  memcpy(copy, c->bytes, c->len + 1);
  /* The copy escapes, as a caller's would: the compiler may not drop malloc/free. */
  __asm__ volatile("" : : "r"(copy) : "memory");
  free(copy);
}

/* The contract's floor: the reference plus what every paytoken_get_token hit must do. */
static paytoken_error floor_err;
static void floor_call(void) {
  paytoken_error *err = &floor_err;
  __asm__ volatile("" : "+r"(err)); /* a caller's struct: its zeroing may not be dropped */
  memset(err, 0, sizeof *err);      /* "zeroes on success" (docs/c-api.md) */
  __asm__ volatile("" : : "r"(err) : "memory");
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now); /* the cheapest clock a freshness check can read */
  if (now.tv_sec < 0) abort();
  struct cached *c = atomic_load_explicit(&bare_cache, memory_order_acquire);
  char *copy = malloc(c->len + 1);
  if (copy == NULL) abort();
  memcpy(copy, c->bytes, c->len + 1);
  __asm__ volatile("" : : "r"(copy) : "memory");
  memset(copy, 0, c->len + 1); /* the wipe on release */
  __asm__ volatile("" : : "r"(copy) : "memory");
  free(copy);
}

struct caller {
  void (*each)(void);
  double started, ended;
};

/* Each caller times itself: on a busy machine the main thread may resume only after the
   callers are done, so its own clock would miss their work. */
static void *caller(void *arg) {
  struct caller *c = arg;
  pthread_barrier_wait(&start_line);
  c->started = now_ns();
  for (long i = 0; i < calls_per_thread; i++) c->each();
  c->ended = now_ns();
  return NULL;
}

/* Wall-clock nanoseconds per call as each of `threads` callers sees it: from the first
   caller's start to the last caller's end, divided by one caller's calls. */
static double per_call_ns(int threads, void (*each)(void)) {
  pthread_t ids[threads];
  struct caller callers[threads];
  pthread_barrier_init(&start_line, NULL, threads + 1);
  for (int t = 0; t < threads; t++) {
    callers[t].each = each;
    pthread_create(&ids[t], NULL, caller, &callers[t]);
  }
  pthread_barrier_wait(&start_line);
  double first = 0, last = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    if (t == 0 || callers[t].started < first) first = callers[t].started;
    if (t == 0 || callers[t].ended > last) last = callers[t].ended;
  }
  pthread_barrier_destroy(&start_line);
  return (last - first) / calls_per_thread;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cached_token BASE_URL [RUNS]\n");
    return 2;
  }
  int runs = argc > 2 ? atoi(argv[2]) : 7;
  if (argc > 3) calls_per_thread = atol(argv[3]); /* fewer under valgrind */
  int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
  char config[512];
  snprintf(config, sizeof config,
           "{\"gateway\":\"portone-v1\",\"impKey\":\"sim_imp_key\",\"impSecret\":\"sim_imp_secret\",\"baseUrl\":\"%s\"}",
           argv[1]);
  paytoken_error err;
  if (paytoken_client_new(config, &client, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "cached_token: paytoken_client_new failed: %s\n", err.message);
    return 1;
  }
  /* The one token fetch: every timed call below is a cache hit. The reference caches a
     string of the token's length. */
  char *token;
  if (paytoken_get_token(client, &token, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "cached_token: paytoken_get_token failed: %s\n", err.message);
    return 1;
  }
  size_t len = strlen(token);
  struct cached *c = malloc(sizeof *c + len + 1);
  c->len = len;
  memset(c->bytes, 'x', len);
  c->bytes[len] = 0;
  paytoken_string_free(token);
  atomic_store_explicit(&bare_cache, c, memory_order_release);
  per_call_ns(1, one_call);
  per_call_ns(1, bare_call);
  per_call_ns(1, floor_call);
  for (int run = 0; run < runs; run++) {
    /* Side by side: the reference right before paytoken's call, in every run. */
    double bare = per_call_ns(1, bare_call), single = per_call_ns(1, one_call);
    double all = per_call_ns(cores, one_call);
    double contract = per_call_ns(1, floor_call);
    printf("{\"id\":\"c.token.bare\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\",\"bytes\":%zu}\n", run, bare, len);
    printf("{\"id\":\"c.token.1\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\"}\n", run, single);
    printf("{\"id\":\"c.token.floor\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\"}\n", run, contract);
    printf("{\"id\":\"c.token.all\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\",\"threads\":%d}\n", run, all, cores);
    fprintf(stderr, "  C run %d: %.1f ns/call on 1 thread (bare load and copy: %.1f ns, contract floor: %.1f ns), %.1f ns/call on each of %d threads\n",
            run, single, bare, contract, all, cores);
  }
  free(c);
  paytoken_client_free(client);
  return 0;
}
