/*
 * paytoken_get_token on a warm cache from C: one thread, then as many threads as cores,
 * all calling at once on one shared client. Each call is what a caller pays: the copy
 * out (paytoken_get_token) and the release (paytoken_string_free).
 *
 *   cached_token BASE_URL [RUNS]
 *
 * Prints one JSON line per measurement and run (see scripts/bench.sh); any failed call
 * aborts with the library's message.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "paytoken.h"

#define CALLS_PER_THREAD 1000000L

static paytoken_client *client;
static pthread_barrier_t start_line;

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

static void *caller(void *unused) {
  (void)unused;
  pthread_barrier_wait(&start_line);
  for (long i = 0; i < CALLS_PER_THREAD; i++) one_call();
  return NULL;
}

/* Wall-clock nanoseconds per call as each of `threads` callers sees it. */
static double per_call_ns(int threads) {
  pthread_t ids[threads];
  pthread_barrier_init(&start_line, NULL, threads + 1);
  for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, caller, NULL);
  pthread_barrier_wait(&start_line);
  double started = now_ns();
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  double elapsed = now_ns() - started;
  pthread_barrier_destroy(&start_line);
  return elapsed / CALLS_PER_THREAD;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cached_token BASE_URL [RUNS]\n");
    return 2;
  }
  int runs = argc > 2 ? atoi(argv[2]) : 7;
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
  one_call(); /* the one token fetch: every timed call below is a cache hit */
  per_call_ns(1);
  for (int run = 0; run < runs; run++) {
    double single = per_call_ns(1), all = per_call_ns(cores);
    printf("{\"id\":\"c.token.1\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\"}\n", run, single);
    printf("{\"id\":\"c.token.all\",\"run\":%d,\"value\":%.2f,\"unit\":\"ns\",\"threads\":%d}\n", run, all, cores);
    fprintf(stderr, "  C run %d: %.1f ns/call on 1 thread, %.1f ns/call on each of %d threads\n", run, single, all, cores);
  }
  paytoken_client_free(client);
  return 0;
}
