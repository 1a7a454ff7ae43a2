#include "isal_shim.h"

#include <stdlib.h>

#if defined(__has_include)
#if __has_include(<isa-l/igzip_lib.h>)
#define TAILSCAN_HAVE_ISAL 1
#endif
#endif

#ifdef TAILSCAN_HAVE_ISAL
#include <dlfcn.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>

struct tailscan_isal {
  struct inflate_state state;
};

static void (*isal_init)(struct inflate_state *);
static int (*isal_run)(struct inflate_state *);
static void (*isal_reset)(struct inflate_state *);
static const char *load_failure;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *library = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    load_failure = "libisal.so.2 did not load (Debian: apt-get install libisal2)";
    return;
  }
  isal_init = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_init");
  isal_run = (int (*)(struct inflate_state *))dlsym(library, "isal_inflate");
  isal_reset = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_reset");
  if (isal_init == NULL || isal_run == NULL || isal_reset == NULL) {
    isal_init = NULL;
    load_failure = "libisal.so.2 lacks isal_inflate_init, isal_inflate or isal_inflate_reset";
  }
}

int tailscan_isal_available(const char **reason) {
  pthread_once(&load_once, load);
  if (isal_init != NULL) return 1;
  if (reason != NULL) *reason = load_failure;
  return 0;
}

tailscan_isal *tailscan_isal_create(void) {
  if (!tailscan_isal_available(NULL)) return NULL;
  tailscan_isal *s = malloc(sizeof(tailscan_isal));
  if (s == NULL) return NULL;
  isal_init(&s->state);
  s->state.crc_flag = ISAL_GZIP;
  return s;
}

void tailscan_isal_destroy(tailscan_isal *s) { free(s); }

void tailscan_isal_reset(tailscan_isal *s) {
  uint8_t *next_in = s->state.next_in;
  uint32_t avail_in = s->state.avail_in;
  isal_reset(&s->state);
  s->state.crc_flag = ISAL_GZIP;
  s->state.next_in = next_in;
  s->state.avail_in = avail_in;
}

void tailscan_isal_set_input(tailscan_isal *s, const uint8_t *bytes, uint32_t count) {
  s->state.next_in = (uint8_t *)bytes;
  s->state.avail_in = count;
}

uint32_t tailscan_isal_avail_in(const tailscan_isal *s) { return s->state.avail_in; }

const uint8_t *tailscan_isal_next_in(const tailscan_isal *s) { return s->state.next_in; }

void tailscan_isal_skip(tailscan_isal *s, uint32_t count) {
  if (count > s->state.avail_in) count = s->state.avail_in;
  s->state.next_in += count;
  s->state.avail_in -= count;
}

int tailscan_isal_inflate(
    tailscan_isal *s, uint8_t *out, uint32_t capacity, uint32_t *produced, int *finished) {
  s->state.next_out = out;
  s->state.avail_out = capacity;
  int rc = isal_run(&s->state);
  *produced = capacity - s->state.avail_out;
  *finished = s->state.block_state == ISAL_BLOCK_FINISH;
  return rc;
}

#else

int tailscan_isal_available(const char **reason) {
  if (reason != NULL) *reason = "built without ISA-L's header (Debian: apt-get install libisal-dev)";
  return 0;
}
tailscan_isal *tailscan_isal_create(void) { return NULL; }
void tailscan_isal_destroy(tailscan_isal *s) { (void)s; }
void tailscan_isal_reset(tailscan_isal *s) { (void)s; }
void tailscan_isal_set_input(tailscan_isal *s, const uint8_t *bytes, uint32_t count) {
  (void)s; (void)bytes; (void)count;
}
uint32_t tailscan_isal_avail_in(const tailscan_isal *s) { (void)s; return 0; }
const uint8_t *tailscan_isal_next_in(const tailscan_isal *s) { (void)s; return NULL; }
void tailscan_isal_skip(tailscan_isal *s, uint32_t count) { (void)s; (void)count; }
int tailscan_isal_inflate(
    tailscan_isal *s, uint8_t *out, uint32_t capacity, uint32_t *produced, int *finished) {
  (void)s; (void)out; (void)capacity;
  *produced = 0;
  *finished = 0;
  return -1;
}

#endif
