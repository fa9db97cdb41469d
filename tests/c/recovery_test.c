/* Recovering from unknown outcomes through the C API (issue 13), against a running
 * simulator (PAYTOKEN_SIM_URL), under valgrind by `make test-c`: the README's worked
 * examples. A PortOne V2 cancel whose answer is lost after the gateway processed it is
 * resent with the same Idempotency-Key and returns the first answer, processed once; a
 * NICEPAY approval that times out is network-cancelled and the payment is cancelled.
 * Payments are created through the simulator's admin API, so their state is real.
 * Prints "N passed, N failed". */
#include "prelude.h"

static const char *V2 = "{\"gateway\":\"portone-v2\",\"apiSecret\":\"sim_portone_v2_api_secret\",\"baseUrl\":\"%s\"}";
static const char *NICE = "{\"gateway\":\"nicepay\",\"clientKey\":\"S2_sim_client_key\","
                          "\"secretKey\":\"sim_nicepay_secret_key\",\"baseUrl\":\"%s\"}";
/* The simulator's admin API, reached through the library itself (no key: idempotency off). */
static const char *ADMIN = "{\"gateway\":\"portone-v2\",\"apiSecret\":\"admin\",\"baseUrl\":\"%s\",\"idempotency\":false}";
static paytoken_client *admin_client;

/* An admin call; returns the body (malloc'ed, NUL-terminated) or NULL. */
static char *admin(const char *method, const char *path, const char *body) {
  paytoken_response *resp = NULL;
  paytoken_error err;
  size_t len = body ? strlen(body) : 0;
  if (paytoken_request(admin_client, method, path, NULL, (const uint8_t *)body, len, &resp, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "admin %s %s: %s\n", method, path, err.message);
    return NULL;
  }
  size_t n;
  const uint8_t *bytes = paytoken_response_body(resp, &n);
  char *copy = malloc(n + 1);
  memcpy(copy, bytes, n + 1);
  CHECK(paytoken_response_status(resp) == 200);
  paytoken_response_free(resp);
  return copy;
}

static void admin_do(const char *method, const char *path, const char *body) { free(admin(method, path, body)); }

/* The number after `"gateway":` inside the simulator's `"processed":{...}` counter. */
static long processed(const char *gateway) {
  char *stats = admin("GET", "/__sim/stats", NULL);
  char needle[64];
  long n = -1;
  snprintf(needle, sizeof needle, "\"%s\":", gateway);
  const char *p = stats ? strstr(stats, "\"processed\":{") : NULL;
  if (p && (p = strstr(p, needle))) n = strtol(p + strlen(needle), NULL, 10);
  free(stats);
  return n;
}

/* README worked example 1: a PortOne V2 cancel that must never be lost. */
static void v2_cancel_with_a_key(paytoken_client *pg) {
  paytoken_error err;
  char *key = NULL;
  /* 1. The key, before sending: store it with the order (here: keep it in memory). */
  CHECK(paytoken_idempotency_key_new(pg, "POST", &key, &err) == PAYTOKEN_OK && key && strlen(key) == 32);
  if (!key) return;
  char options[160];
  snprintf(options, sizeof options, "{\"idempotencyKey\":\"%s\",\"retryUnknownOutcome\":true,\"timeoutMs\":5000}", key);
  /* 2. Send it with that key; a lost answer is resent with the same key within 5 s. */
  const char *body = "{\"reason\":\"customer asked\",\"amount\":1000}";
  paytoken_response *resp = NULL;
  int32_t rc = paytoken_request_ex(pg, "POST", "/payments/pay-c1/cancel", NULL, (const uint8_t *)body, strlen(body),
                                   options, &resp, &err);
  if (rc != PAYTOKEN_OK) fprintf(stderr, "cancel: %s\n", err.message);
  CHECK(rc == PAYTOKEN_OK);
  if (rc == PAYTOKEN_OK) {
    CHECK(paytoken_response_status(resp) == 200);
    const char *sent = paytoken_response_idempotency_key(resp);
    CHECK(sent && strcmp(sent, key) == 0);
    size_t n;
    const char *text = paytoken_response_text(resp, &n);
    CHECK(strstr(text, "\"totalAmount\":1000") != NULL);
    paytoken_response_free(resp);
  }
  paytoken_string_free(key);
  CHECK(processed("portone-v2") == 1);
  char *stats = NULL;
  CHECK(paytoken_client_stats(pg, &stats, &err) == PAYTOKEN_OK && strstr(stats, "\"unknownOutcomeRetries\":1"));
  paytoken_string_free(stats);

  /* A lookup carries no key; neither does anything when the method does not change state. */
  CHECK(paytoken_idempotency_key_new(pg, "GET", &key, &err) == PAYTOKEN_OK && key == NULL);
  CHECK(paytoken_request(pg, "GET", "/payments/pay-c1", NULL, NULL, 0, &resp, &err) == PAYTOKEN_OK);
  CHECK(paytoken_response_idempotency_key(resp) == NULL);
  paytoken_response_free(resp);
  CHECK(paytoken_response_idempotency_key(NULL) == NULL);
  CHECK(paytoken_request_ex(pg, "POST", "/payments/pay-c1/cancel", NULL, NULL, 0, "{\"idempotencyKey\":\"short\"}",
                            &resp, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
}

/* README worked example 2: a NICEPAY approval whose outcome is unknown. */
static const char *nicepay_recover(paytoken_client *nice, const char *order_id, char *out, size_t out_len) {
  paytoken_error err;
  char *result = NULL;
  /* Within the hour: the answer says what to do (only bad arguments are errors). */
  if (paytoken_nicepay_netcancel(nice, order_id, NULL, &result, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "netcancel: %s\n", err.message);
    return NULL;
  }
  snprintf(out, out_len, "%s", result);
  paytoken_string_free(result);
  if (strstr(out, "\"outcome\":\"cancelled\"")) return "cancelled"; /* mark the order failed/refunded */
  if (strstr(out, "\"outcome\":\"notNeeded\"")) return "notNeeded"; /* nothing was charged: look it up */
  return "retry";                                                   /* call again, within the hour */
}

static void nicepay_approval_timeout(paytoken_client *nice) {
  paytoken_error err;
  paytoken_response *resp = NULL;
  const char *body = "{\"amount\":7000}";
  int32_t rc = paytoken_request_ex(nice, "POST", "/v1/payments/tid-c9", NULL, (const uint8_t *)body, strlen(body),
                                   "{\"timeoutMs\":800}", &resp, &err);
  CHECK(rc == PAYTOKEN_E_TIMEOUT);
  if (rc == PAYTOKEN_OK) paytoken_response_free(resp);
  CHECK(processed("nicepay") == 1); /* the gateway approved it all the same */

  char result[1024];
  const char *what = nicepay_recover(nice, "order-c9", result, sizeof result);
  CHECK(what && strcmp(what, "cancelled") == 0);
  CHECK(strstr(result, "\"resultCode\":\"0000\"") && strstr(result, "\"httpStatus\":200"));
  char *lookup = admin("GET", "/__sim/payments", NULL);
  CHECK(lookup && strstr(lookup, "\"status\":\"cancelled\""));
  free(lookup);
  what = nicepay_recover(nice, "order-c9", result, sizeof result);
  CHECK(what && strcmp(what, "notNeeded") == 0);

  /* A network cancel whose own answer is lost: "retry" with the error in resultMsg. */
  admin_do("POST", "/__sim/fault", "{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"close\"}");
  what = nicepay_recover(nice, "order-c9", result, sizeof result);
  CHECK(what && strcmp(what, "retry") == 0 && strstr(result, "\"httpStatus\":0"));

  /* signData without the secret key leaving the library. */
  const char *parts[] = {"order-c9", "2026-11-29T13:00:00+09:00"};
  char *hex = NULL;
  CHECK(paytoken_nicepay_sign(nice, parts, 2, &hex, &err) == PAYTOKEN_OK && hex && strlen(hex) == 64);
  CHECK(hex && strspn(hex, "0123456789abcdef") == 64);
  paytoken_string_free(hex);
}

static void bad_arguments(paytoken_client *pg, paytoken_client *nice) {
  paytoken_error err;
  char *out = NULL;
  const char *parts[] = {"x"};
  CHECK(paytoken_nicepay_sign(pg, parts, 1, &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT && out == NULL);
  CHECK(paytoken_nicepay_sign(nice, NULL, 1, &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_nicepay_netcancel(pg, "order-1", NULL, &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_nicepay_netcancel(nice, "", NULL, &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_nicepay_netcancel(nice, NULL, NULL, &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_nicepay_netcancel(NULL, "o", NULL, &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_idempotency_key_new(NULL, "POST", &out, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_idempotency_key_new(pg, "POST", NULL, &err) == PAYTOKEN_E_INVALID_ARGUMENT);
  CHECK(paytoken_idempotency_key_new(nice, "POST", &out, &err) == PAYTOKEN_OK && out == NULL);
}

int main(void) {
  require_sim_url();
  admin_client = make_client(ADMIN);
  paytoken_client *pg = make_client(V2);
  paytoken_client *nice = make_client(NICE);
  if (!admin_client || !pg || !nice) return 1;

  admin_do("POST", "/__sim/payments", "{\"gateway\":\"portone-v2\",\"id\":\"pay-c1\",\"amount\":5000}");
  admin_do("POST", "/__sim/fault", "{\"gateway\":\"portone-v2\",\"endpoint\":\"api\",\"kind\":\"process-then-hang\"}");
  v2_cancel_with_a_key(pg);

  admin_do("POST", "/__sim/payments",
           "{\"gateway\":\"nicepay\",\"id\":\"tid-c9\",\"orderId\":\"order-c9\",\"amount\":7000,\"status\":\"ready\"}");
  admin_do("POST", "/__sim/fault", "{\"gateway\":\"nicepay\",\"endpoint\":\"api\",\"kind\":\"process-then-hang\"}");
  nicepay_approval_timeout(nice);
  bad_arguments(pg, nice);

  paytoken_client_free(pg);
  paytoken_client_free(nice);
  paytoken_client_free(admin_client);
  return report("recovery_test");
}
