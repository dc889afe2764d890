/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * Pure arithmetic the drivers do on register values: no device access, no
 * locking, no state beyond the arguments. It lives here, as static inline
 * helpers, so the KUnit tests (tests/kunit/) run the very code the drivers
 * run.
 */

#ifndef _IOVNET_CALC_H_
#define _IOVNET_CALC_H_

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include "compat.h"
#include "iovnet_regs.h"

/**
 * iovnet_calc_fold_counter() - add a 32-bit counter's progress to a total
 * @total: the 64-bit running total
 * @last: the raw value seen last time, updated here
 * @raw: the raw value read now
 *
 * The statistics registers count up and wrap at 32 bits. The difference
 * taken modulo 2^32 is the count since the last read whether or not the
 * register wrapped in between, as long as it wrapped at most once.
 */
static inline void iovnet_calc_fold_counter(u64 *total, u32 *last, u32 raw)
{
	*total += (u32)(raw - *last);
	*last = raw;
}

/* RTTBCNRC rate factor: RF_INT.RF_DEC, a fixed-point number of 1/16384 */
#define IOVNET_CALC_RF_ONE	BIT(IOVNET_RTTBCNRC_RF_SHIFT)
#define IOVNET_CALC_RF_MAX	(IOVNET_RTTBCNRC_RF_INT | IOVNET_RTTBCNRC_RF_DEC)

/**
 * iovnet_calc_rttbcnrc() - RTTBCNRC word for a TX rate limit of one queue
 * @link_speed: link speed in Mb/s
 * @queues: how many queues share the limit (each gets an equal part)
 * @rate: the limit in Mb/s over all @queues, 0 for none
 *
 * The device sends on a limited queue at link speed divided by the rate
 * factor. The factor is clamped to what the register holds: at least 1.0
 * (a limit above the link speed limits nothing) and at most RF_MAX (the
 * lowest rate the device can do), never truncated into another value.
 *
 * Return: RS_ENA with the rate factor, or 0 (limiter off) when @rate is 0.
 */
static inline u32 iovnet_calc_rttbcnrc(u32 link_speed, unsigned int queues,
				       u32 rate)
{
	u64 rf;

	if (!rate)
		return 0;
	rf = div_u64((u64)link_speed * max(queues, 1U) <<
		     IOVNET_RTTBCNRC_RF_SHIFT, rate);
	rf = clamp_t(u64, rf, IOVNET_CALC_RF_ONE, IOVNET_CALC_RF_MAX);
	return IOVNET_RTTBCNRC_RS_ENA | (u32)rf;
}

/**
 * iovnet_calc_reta_default() - spread a redirection table evenly
 * @reta: the table
 * @size: its number of entries
 * @queues: the RX queues to spread over; 0 sends everything to queue 0
 */
static inline void iovnet_calc_reta_default(u8 *reta, unsigned int size,
					    unsigned int queues)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		reta[i] = queues ? i % queues : 0;
}

/**
 * iovnet_calc_reg_word() - register @n of a byte table packed four per word
 * @table: the RSS key or the redirection table, entry 0 first
 * @n: the register index
 *
 * RSSRK(n) and RETA(n) hold bytes 4n..4n+3 of their table, the lowest
 * address in the lowest byte.
 *
 * Return: the register value.
 */
static inline u32 iovnet_calc_reg_word(const u8 *table, unsigned int n)
{
	return get_unaligned_le32(&table[4 * n]);
}

/**
 * enum iovnet_rx_step - what RX cleaning does with one completed buffer
 * @IOVNET_RX_DISCARD: part of a frame already dropped: recycle the page
 * @IOVNET_RX_COPY: a whole short frame: copy it, the page stays in the ring
 * @IOVNET_RX_HEAD: first buffer of a frame: build the skb around the page
 * @IOVNET_RX_FRAG: a further buffer: add the page as a fragment
 * @IOVNET_RX_OVERFLOW: a further buffer the skb has no fragment slot for:
 *	free the skb built so far and this page, count a frame error and
 *	drop the rest of the frame
 */
enum iovnet_rx_step {
	IOVNET_RX_DISCARD,
	IOVNET_RX_COPY,
	IOVNET_RX_HEAD,
	IOVNET_RX_FRAG,
	IOVNET_RX_OVERFLOW,
};

/**
 * iovnet_calc_rx_step() - decide what to do with one completed RX buffer
 * @discard: the frame this buffer belongs to is being dropped
 * @have_skb: an skb holds the frame's earlier buffers
 * @nr_frags: fragments that skb holds already
 * @max_frags: fragments an skb can hold (MAX_SKB_FRAGS)
 * @len: bytes in this buffer
 * @copybreak: frames up to this long are copied
 * @eop: this buffer ends the frame
 *
 * Return: the step; after IOVNET_RX_OVERFLOW (or a failed allocation) the
 * caller sets @discard until the buffer with EOP has been passed.
 */
static inline enum iovnet_rx_step
iovnet_calc_rx_step(bool discard, bool have_skb, unsigned int nr_frags,
		    unsigned int max_frags, unsigned int len,
		    unsigned int copybreak, bool eop)
{
	if (discard)
		return IOVNET_RX_DISCARD;
	if (!have_skb)
		return eop && len <= copybreak ? IOVNET_RX_COPY : IOVNET_RX_HEAD;
	return nr_frags < max_frags ? IOVNET_RX_FRAG : IOVNET_RX_OVERFLOW;
}

#endif /* _IOVNET_CALC_H_ */
