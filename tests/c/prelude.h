/* What the C API tests share (api_test.c, async_test.c, recovery_test.c): the pass/fail
 * counters and CHECK, the simulator's URL, make_client and the closing report. Each test
 * program includes it once: it defines the counters. */
#ifndef PAYTOKEN_TEST_PRELUDE_H
#define PAYTOKEN_TEST_PRELUDE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paytoken.h"

static int passed, failed;

/* Counts a check; a failed one is reported with its line and goes on (the report counts). */
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      passed++;                                                                \
    } else {                                                                   \
      failed++;                                                                \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
    }                                                                          \
  } while (0)

/* The simulator the test talks to: $PAYTOKEN_SIM_URL (scripts/with-sim.sh sets it). */
static const char *sim_url;

/* Reads $PAYTOKEN_SIM_URL into sim_url; exits with 2 (not a test failure) without it. */
static inline void require_sim_url(void) {
  sim_url = getenv("PAYTOKEN_SIM_URL");
  if (!sim_url) {
    fprintf(stderr, "set PAYTOKEN_SIM_URL\n");
    exit(2);
  }
}

/* A client from a config template whose one %s is the simulator's URL. A refusal is a
 * failed CHECK (with the library's message) and returns NULL. */
static inline paytoken_client *make_client(const char *fmt) {
  char config[1024];
  paytoken_error err;
  paytoken_client *client = NULL;
  snprintf(config, sizeof config, fmt, sim_url);
  int32_t rc = paytoken_client_new(config, &client, &err);
  if (rc != PAYTOKEN_OK) fprintf(stderr, "client_new: %s\n", err.message);
  CHECK(rc == PAYTOKEN_OK && client != NULL && err.code == 0);
  return client;
}

/* Prints "NAME: N passed, N failed" and returns main's exit status. */
static inline int report(const char *name) {
  printf("%s: %d passed, %d failed\n", name, passed, failed);
  return failed ? 1 : 0;
}

#endif
