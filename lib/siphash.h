/*
 * lib/siphash.h - SipHash, the keyed hash of J.-P. Aumasson and D. J.
 * Bernstein ("SipHash: a fast short-input PRF", INDOCRYPT 2012), with a
 * 64-bit output, and the per-process random key the library's hash tables
 * are keyed with (part "base", private).
 *
 * The tables hash input an attacker chooses (the maillog summary is keyed
 * by forged envelope senders): with a secret random key the attacker
 * cannot compute which keys collide.  They use SipHash-1-3 (one
 * compression round per 8-byte block, three finalization rounds), the
 * variant hash tables commonly use; the round counts are parameters so the
 * tests check the code against the paper's SipHash-2-4 vector first.
 */
#ifndef DSNG_SIPHASH_H
#define DSNG_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The 128-bit key as the paper's k0 (bytes 0-7) and k1 (bytes 8-15),
 * each read little-endian. */
struct dsng__sipkey {
	uint64_t k0, k1;
};

/* The key of 16 bytes in the paper's byte order. */
void dsng__sipkey_from_bytes(struct dsng__sipkey *key,
                             const unsigned char bytes[16]);

/* SipHash-c-d of len bytes of p (p may be NULL when len is 0). */
uint64_t dsng__siphash(const struct dsng__sipkey *key, const void *p,
                       size_t len, unsigned c_rounds, unsigned d_rounds);

/* SipHash-1-3, what the hash tables use. */
uint64_t dsng__siphash13(const struct dsng__sipkey *key, const void *p,
                         size_t len);

/* Where a key came from, best first. */
enum dsng__sipkey_source {
	DSNG__SIPKEY_GETRANDOM = 1, /* getrandom(2), GRND_NONBLOCK */
	DSNG__SIPKEY_URANDOM,       /* /dev/urandom: getrandom(2) failed
	                               (ENOSYS on Linux < 3.17, a seccomp
	                               filter, EAGAIN before the kernel's pool
	                               is initialised) */
	DSNG__SIPKEY_CLOCK,         /* neither worked (no /dev in a chroot):
	                               the clocks, the pid and ASLR addresses
	                               mixed by SipHash.  Not a fixed key, but
	                               only as unpredictable as those are. */
};

/*
 * The per-process key: 128 random bits read once, on first use, by
 * whichever thread gets there first (a C11 atomic publishes it; threads
 * racing on the first call each read a candidate, one wins, all return the
 * winner's).  This is the library's one piece of global state: written
 * once, read-only afterwards, so the library stays reentrant.  A forked
 * child shares its parent's key.
 */
const struct dsng__sipkey *dsng__siphash_process_key(void);

/* Where the process key came from (reads it first if need be). */
enum dsng__sipkey_source dsng__siphash_process_key_source(void);

/* A fresh key, trying the sources from `first` on (the tests start at
 * each); returns the source used. */
enum dsng__sipkey_source dsng__sipkey_generate(struct dsng__sipkey *key,
                                               enum dsng__sipkey_source first);

/* A new key for a table that re-keys itself (lib/maillog_map.c): a PRF,
 * under the process key, of a process-wide counter, so every call gives
 * an unrelated key and the process key itself is never exposed. */
void dsng__sipkey_next(struct dsng__sipkey *out);

#endif /* DSNG_SIPHASH_H */
