/*
 * tests/test_maillog_map.c - the hash of the maillog containers: SipHash
 * against the paper's SipHash-2-4 vector and independent SipHash-1-3
 * values, and the per-process key.
 */
#include <pthread.h>
#include <stdio.h>

#include "dsng_test.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	        /* first, so the threads race on the key's first use */
	        cmocka_unit_test(test_process_key),
	        cmocka_unit_test(test_siphash24_paper_vector),
	        cmocka_unit_test(test_siphash_vectors),
	        cmocka_unit_test(test_key_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
