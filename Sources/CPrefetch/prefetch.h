#ifndef TAILSCAN_CPREFETCH_H
#define TAILSCAN_CPREFETCH_H
// Swift has no prefetch intrinsic. Counting tables are far larger than the caches, so the
// n-gram counter prefetches the slot of an insert a few inserts ahead (DESIGN §9).
static inline void tailscan_prefetch(const void *address) {
  __builtin_prefetch(address, 1, 3);
}
#endif
