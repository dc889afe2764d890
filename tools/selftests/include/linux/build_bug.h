/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace static_assert() (C11) for common/ headers */
#ifndef _IOVNET_TOOLS_LINUX_BUILD_BUG_H
#define _IOVNET_TOOLS_LINUX_BUILD_BUG_H

#include <assert.h>

#endif
