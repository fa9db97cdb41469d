/* Secrets are wiped for real: after fetching a token, sending requests and freeing
 * everything, this process's writable memory (read through /proc/self/maps and
 * /proc/self/mem) holds each secret only where the cache keeps it by design:
 *
 *   - credentials (and NICEPAY's Basic base64 pair): nowhere once no client lives;
 *   - the cached token: only in the cache (at most its two slots: the locked state and
 *     the lock-free copy), and nowhere once it is invalidated.
 *
 * The needles themselves never sit in writable memory: the credentials are string
 * literals (read-only pages), and the token is kept XOR-masked.
 * Run against a simulator (PAYTOKEN_SIM_URL; with PAYTOKEN_CA_FILE, over TLS) by
 * `make -C tests/c memscan`, which runs it both ways. */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "paytoken.h"

#define MASK 0x5a
#define CHUNK (1u << 20)

static int failed;
static const char *sim_url;
static unsigned char *scan_buf; /* mmap'ed: skipped by the scan */

/* A needle: read-only text, or masked bytes (unmasked only while comparing). */
struct needle {
  const char *name;
  const unsigned char *bytes;
  size_t len;
  int masked;
};

static unsigned char at(const struct needle *n, size_t i) {
  return n->masked ? (unsigned char)(n->bytes[i] ^ MASK) : n->bytes[i];
}

static size_t count_in(const unsigned char *hay, size_t len, const struct needle *n) {
  size_t found = 0;
  if (len < n->len) return 0;
  unsigned char first = at(n, 0);
  for (size_t i = 0; i + n->len <= len; i++) {
    if (hay[i] != first) continue;
    size_t k = 1;
    while (k < n->len && hay[i + k] == at(n, k)) k++;
    if (k == n->len) found++;
  }
  return found;
}

/* Occurrences of the needle in every readable+writable mapping but the scan buffer. */
static size_t count_in_memory(const struct needle *n) {
  FILE *maps = fopen("/proc/self/maps", "r");
  int mem = open("/proc/self/mem", O_RDONLY);
  size_t total = 0;
  char line[512];
  if (!maps || mem < 0) {
    fprintf(stderr, "cannot open /proc/self/maps or /proc/self/mem\n");
    exit(2);
  }
  while (fgets(line, sizeof line, maps)) {
    uintptr_t lo, hi;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3) continue;
    if (perms[0] != 'r' || perms[1] != 'w') continue;
    if (strstr(line, "[vvar") || strstr(line, "[vsyscall]")) continue;
    if (lo == (uintptr_t)scan_buf) continue;
    /* Chunks overlap by len-1 bytes, so a needle across a boundary is seen once. */
    for (uintptr_t off = lo; off < hi;) {
      size_t want = hi - off < CHUNK ? hi - off : CHUNK;
      ssize_t got = pread(mem, scan_buf, want, (off_t)off);
      if (got <= 0) break;
      size_t here = count_in(scan_buf, (size_t)got, n);
      if (here && getenv("MEMSCAN_VERBOSE")) fprintf(stderr, "  %s in %s", n->name, line);
      total += here;
      if (off + (size_t)got >= hi || (size_t)got < n->len) break;
      off += (size_t)got - (n->len - 1);
    }
  }
  memset(scan_buf, 0, CHUNK);
  fclose(maps);
  close(mem);
  return total;
}

static void expect_at_most(const struct needle *n, size_t most, const char *when) {
  size_t found = count_in_memory(n);
  if (found > most) {
    failed++;
    fprintf(stderr, "FAIL %s: %s found %zu times in writable memory (at most %zu)\n", when,
            n->name, found, most);
  } else {
    printf("ok   %s: %s found %zu times (at most %zu)\n", when, n->name, found, most);
  }
}

static void expect_at_least(const struct needle *n, size_t least, const char *when) {
  size_t found = count_in_memory(n);
  if (found < least) {
    failed++;
    fprintf(stderr, "FAIL %s: %s found %zu times, expected at least %zu (is the scan blind?)\n",
            when, n->name, found, least);
  } else {
    printf("ok   %s: %s found %zu times (at least %zu)\n", when, n->name, found, least);
  }
}

/* Builds the config in a stack buffer, makes the client, and wipes the buffer. */
static paytoken_client *client_for(const char *fmt) {
  char config[1024];
  paytoken_client *client = NULL;
  paytoken_error err;
  /* Not snprintf: glibc's printf may stage the text in its own stack buffers. */
  const char *hole = strstr(fmt, "%s");
  size_t head = (size_t)(hole - fmt);
  if (!hole || head + strlen(sim_url) + strlen(hole + 2) >= sizeof config) exit(2);
  memcpy(config, fmt, head);
  strcpy(config + head, sim_url);
  strcat(config, hole + 2);
  if (paytoken_client_new(config, &client, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "client_new: %s\n", err.message);
    exit(2);
  }
  explicit_bzero(config, sizeof config);
  return client;
}

/* Fetches the token into a masked copy; the library's copy is freed (and wiped). */
static size_t masked_token(paytoken_client *client, unsigned char *out, size_t cap) {
  char *token = NULL;
  paytoken_error err;
  if (paytoken_get_token(client, &token, &err) != PAYTOKEN_OK) {
    fprintf(stderr, "get_token: %s\n", err.message);
    exit(2);
  }
  size_t len = strlen(token);
  if (len >= cap) exit(2);
  for (size_t i = 0; i < len; i++) out[i] = (unsigned char)token[i] ^ MASK;
  paytoken_string_free(token);
  return len;
}

static void request(paytoken_client *client, const char *method, const char *path) {
  paytoken_response *res = NULL;
  paytoken_error err;
  const char *body = strcmp(method, "GET") == 0 ? NULL : "{}";
  size_t len = body ? 2 : 0;
  if (paytoken_request(client, method, path, NULL, (const uint8_t *)body, len, &res, &err) !=
      PAYTOKEN_OK) {
    fprintf(stderr, "request %s %s: %s\n", method, path, err.message);
    exit(2);
  }
  paytoken_response_free(res);
}

/* Standard base64, for the Basic pair. */
static void base64(const char *in, char *out) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = strlen(in), o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)(unsigned char)in[i + 1] << 8;
    if (i + 2 < n) v |= (unsigned char)in[i + 2];
    out[o++] = abc[(v >> 18) & 63];
    out[o++] = abc[(v >> 12) & 63];
    out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? abc[v & 63] : '=';
  }
  out[o] = 0;
}

#define CK "S2_sim_client_key"
#define SK "sim_nicepay_secret_key"
#define IK "sim_imp_key"
#define IS "sim_imp_secret"
#define AS "sim_portone_v2_api_secret"

int main(void) {
  sim_url = getenv("PAYTOKEN_SIM_URL");
  if (!sim_url) {
    fprintf(stderr, "set PAYTOKEN_SIM_URL\n");
    return 2;
  }
  /* Over TLS (make memscan-tls): the simulator's root joins each config after baseUrl. */
  static char url_and_ca[2048];
  const char *ca = getenv("PAYTOKEN_CA_FILE");
  if (ca) {
    if (strlen(sim_url) + strlen(ca) + 16 >= sizeof url_and_ca) return 2;
    strcpy(url_and_ca, sim_url);
    strcat(url_and_ca, "\",\"caFile\":\"");
    strcat(url_and_ca, ca);
    sim_url = url_and_ca;
  }
  scan_buf = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (scan_buf == MAP_FAILED) return 2;

  /* The Basic pair, masked at once. */
  char plain_b64[128];
  unsigned char basic_masked[128];
  base64(CK ":" SK, plain_b64);
  size_t basic_len = strlen(plain_b64);
  for (size_t i = 0; i < basic_len; i++) basic_masked[i] = (unsigned char)plain_b64[i] ^ MASK;
  explicit_bzero(plain_b64, sizeof plain_b64);

  struct needle ck = {"NICEPAY clientKey", (const unsigned char *)CK, strlen(CK), 0};
  struct needle sk = {"NICEPAY secretKey", (const unsigned char *)SK, strlen(SK), 0};
  struct needle basic = {"NICEPAY Basic pair", basic_masked, basic_len, 1};
  struct needle ik = {"PortOne V1 impKey", (const unsigned char *)IK, strlen(IK), 0};
  struct needle is = {"PortOne V1 impSecret", (const unsigned char *)IS, strlen(IS), 0};
  struct needle as = {"PortOne V2 apiSecret", (const unsigned char *)AS, strlen(AS), 0};

  static const char *NICE = "{\"gateway\":\"nicepay\",\"clientKey\":\"" CK "\",\"secretKey\":\"" SK
                            "\",\"baseUrl\":\"%s\"}";
  static const char *NICE_BASIC = "{\"gateway\":\"nicepay\",\"clientKey\":\"" CK
                                  "\",\"secretKey\":\"" SK "\",\"baseUrl\":\"%s\",\"auth\":\"basic\"}";
  static const char *V1 = "{\"gateway\":\"portone-v1\",\"impKey\":\"" IK "\",\"impSecret\":\"" IS
                          "\",\"baseUrl\":\"%s\"}";
  static const char *V2 = "{\"gateway\":\"portone-v2\",\"apiSecret\":\"" AS
                          "\",\"baseUrl\":\"%s\",\"auth\":\"token\"}";
  static const char *V2_SECRET = "{\"gateway\":\"portone-v2\",\"apiSecret\":\"" AS
                                 "\",\"baseUrl\":\"%s\"}";

  unsigned char tok[3][4096];
  size_t tok_len[3];
  const char *fmts[3] = {NICE, V1, V2};
  const char *paths[3] = {"/v1/payments/T_memscan", "/payments/imp_memscan",
                          "/payments/memscan"};

  /* 1. While a client lives, its credentials are in memory: the scan can see them. */
  paytoken_client *live = client_for(V1);
  expect_at_least(&is, 1, "client alive");
  paytoken_client_free(live);

  /* 2. Every token scheme: fetch, request twice (the token goes out as Bearer), free. */
  for (int g = 0; g < 3; g++) {
    paytoken_client *c = client_for(fmts[g]);
    tok_len[g] = masked_token(c, tok[g], sizeof tok[g]);
    request(c, "GET", paths[g]);
    request(c, "POST", paths[g]);
    paytoken_client_free(c);
  }
  /* The schemes without a token: credentials in every request header. */
  paytoken_client *basic_client = client_for(NICE_BASIC);
  request(basic_client, "GET", paths[0]);
  paytoken_client_free(basic_client);
  paytoken_client *secret_client = client_for(V2_SECRET);
  request(secret_client, "GET", paths[2]);
  paytoken_client_free(secret_client);

  const char *freed = "all clients freed";
  expect_at_most(&ck, 0, freed);
  expect_at_most(&sk, 0, freed);
  expect_at_most(&basic, 0, freed);
  expect_at_most(&ik, 0, freed);
  expect_at_most(&is, 0, freed);
  expect_at_most(&as, 0, freed);
  const char *names[3] = {"NICEPAY token", "PortOne V1 token", "PortOne V2 token"};
  struct needle tokens[3];
  for (int g = 0; g < 3; g++) {
    tokens[g] = (struct needle){names[g], tok[g], tok_len[g], 1};
    /* By design the cache keeps it: once in its state, once in its lock-free slot. */
    expect_at_least(&tokens[g], 1, "cached");
    expect_at_most(&tokens[g], 2, "cached");
  }

  /* 3. Invalidated: the token is gone from memory (the client made for it, too). */
  for (int g = 0; g < 3; g++) {
    paytoken_client *c = client_for(fmts[g]);
    paytoken_invalidate(c, NULL, NULL);
    paytoken_client_free(c);
    expect_at_most(&tokens[g], 0, "invalidated");
  }
  expect_at_most(&ck, 0, "after invalidation");
  expect_at_most(&as, 0, "after invalidation");

  printf("%s\n", failed ? "memscan: FAILED" : "memscan: every secret only where the cache keeps it");
  return failed ? 1 : 0;
}
