/*
 * tests/test_maillog_map.c - the maillog containers and their hash:
 * SipHash against the paper's SipHash-2-4 vector and independent
 * SipHash-1-3 values, the per-process key, the hash table (growth,
 * removal, keys that all collide under the old FNV-1a hash, re-keying on
 * an overlong probe), the slab and the string bag.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "dsng_test.h"
#include "maillog_map.h"
#include "siphash.h"

static const unsigned char key_bytes[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                            8, 9, 10, 11, 12, 13, 14, 15};

/* ---- SipHash ------------------------------------------------------------ */

/* The paper's vector (Aumasson, Bernstein, "SipHash: a fast short-input
 * PRF", appendix A): key 00 01 .. 0f, message 00 01 .. 0e (15 bytes),
 * SipHash-2-4 = 0xa129ca6149be45e5. */
static void test_siphash24_paper_vector(void **state)
{
	struct dsng__sipkey k;
	unsigned char msg[15];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	dsng__sipkey_from_bytes(&k, key_bytes);
	assert_true(k.k0 == 0x0706050403020100ULL);
	assert_true(k.k1 == 0x0f0e0d0c0b0a0908ULL);
	assert_true(dsng__siphash(&k, msg, sizeof(msg), 2, 4) ==
	            0xa129ca6149be45e5ULL);
}

/*
 * SipHash-2-4 and SipHash-1-3 of the messages 00 01 .. (len-1) under the
 * same key, for lengths that take every path (empty, a short tail, one
 * exact block, a block and a tail, 7 blocks and a tail).  Computed
 * independently with OpenSSL 3.0's SIPHASH MAC, which takes the round
 * counts as parameters; the 8 output bytes it prints are the 64-bit value
 * little-endian:
 *
 *   openssl mac -macopt hexkey:000102030405060708090a0b0c0d0e0f \
 *       -macopt size:8 [-macopt c-rounds:1 -macopt d-rounds:3] \
 *       -in MESSAGE SIPHASH
 *
 * (The 2-4 values of length 0 and 15 are also those of the reference
 * implementation's and the paper's vectors.)
 */
static const struct {
	size_t len;
	uint64_t h24, h13;
} vectors[] = {
        {0, 0x726fdb47dd0e0e31ULL, 0xabac0158050fc4dcULL},
        {1, 0x74f839c593dc67fdULL, 0xc9f49bf37d57ca93ULL},
        {7, 0xab0200f58b01d137ULL, 0xd3927d989bb11140ULL},
        {8, 0x93f5f5799a932462ULL, 0x369095118d299a8eULL},
        {15, 0xa129ca6149be45e5ULL, 0xd320d86d2a519956ULL},
        {16, 0x3f2acc7f57c29bdbULL, 0xcc4fdd1a7d908b66ULL},
        {63, 0x958a324ceb064572ULL, 0x9d199062b7bbb3a8ULL},
};

static void test_siphash_vectors(void **state)
{
	struct dsng__sipkey k;
	unsigned char msg[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	dsng__sipkey_from_bytes(&k, key_bytes);
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *g = dsng_test_guard(msg, vectors[i].len);
		assert_true(dsng__siphash(&k, g, vectors[i].len, 2, 4) ==
		            vectors[i].h24);
		assert_true(dsng__siphash(&k, g, vectors[i].len, 1, 3) ==
		            vectors[i].h13);
		assert_true(dsng__siphash13(&k, g, vectors[i].len) ==
		            vectors[i].h13);
		dsng_test_guard_free(g);
	}
	/* NULL with length 0 is the empty message */
	assert_true(dsng__siphash13(&k, NULL, 0) == vectors[0].h13);
}

static void *key_thread(void *arg)
{
	(void)arg;
	return (void *)dsng__siphash_process_key();
}

/* Threads racing on the first use all get the same key. */
static void test_process_key(void **state)
{
	pthread_t t[8];
	const void *got[8];
	const struct dsng__sipkey *k;
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, key_thread, NULL),
		                 0);
	for (i = 0; i < 8; i++) {
		void *r;
		assert_int_equal(pthread_join(t[i], &r), 0);
		got[i] = r;
	}
	k = dsng__siphash_process_key();
	for (i = 0; i < 8; i++)
		assert_ptr_equal(got[i], k);
	assert_false(k->k0 == 0 && k->k1 == 0);
	/* the kernel gives it (getrandom, or /dev/urandom under a seccomp
	 * filter that refuses the system call) */
	assert_true(dsng__siphash_process_key_source() <= DSNG__SIPKEY_URANDOM);
	assert_ptr_equal(dsng__siphash_process_key(), k);
}

/* Each fallback gives a key of its own, never a fixed one. */
static void test_key_sources(void **state)
{
	struct dsng__sipkey a, b, c, d, n1, n2;

	(void)state;
	assert_true(dsng__sipkey_generate(&a, DSNG__SIPKEY_GETRANDOM) <=
	            DSNG__SIPKEY_URANDOM);
	assert_int_equal(dsng__sipkey_generate(&b, DSNG__SIPKEY_URANDOM),
	                 DSNG__SIPKEY_URANDOM);
	assert_int_equal(dsng__sipkey_generate(&c, DSNG__SIPKEY_CLOCK),
	                 DSNG__SIPKEY_CLOCK);
	assert_int_equal(dsng__sipkey_generate(&d, DSNG__SIPKEY_CLOCK),
	                 DSNG__SIPKEY_CLOCK);
	assert_false(a.k0 == b.k0 && a.k1 == b.k1);
	assert_false(b.k0 == c.k0 && b.k1 == c.k1);
	/* the clocks moved between the two calls */
	assert_false(c.k0 == d.k0 && c.k1 == d.k1);
	/* derived keys differ from each other and from the process key */
	dsng__sipkey_next(&n1);
	dsng__sipkey_next(&n2);
	assert_false(n1.k0 == n2.k0 && n1.k1 == n2.k1);
	assert_false(n1.k0 == dsng__siphash_process_key()->k0);
}

/* ---- hash table --------------------------------------------------------- */

/* Test values: the key is the string itself. */
static const char *str_key(const void *val, size_t *len)
{
	*len = strlen(val);
	return val;
}

static struct dsng__ml_map *str_map(TALLOC_CTX *mem,
                                    const struct dsng__sipkey *key)
{
	struct dsng__ml_map *m = key ? dsng__ml_map_new_keyed(mem, str_key, key)
	                             : dsng__ml_map_new(mem);

	assert_non_null(m);
	m->key_of = str_key;
	return m;
}

static void put(struct dsng__ml_map *m, const char *k)
{
	assert_int_equal(dsng__ml_map_put(m, k, strlen(k), (void *)k), 0);
}

static const char *get(const struct dsng__ml_map *m, const char *k)
{
	return dsng__ml_map_get(m, k, strlen(k));
}

static char **numbered(TALLOC_CTX *mem, size_t n, const char *fmt)
{
	char **v = talloc_array(mem, char *, n);
	size_t i;

	assert_non_null(v);
	for (i = 0; i < n; i++) {
		v[i] = talloc_asprintf(v, fmt, (unsigned)i);
		assert_non_null(v[i]);
	}
	return v;
}

struct walk_count {
	size_t n;
};

static void count_one(void *ctx, void *val)
{
	(void)val;
	((struct walk_count *)ctx)->n++;
}

/* Grows by load factor (at most half full), finds everything, removes
 * with backward shifts so nothing is lost. */
static void test_map_growth_and_removal(void **state)
{
	const size_t n = 50000;
	char **v = numbered(*state, n, "rcpt%u@example.test");
	struct dsng__ml_map *m = str_map(*state, NULL);
	struct walk_count wc = {0};
	size_t i;

	assert_int_equal(m->cap, 16);
	for (i = 0; i < n; i++) {
		put(m, v[i]);
		assert_true(m->n * 2 <= m->cap);
	}
	assert_int_equal(m->n, n);
	assert_int_equal(m->cap, 131072); /* the power of two >= 2n */
	/* 2 MB of slots: aligned to a huge page inside a larger chunk */
	assert_int_equal((uintptr_t)m->slot & ((2u << 20) - 1), 0);
	assert_ptr_not_equal(m->slot, m->slot_mem);
	assert_true(m->max_probe < 64);
	assert_int_equal(m->rekeys, 0);
	for (i = 0; i < n; i++)
		assert_ptr_equal(get(m, v[i]), v[i]);
	assert_null(get(m, "absent@example.test"));
	assert_null(dsng__ml_map_get(m, v[0], 3));
	for (i = 0; i < n; i += 2)
		assert_ptr_equal(dsng__ml_map_del(m, v[i], strlen(v[i])), v[i]);
	assert_null(dsng__ml_map_del(m, v[0], strlen(v[0])));
	assert_int_equal(m->n, n / 2);
	for (i = 0; i < n; i++) {
		if (i % 2)
			assert_ptr_equal(get(m, v[i]), v[i]);
		else
			assert_null(get(m, v[i]));
	}
	dsng__ml_map_walk(m, count_one, &wc);
	assert_int_equal(wc.n, n / 2);
	for (i = 0; i < n; i += 2)
		put(m, v[i]);
	for (i = 0; i < n; i++)
		assert_ptr_equal(get(m, v[i]), v[i]);
	assert_int_equal(m->cap, 131072);
	talloc_free(m);
	talloc_free(v);
}

/* A hash taken ahead (dsng__ml_map_hash) removes its key after other
 * insertions, growth included, while the table kept its key: what the
 * scanner's eviction relies on when it hashes the next victim early. */
static void test_map_del_with_hash(void **state)
{
	const size_t n = 1000;
	char **v = numbered(*state, n, "victim%u@example.test");
	struct dsng__ml_map *m = str_map(*state, NULL);
	uint64_t h0;
	size_t i;

	put(m, v[0]);
	h0 = dsng__ml_map_hash(m, v[0], strlen(v[0]));
	dsng__ml_map_prefetch(m, h0);
	for (i = 1; i < n; i++)
		put(m, v[i]);
	assert_true(m->cap > 16); /* it grew under the hash */
	assert_int_equal(m->rekeys, 0);
	assert_ptr_equal(dsng__ml_map_del_h(m, v[0], strlen(v[0]), h0), v[0]);
	assert_null(get(m, v[0]));
	assert_null(dsng__ml_map_del_h(m, v[0], strlen(v[0]), h0));
	for (i = 1; i < n; i++) {
		uint64_t h = dsng__ml_map_hash(m, v[i], strlen(v[i]));
		assert_ptr_equal(dsng__ml_map_del_h(m, v[i], strlen(v[i]), h),
		                 v[i]);
	}
	assert_int_equal(m->n, 0);
	talloc_free(m);
	talloc_free(v);
}

/* The hash the table used before: FNV-1a 64, low bits pick the bucket. */
static uint64_t fnv1a(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * n distinct addresses "u<7 digits><4 chars>@victim.example" whose FNV-1a
 * hash has the same low 16 bits (0x5eed), as an attacker forging envelope
 * senders would pick them.  The low 16 bits of FNV-1a depend only on the
 * low 16 bits of the state and each byte is a permutation of them, so a
 * table made backwards from the target gives four characters that reach
 * it from any state (tests/bench/gen_scanlog.py does the same).
 */
static char **fnv_colliding(TALLOC_CTX *mem, size_t n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char dom[] = "@victim.example";
	const uint32_t p = 1099511628211ULL & 0xffff;
	uint32_t pinv = p, u = 0x5eed, s1, s2, s3, s4;
	char *tail = talloc_zero_size(mem, 65536 * 4); /* 4 chars a state */
	char **v = talloc_array(mem, char *, n);
	size_t i, a, b, c, d, got = 0;

	assert_non_null(tail);
	assert_non_null(v);
	for (i = 0; i < 4; i++) /* Newton: the inverse of p mod 2^16 */
		pinv = (pinv * (2 - p * pinv)) & 0xffff;
	assert_int_equal((p * pinv) & 0xffff, 1);
	for (i = sizeof(dom) - 1; i-- > 0;)
		u = ((u * pinv) & 0xffff) ^ (unsigned char)dom[i];
	for (d = 0; d < 36; d++) {
		s4 = ((u * pinv) & 0xffff) ^ (unsigned char)alpha[d];
		for (c = 0; c < 36; c++) {
			s3 = ((s4 * pinv) & 0xffff) ^ (unsigned char)alpha[c];
			for (b = 0; b < 36; b++) {
				s2 = ((s3 * pinv) & 0xffff) ^
				     (unsigned char)alpha[b];
				for (a = 0; a < 36; a++) {
					s1 = ((s2 * pinv) & 0xffff) ^
					     (unsigned char)alpha[a];
					if (tail[4 * s1])
						continue;
					tail[4 * s1] = alpha[a];
					tail[4 * s1 + 1] = alpha[b];
					tail[4 * s1 + 2] = alpha[c];
					tail[4 * s1 + 3] = alpha[d];
				}
			}
		}
	}
	for (i = 0; got < n; i++) {
		char pre[16];
		uint64_t h;
		snprintf(pre, sizeof(pre), "u%07u", (unsigned)i);
		h = fnv1a(pre, strlen(pre)) & 0xffff;
		if (!tail[4 * h])
			continue;
		v[got] = talloc_asprintf(v, "%s%.4s%s", pre, tail + 4 * h, dom);
		assert_non_null(v[got]);
		assert_true((fnv1a(v[got], strlen(v[got])) & 0xffff) == 0x5eed);
		got++;
	}
	talloc_free(tail);
	return v;
}

/* The finding: 65,536 such senders took 15 s or more in scan-log against
 * 0.5 s for random ones, every lookup walking one chain.  Under SipHash
 * with the process key they spread like any other keys. */
static void test_map_old_hash_collisions(void **state)
{
	const size_t n = 8192;
	char **v = fnv_colliding(*state, n);
	struct dsng__ml_map *m = str_map(*state, NULL);
	size_t i;
	long worst = 0;

	for (i = 0; i < n; i++)
		put(m, v[i]);
	for (i = 0; i < n; i++) {
		long d = dsng__ml_map_probe(m, v[i], strlen(v[i]));
		assert_true(d >= 0);
		if (d > worst)
			worst = d;
	}
	/* a chain per bucket would make this n - 1 */
	assert_true(worst < 64);
	assert_true(m->max_probe < 64);
	assert_int_equal(m->rekeys, 0);
	talloc_free(m);
	talloc_free(v);
}

/* n keys whose SipHash-1-3 under k has the low `bits` bits of key 0's. */
static char **sip_colliding(TALLOC_CTX *mem, const struct dsng__sipkey *k,
                            size_t n, unsigned bits)
{
	char **v = talloc_array(mem, char *, n);
	uint64_t mask = ((uint64_t)1 << bits) - 1, want = 0;
	size_t got = 0, i;

	assert_non_null(v);
	for (i = 0; got < n; i++) {
		char buf[32];
		uint64_t h;
		snprintf(buf, sizeof(buf), "k%zu@x.example", i);
		h = dsng__siphash13(k, buf, strlen(buf)) & mask;
		if (!got)
			want = h;
		if (h != want)
			continue;
		v[got] = talloc_strdup(v, buf);
		assert_non_null(v[got]);
		got++;
	}
	return v;
}

/* Should the key be known (or the hash fail), keys aimed at one slot
 * make the table re-key itself: probes stay bounded anyway. */
static void test_map_rekeys_on_long_probe(void **state)
{
	struct dsng__sipkey k;
	const size_t n = 400;
	char **v;
	struct dsng__ml_map *m;
	size_t i;

	dsng__sipkey_from_bytes(&k, key_bytes);
	v = sip_colliding(*state, &k, n, 12);
	m = str_map(*state, &k);
	for (i = 0; i < n; i++) {
		put(m, v[i]);
		assert_true(m->max_probe <= DSNG__ML_MAP_PROBE_LIMIT);
	}
	assert_true(m->rekeys >= 1);
	assert_false(m->key.k0 == k.k0 && m->key.k1 == k.k1);
	for (i = 0; i < n; i++) {
		long d = dsng__ml_map_probe(m, v[i], strlen(v[i]));
		assert_true(d >= 0 && (size_t)d <= m->max_probe);
	}
	for (i = 0; i < n; i += 3)
		assert_ptr_equal(dsng__ml_map_del(m, v[i], strlen(v[i])), v[i]);
	for (i = 0; i < n; i++)
		assert_true((get(m, v[i]) != NULL) == (i % 3 != 0));
	talloc_free(m);
	talloc_free(v);
}

/* Removal from the middle of one long run (every key with the same home
 * slot, below the re-keying limit) keeps every other key reachable. */
static void test_map_removal_in_a_cluster(void **state)
{
	struct dsng__sipkey k;
	const size_t n = 100;
	char **v;
	struct dsng__ml_map *m;
	size_t i, j;

	dsng__sipkey_from_bytes(&k, key_bytes);
	v = sip_colliding(*state, &k, n, 12);
	m = str_map(*state, &k);
	for (i = 0; i < n; i++)
		put(m, v[i]);
	assert_int_equal(m->rekeys, 0);
	assert_int_equal(m->max_probe, n - 1);
	for (i = 0; i < n; i += 7) {
		assert_ptr_equal(dsng__ml_map_del(m, v[i], strlen(v[i])), v[i]);
		for (j = 0; j < n; j++)
			assert_true((get(m, v[j]) != NULL) ==
			            (j % 7 != 0 || j > i));
	}
	/* the run closed up: the last key moved back by the holes */
	assert_int_equal(dsng__ml_map_probe(m, v[n - 1], strlen(v[n - 1])),
	                 n - 1 - (n + 6) / 7);
	talloc_free(m);
	talloc_free(v);
}

/* ---- slab --------------------------------------------------------------- */

static void test_slab(void **state)
{
	struct dsng__ml_slab *s = dsng__ml_slab_new(*state, 100);
	unsigned char *p[3000];
	size_t i, j;

	assert_non_null(s);
	assert_int_equal(s->size, 112);
	for (i = 0; i < 3000; i++) {
		p[i] = dsng__ml_slab_alloc(s);
		assert_non_null(p[i]);
		for (j = 0; j < 112; j++)
			assert_int_equal(p[i][j], 0);
		memset(p[i], 0xa5, 112);
	}
	assert_int_equal(s->n_used, 3000);
	for (i = 0; i < 3000; i += 2)
		dsng__ml_slab_free(s, p[i]);
	dsng__ml_slab_free(s, NULL);
	assert_int_equal(s->n_used, 1500);
	for (i = 0; i < 3000; i += 2) {
		p[i] = dsng__ml_slab_alloc(s);
		assert_non_null(p[i]);
		assert_int_equal(p[i][0], 0);
		assert_int_equal(p[i][111], 0);
	}
	for (i = 1; i < 3000; i += 2)
		assert_int_equal(p[i][50], 0xa5);
#ifndef DSNG_NO_POOLS
	/* 585 records a 64 KB block: freed ones were reused */
	assert_int_equal(s->n_blocks, 6);
#endif
	talloc_free(s);
}

/* Past 32 blocks of 64 KB a slab carves 2 MB blocks aligned to 2 MB
 * (huge pages): their records are zeroed, apart, and reused like the
 * others. */
static void test_slab_huge_blocks(void **state)
{
	const size_t n = 40000; /* 16384 in small blocks, the rest in huge */
	struct dsng__ml_slab *s = dsng__ml_slab_new(*state, 128);
	unsigned char **p = talloc_array(*state, unsigned char *, n);
	size_t i;

	assert_non_null(s);
	assert_non_null(p);
	for (i = 0; i < n; i++) {
		p[i] = dsng__ml_slab_alloc(s);
		assert_non_null(p[i]);
		assert_int_equal(p[i][0], 0);
		assert_int_equal(p[i][127], 0);
		memset(p[i], (int)(i & 0xff), 128);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(p[i][0], i & 0xff);
		assert_int_equal(p[i][127], i & 0xff);
	}
#ifndef DSNG_NO_POOLS
	/* 32 small blocks of 512, then 16384 a huge block: two of them,
	 * each starting on a 2 MB boundary (a fresh block hands out its
	 * records in address order) */
	assert_int_equal(s->n_blocks, 34);
	assert_int_equal((uintptr_t)p[16384] & ((2u << 20) - 1), 0);
	assert_int_equal((uintptr_t)p[32768] & ((2u << 20) - 1), 0);
	assert_ptr_equal(p[16385], p[16384] + 128);
#endif
	for (i = 0; i < n; i += 2)
		dsng__ml_slab_free(s, p[i]);
	assert_int_equal(s->n_used, n / 2);
	for (i = 0; i < n; i += 2) {
		p[i] = dsng__ml_slab_alloc(s);
		assert_non_null(p[i]);
		assert_int_equal(p[i][127], 0);
	}
	for (i = 1; i < n; i += 2)
		assert_int_equal(p[i][64], i & 0xff);
#ifndef DSNG_NO_POOLS
	assert_int_equal(s->n_blocks, 34);
#endif
	talloc_free(p);
	talloc_free(s);
}

/* A slab of records with a 40-byte struct zeroes those bytes of every
 * record it hands out, new or reused, and keeps the records apart. */
static void test_slab_hdr(void **state)
{
	struct dsng__ml_slab *s = dsng__ml_slab_new_hdr(*state, 100, 40);
	struct dsng__ml_slab *t = dsng__ml_slab_new_hdr(*state, 100, 2);
	unsigned char *p[50], *q;
	size_t i, j;

	assert_non_null(s);
	assert_non_null(t);
	assert_int_equal(s->size, 112);
	assert_int_equal(s->zero, 40);
	/* never less than the free list's link */
	assert_int_equal(t->zero, sizeof(void *));
	for (i = 0; i < 50; i++) {
		p[i] = dsng__ml_slab_alloc(s);
		assert_non_null(p[i]);
		for (j = 0; j < 40; j++)
			assert_int_equal(p[i][j], 0);
		memset(p[i], (int)(0x10 + i), 112);
	}
	for (i = 0; i < 50; i += 5)
		dsng__ml_slab_free(s, p[i]);
	for (i = 0; i < 50; i += 5) {
		q = dsng__ml_slab_alloc(s);
		assert_non_null(q);
		for (j = 0; j < 40; j++)
			assert_int_equal(q[j], 0);
		p[i] = q;
		memset(q, 0x77, 112);
	}
	/* the others were not touched */
	for (i = 1; i < 50; i += 5)
		for (j = 0; j < 112; j++)
			assert_int_equal(p[i][j], 0x10 + i);
	assert_int_equal(s->n_used, 50);
	talloc_free(s);
	talloc_free(t);
}

/* ---- bag ---------------------------------------------------------------- */

struct bagrec {
	struct dsng__ml_bag bag;
	char inl[24];
};

static void test_bag(void **state)
{
	struct bagrec r;
	size_t acct = 0, pos = 0;
	const char *s;
	char big[100];

	memset(&r, 0, sizeof(r));
	assert_null(dsng__ml_bag_get(&r.bag, r.inl, 1));
	assert_int_equal(dsng__ml_bag_add(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 1, "alice", 5),
	                 0);
	assert_int_equal(dsng__ml_bag_add(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 2, "", 0),
	                 0);
	assert_int_equal(dsng__ml_bag_add(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 3, "r1", 2),
	                 0);
	assert_int_equal(r.bag.cap, 0); /* still inline */
	assert_int_equal(acct, 0);
	assert_string_equal(dsng__ml_bag_get(&r.bag, r.inl, 1), "alice");
	assert_string_equal(dsng__ml_bag_get(&r.bag, r.inl, 2), "");
	/* replacing moves the entry to the end, others keep their order */
	assert_int_equal(dsng__ml_bag_set(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 1, "bob", 3),
	                 0);
	assert_int_equal(dsng__ml_bag_add(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 3, "r2", 2),
	                 0);
	assert_string_equal(dsng__ml_bag_get(&r.bag, r.inl, 1), "bob");
	assert_string_equal(dsng__ml_bag_next(&r.bag, r.inl, 3, &pos), "r1");
	assert_string_equal(dsng__ml_bag_next(&r.bag, r.inl, 3, &pos), "r2");
	assert_null(dsng__ml_bag_next(&r.bag, r.inl, 3, &pos));
	/* outgrowing the inline area spills to a chunk, counted in acct */
	memset(big, 'x', sizeof(big));
	assert_int_equal(dsng__ml_bag_set(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 2, big, sizeof(big)),
	                 0);
	assert_true(r.bag.cap >= r.bag.used);
	assert_int_equal(acct, r.bag.cap + DSNG__ML_CHUNK_COST);
	assert_ptr_equal(talloc_parent(r.bag.spill), *state);
	s = dsng__ml_bag_get(&r.bag, r.inl, 2);
	assert_int_equal(strlen(s), sizeof(big));
	assert_string_equal(dsng__ml_bag_get(&r.bag, r.inl, 1), "bob");
	pos = 0;
	assert_string_equal(dsng__ml_bag_next(&r.bag, r.inl, 3, &pos), "r1");
	/* setting the same value again changes nothing */
	assert_int_equal(dsng__ml_bag_set(&r.bag, r.inl, sizeof(r.inl), *state,
	                                  &acct, 1, "bob", 3),
	                 0);
	dsng__ml_bag_clear(&r.bag, &acct);
	assert_int_equal(acct, 0);
	assert_null(dsng__ml_bag_get(&r.bag, r.inl, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        /* first, so the threads race on the key's first use */
	        cmocka_unit_test(test_process_key),
	        cmocka_unit_test(test_siphash24_paper_vector),
	        cmocka_unit_test(test_siphash_vectors),
	        cmocka_unit_test(test_key_sources),
	        cmocka_unit_test_setup_teardown(test_map_growth_and_removal,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_map_del_with_hash,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_map_old_hash_collisions,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_map_rekeys_on_long_probe,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_map_removal_in_a_cluster,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_slab, dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_slab_huge_blocks,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_slab_hdr,
	                                        dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	        cmocka_unit_test_setup_teardown(test_bag, dsng_test_setup_ctx,
	                                        dsng_test_teardown_ctx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
