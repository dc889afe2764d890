/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (c) 2026 The iovnet authors */

/*
 * The one place for differences between the kernels iovnet builds on.
 *
 * The drivers are written against the lab's kernel (6.12). Kbuild runs
 * common/compat-gen.sh on the target kernel's headers before building; it
 * writes iovnet_compat_gen.h with one IOVNET_HAVE_x or IOVNET_NEED_x per
 * interface that differs (no version numbers: distributions backport).
 * This file turns those into the 6.12 interface: the missing helpers, or
 * wrappers where a newer or older kernel changed a signature. Where a
 * kernel lacks a feature entirely, the driver builds without offering it
 * (see "Kernels" in Documentation/iovnet.rst).
 */

#ifndef _IOVNET_COMPAT_H_
#define _IOVNET_COMPAT_H_

#include <linux/compiler.h>
#include <linux/dim.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <net/netdev_queues.h>

#include "iovnet_compat_gen.h"

/*
 * The symbol namespace of iovnet_lib's exports, for EXPORT_SYMBOL_NS_GPL()
 * and MODULE_IMPORT_NS(): a string on newer kernels, a bare token that the
 * macros stringify on older ones.
 */
#ifdef IOVNET_HAVE_NS_STRING
#define IOVNET_NS	"IOVNET"
#else
#define IOVNET_NS	IOVNET
#endif

#ifdef IOVNET_NEED_ASM_UNALIGNED_H
#include <asm/unaligned.h>
#else
#include <linux/unaligned.h>
#endif

#ifdef IOVNET_NEED_NET_PAGE_POOL_H
#include <net/page_pool.h>
#else
#include <net/page_pool/helpers.h>
#endif

/* The NAPI instance that recycles into a pool, where page_pool_params has it */
static inline void iovnet_pp_params_set_napi(struct page_pool_params *pp,
					     struct napi_struct *napi)
{
#ifdef IOVNET_HAVE_PP_NAPI
	pp->napi = napi;
#endif
}

/*
 * The netdev (for the page_pool netlink family) and RX queue of a pool,
 * where the kernel's page_pool_params have them.
 */
static inline void iovnet_pp_params_set_queue(struct page_pool_params *pp,
					      struct net_device *netdev,
					      unsigned int queue_idx)
{
#ifdef IOVNET_HAVE_PP_PARAMS_NETDEV
	pp->netdev = netdev;
#endif
#ifdef IOVNET_HAVE_PP_PARAMS_QUEUE_IDX
	pp->queue_idx = queue_idx;
#endif
}

#ifdef IOVNET_NEED_PP_DMA_SYNC_FOR_CPU
static inline void page_pool_dma_sync_for_cpu(struct page_pool *pool,
					      struct page *page,
					      u32 offset, u32 dma_sync_size)
{
	dma_sync_single_range_for_cpu(pool->p.dev, page_pool_get_dma_addr(page),
				      offset + pool->p.offset, dma_sync_size,
				      page_pool_get_dma_dir(pool));
}
#endif

#ifdef IOVNET_NEED_TXQ_COMPLETED_WAKE
/*
 * Report completions to BQL, then wake @txq if it was stopped and at least
 * @start_thrs descriptors are free. 0 if it woke the queue.
 */
#define netif_txq_completed_wake(txq, pkts, bytes, get_desc, start_thrs) \
	({								\
		struct netdev_queue *_iovnet_txq = (txq);		\
		unsigned int _iovnet_pkts = (pkts);			\
		int _iovnet_res = -1;					\
									\
		netdev_tx_completed_queue(_iovnet_txq, _iovnet_pkts,	\
					  (bytes));			\
		if (_iovnet_pkts)					\
			_iovnet_res = __netif_txq_maybe_wake(_iovnet_txq, \
				(get_desc) + 1, (start_thrs), false);	\
		_iovnet_res;						\
	})
#endif

#ifdef IOVNET_NEED_NET_DIM_DEF_PROFILE
/* The profile DIM starts from (lib/dim/net_dim.c kept it to itself) */
#define NET_DIM_DEF_PROFILE_EQE	1
#endif

/* net_dim() takes the sample by address since 6.13 */
static inline void iovnet_net_dim(struct dim *dim,
				  const struct dim_sample *sample)
{
#ifdef IOVNET_HAVE_NET_DIM_SAMPLE_PTR
	net_dim(dim, sample);
#else
	net_dim(dim, *sample);
#endif
}

/* NAPI and queue introspection (netlink "netdev" family): none on old ones */
#ifdef IOVNET_NEED_NETIF_NAPI_SET_IRQ
static inline void netif_napi_set_irq(struct napi_struct *napi, int irq)
{
}
#endif

#ifdef IOVNET_NEED_NETDEV_QUEUE_TYPE
#define NETDEV_QUEUE_TYPE_RX	0
#define NETDEV_QUEUE_TYPE_TX	1
#endif

#ifdef IOVNET_NEED_NETIF_QUEUE_SET_NAPI
static inline void netif_queue_set_napi(struct net_device *dev,
					unsigned int queue_index,
					unsigned int type,
					struct napi_struct *napi)
{
}
#endif

/* Per-queue stats (netdev_stat_ops): the driver offers them where they exist */
#ifdef IOVNET_HAVE_NETDEV_STAT_OPS
#define iovnet_set_stat_ops(netdev, ops)	((netdev)->stat_ops = (ops))
#else
#define iovnet_set_stat_ops(netdev, ops)	do { (void)(netdev); (void)(ops); } while (0)
#endif

#ifdef IOVNET_NEED_KZALLOC_OBJ
#define kzalloc_obj(obj, gfp)	kzalloc(sizeof(obj), gfp)
#endif

/* What a cyclecounter's read callback is given: const before 7.x */
#ifdef IOVNET_HAVE_CYCLECOUNTER_READ_CONST
#define IOVNET_CYCLECOUNTER_CONST	const
#else
#define IOVNET_CYCLECOUNTER_CONST
#endif

/* ethtool -T's kernel-side structure has its own name from 6.11 */
#ifndef IOVNET_HAVE_KERNEL_ETHTOOL_TS_INFO
#define kernel_ethtool_ts_info ethtool_ts_info
#endif

/* The unbound system workqueue under its older name */
#ifdef IOVNET_NEED_SYSTEM_DFL_WQ
#define system_dfl_wq system_unbound_wq
#endif

#ifdef IOVNET_NEED_ETHTOOL_PUTS
static inline void ethtool_puts(u8 **data, const char *str)
{
	strscpy((char *)*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}
#endif

#ifdef IOVNET_NEED_NL_SET_ERR_MSG_FMT_MOD
/* No formatted extack messages: a fixed one, the details in the log */
#define NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ...) do {			\
	NL_SET_ERR_MSG_MOD(extack, "invalid value, see the kernel log"); \
	pr_info_ratelimited(KBUILD_MODNAME ": " fmt "\n", ##__VA_ARGS__); \
} while (0)
#endif

/*
 * ethtool's RSS ops before 6.8 had no struct ethtool_rxfh_param: the drivers
 * implement today's get_rxfh as fn(), and IOVNET_DEFINE_GET_RXFH_OP(fn)
 * defines fn_op() with the signature of the kernel's ethtool_ops
 * (pf/iovnet_pf_ethtool_compat.h has the PF's set_rxfh adapter).
 */
#ifdef IOVNET_NEED_ETHTOOL_RXFH_PARAM
struct ethtool_rxfh_param {
	u8 hfunc;
	u32 indir_size;
	u32 *indir;
	u32 key_size;
	u8 *key;
	u32 rss_context;
	u8 rss_delete;
	u8 input_xfrm;
};

#define IOVNET_DEFINE_GET_RXFH_OP(fn)					\
static int fn##_op(struct net_device *netdev, u32 *indir, u8 *key,	\
		   u8 *hfunc)						\
{									\
	struct ethtool_rxfh_param rxfh = { .indir = indir, .key = key };	\
	int err;							\
									\
	err = fn(netdev, &rxfh);					\
	if (!err && hfunc)						\
		*hfunc = rxfh.hfunc;					\
	return err;							\
}
#else
#define IOVNET_DEFINE_GET_RXFH_OP(fn)					\
static int fn##_op(struct net_device *netdev,				\
		   struct ethtool_rxfh_param *rxfh)			\
{									\
	return fn(netdev, rxfh);					\
}
#endif

/* A health reporter's grace period: 0 (none) either way */
#ifdef IOVNET_HAVE_DEVLINK_HEALTH_PERIOD_IN_OPS
#define iovnet_devlink_health_reporter_create(devlink, ops, priv) \
	devlink_health_reporter_create(devlink, ops, priv)
#else
#define iovnet_devlink_health_reporter_create(devlink, ops, priv) \
	devlink_health_reporter_create(devlink, ops, 0, priv)
#endif

/*
 * devlink parameter callbacks. A driver writes them once, as
 *   int get(struct devlink *, struct devlink_param_gset_ctx *, extack)
 *   int set(struct devlink *, struct devlink_param_gset_ctx *, extack)
 *   int validate(struct devlink *, union devlink_param_value, extack)
 * and IOVNET_DEVLINK_PARAM_{GET,SET,VALIDATE}_OP(prefix) define
 * prefix_get_op, prefix_set_op and prefix_validate_op in the kernel's
 * shapes around prefix_get, prefix_set and prefix_validate (an extack in
 * set from 6.8; in get, and the value by pointer in validate, from 7.x).
 */
#ifdef IOVNET_HAVE_DEVLINK_PARAM_GET_EXTACK
#define IOVNET_DEVLINK_PARAM_GET_OP(prefix)				\
static int prefix##_get_op(struct devlink *devlink, u32 id,		\
			   struct devlink_param_gset_ctx *ctx,		\
			   struct netlink_ext_ack *extack)		\
{									\
	return prefix##_get(devlink, ctx, extack);			\
}
#else
#define IOVNET_DEVLINK_PARAM_GET_OP(prefix)				\
static int prefix##_get_op(struct devlink *devlink, u32 id,		\
			   struct devlink_param_gset_ctx *ctx)		\
{									\
	return prefix##_get(devlink, ctx, NULL);			\
}
#endif

#ifdef IOVNET_HAVE_DEVLINK_PARAM_SET_EXTACK
#define IOVNET_DEVLINK_PARAM_SET_OP(prefix)				\
static int prefix##_set_op(struct devlink *devlink, u32 id,		\
			   struct devlink_param_gset_ctx *ctx,		\
			   struct netlink_ext_ack *extack)		\
{									\
	return prefix##_set(devlink, ctx, extack);			\
}
#else
#define IOVNET_DEVLINK_PARAM_SET_OP(prefix)				\
static int prefix##_set_op(struct devlink *devlink, u32 id,		\
			   struct devlink_param_gset_ctx *ctx)		\
{									\
	return prefix##_set(devlink, ctx, NULL);			\
}
#endif

#ifdef IOVNET_HAVE_DEVLINK_PARAM_VALIDATE_PTR
#define IOVNET_DEVLINK_PARAM_VALIDATE_OP(prefix)			\
static int prefix##_validate_op(struct devlink *devlink, u32 id,	\
				union devlink_param_value *val,		\
				struct netlink_ext_ack *extack)		\
{									\
	return prefix##_validate(devlink, *val, extack);		\
}
#else
#define IOVNET_DEVLINK_PARAM_VALIDATE_OP(prefix)			\
static int prefix##_validate_op(struct devlink *devlink, u32 id,	\
				union devlink_param_value val,		\
				struct netlink_ext_ack *extack)		\
{									\
	return prefix##_validate(devlink, val, extack);			\
}
#endif

#endif /* _IOVNET_COMPAT_H_ */
