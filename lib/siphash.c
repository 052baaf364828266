/*
 * lib/siphash.c - SipHash-c-d with a 64-bit output, written from the
 * algorithm as the paper describes it (Aumasson, Bernstein: "SipHash: a
 * fast short-input PRF", section 2), and the per-process random key.
 *
 * State: four 64-bit words v0..v3 set from the key k0, k1 and the
 * constants "somepseudorandomlygeneratedbytes".  The message is read as
 * little-endian 64-bit words m_i; the last word holds the 0-7 remaining
 * bytes and, in its top byte, the message length mod 256.  For each word:
 * v3 ^= m_i, c SipRounds, v0 ^= m_i.  Then v2 ^= 0xff, d SipRounds, and the
 * output is v0 ^ v1 ^ v2 ^ v3.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "siphash.h"

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	       (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

/* The SipRound: two ARX half-rounds over (v0, v1) and (v2, v3) that then
 * mix across, rotations 13, 16, 21, 17 and 32. */
#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1;                                                      \
		v1 = rotl(v1, 13);                                             \
		v1 ^= v0;                                                      \
		v0 = rotl(v0, 32);                                             \
		v2 += v3;                                                      \
		v3 = rotl(v3, 16);                                             \
		v3 ^= v2;                                                      \
		v0 += v3;                                                      \
		v3 = rotl(v3, 21);                                             \
		v3 ^= v0;                                                      \
		v2 += v1;                                                      \
		v1 = rotl(v1, 17);                                             \
		v1 ^= v2;                                                      \
		v2 = rotl(v2, 32);                                             \
	} while (0)

/* Inlined with constant round counts, the loops below unroll. */
static inline uint64_t sip(const struct dsng__sipkey *key, const void *data,
                           size_t len, unsigned c, unsigned d)
{
	const unsigned char *p = data;
	uint64_t v0 = key->k0 ^ 0x736f6d6570736575ULL; /* "somepseu" */
	uint64_t v1 = key->k1 ^ 0x646f72616e646f6dULL; /* "dorandom" */
	uint64_t v2 = key->k0 ^ 0x6c7967656e657261ULL; /* "lygenera" */
	uint64_t v3 = key->k1 ^ 0x7465646279746573ULL; /* "tedbytes" */
	uint64_t m;
	size_t left = len;
	unsigned i;

	for (; left >= 8; left -= 8, p += 8) {
		m = le64(p);
		v3 ^= m;
		for (i = 0; i < c; i++)
			SIPROUND;
		v0 ^= m;
	}
	m = (uint64_t)(len & 0xff) << 56;
	for (i = 0; i < left; i++)
		m |= (uint64_t)p[i] << (8 * i);
	v3 ^= m;
	for (i = 0; i < c; i++)
		SIPROUND;
	v0 ^= m;
	v2 ^= 0xff;
	for (i = 0; i < d; i++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void dsng__sipkey_from_bytes(struct dsng__sipkey *key,
                             const unsigned char bytes[16])
{
	key->k0 = le64(bytes);
	key->k1 = le64(bytes + 8);
}

uint64_t dsng__siphash(const struct dsng__sipkey *key, const void *p,
                       size_t len, unsigned c_rounds, unsigned d_rounds)
{
	return sip(key, p, len, c_rounds, d_rounds);
}

uint64_t dsng__siphash13(const struct dsng__sipkey *key, const void *p,
                         size_t len)
{
	return sip(key, p, len, 1, 3);
}

/* All 16 bytes from getrandom(2), without blocking; 0 or -1. */
static int from_getrandom(unsigned char *b)
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(b + got, 16 - got, GRND_NONBLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int from_urandom(unsigned char *b)
{
	size_t got = 0;
	int fd;

	do
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	while (got < 16) {
		ssize_t n = read(fd, b + got, 16 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == 16 ? 0 : -1;
}

/* The last resort: whatever varies between processes and runs (both
 * clocks in nanoseconds, the pid, a stack, a data and a code address under
 * ASLR), compressed by SipHash under a constant key.  Documented in
 * siphash.h as weaker than the other two. */
static void from_clock(struct dsng__sipkey *key)
{
	static const int anchor = 1;
	static const struct dsng__sipkey mix = {0x0123456789abcdefULL,
	                                        0xfedcba9876543210ULL};
	struct {
		struct timespec rt, mono;
		pid_t pid;
		const void *stack, *data;
		uint64_t code;
	} in;

	memset(&in, 0, sizeof(in));
	clock_gettime(CLOCK_REALTIME, &in.rt);
	clock_gettime(CLOCK_MONOTONIC, &in.mono);
	in.pid = getpid();
	in.stack = &in;
	in.data = &anchor;
	in.code = (uint64_t)(uintptr_t)&from_clock;
	key->k0 = sip(&mix, &in, sizeof(in), 2, 4);
	in.code ^= 0x5555555555555555ULL;
	key->k1 = sip(&mix, &in, sizeof(in), 2, 4);
}

enum dsng__sipkey_source dsng__sipkey_generate(struct dsng__sipkey *key,
                                               enum dsng__sipkey_source first)
{
	unsigned char b[16];
	enum dsng__sipkey_source src;

	if (first <= DSNG__SIPKEY_GETRANDOM && !from_getrandom(b)) {
		src = DSNG__SIPKEY_GETRANDOM;
	} else if (first <= DSNG__SIPKEY_URANDOM && !from_urandom(b)) {
		src = DSNG__SIPKEY_URANDOM;
	} else {
		from_clock(key);
		return DSNG__SIPKEY_CLOCK;
	}
	dsng__sipkey_from_bytes(key, b);
	memset(b, 0, sizeof(b));
	return src;
}

/* 0: not read yet; 1: a thread is storing it; 2: ready.  The winner of the
 * 0 -> 1 exchange has already read its candidate, so the others wait for a
 * 16-byte copy only. */
static atomic_int key_state;
static struct dsng__sipkey process_key;
static enum dsng__sipkey_source process_source;
static atomic_ullong rekey_counter;

const struct dsng__sipkey *dsng__siphash_process_key(void)
{
	struct dsng__sipkey k;
	enum dsng__sipkey_source src;
	int expected = 0;

	if (atomic_load_explicit(&key_state, memory_order_acquire) == 2)
		return &process_key;
	src = dsng__sipkey_generate(&k, DSNG__SIPKEY_GETRANDOM);
	if (atomic_compare_exchange_strong_explicit(&key_state, &expected, 1,
	                                            memory_order_acq_rel,
	                                            memory_order_acquire)) {
		process_key = k;
		process_source = src;
		atomic_store_explicit(&key_state, 2, memory_order_release);
	} else {
		while (atomic_load_explicit(&key_state, memory_order_acquire) !=
		       2)
			sched_yield();
	}
	memset(&k, 0, sizeof(k));
	return &process_key;
}

enum dsng__sipkey_source dsng__siphash_process_key_source(void)
{
	dsng__siphash_process_key();
	return process_source;
}

void dsng__sipkey_next(struct dsng__sipkey *out)
{
	const struct dsng__sipkey *k = dsng__siphash_process_key();
	unsigned char in[16] = {'r', 'e', 'k', 'e', 'y', '0'};
	uint64_t n = atomic_fetch_add_explicit(&rekey_counter, 1,
	                                       memory_order_relaxed);
	unsigned i;

	for (i = 0; i < 8; i++)
		in[8 + i] = (unsigned char)(n >> (8 * i));
	out->k0 = sip(k, in, sizeof(in), 2, 4);
	in[5] = '1';
	out->k1 = sip(k, in, sizeof(in), 2, 4);
}
