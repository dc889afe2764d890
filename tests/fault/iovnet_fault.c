// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * Test-only failures for the iovnet selftests, on a kernel without
 * CONFIG_FAIL_FUNCTION (the lab's stock 6.12). Files in
 * /sys/kernel/debug/iovnet_fault/:
 *
 *   fail_real_num_queues  write N: the next N calls of
 *                         netif_set_real_num_queues() return -ENOMEM (a
 *                         kretprobe rewrites the return value; the call
 *                         itself has no resource to leak). Read: calls
 *                         still to fail.
 *   hold_irq              write "BDF ENTRY": request MSI-X entry ENTRY of
 *                         PCI function BDF, so that the driver's own
 *                         request_irq() of it fails with -EBUSY; write
 *                         "none" to release it. Read: the Linux IRQ held,
 *                         or 0.
 *
 * Everything is released at rmmod.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

static atomic_t iovnet_fault_nrq = ATOMIC_INIT(0);
static DEFINE_MUTEX(iovnet_fault_lock);	/* protects the held IRQ */
static int iovnet_fault_irq;
static struct dentry *iovnet_fault_dir;

static int iovnet_fault_nrq_ret(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	if (regs_return_value(regs) == 0 &&
	    atomic_dec_if_positive(&iovnet_fault_nrq) >= 0)
		regs_set_return_value(regs, -ENOMEM);
	return 0;
}

static struct kretprobe iovnet_fault_nrq_probe = {
	.kp.symbol_name = "netif_set_real_num_queues",
	.handler = iovnet_fault_nrq_ret,
	.maxactive = 4,
};

static int iovnet_fault_nrq_get(void *data, u64 *val)
{
	*val = atomic_read(&iovnet_fault_nrq);
	return 0;
}

static int iovnet_fault_nrq_set(void *data, u64 val)
{
	atomic_set(&iovnet_fault_nrq, min_t(u64, val, INT_MAX));
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(iovnet_fault_nrq_fops, iovnet_fault_nrq_get,
			 iovnet_fault_nrq_set, "%llu\n");

static irqreturn_t iovnet_fault_irq_handler(int irq, void *data)
{
	/* Not ours to handle, but never let the core call it spurious */
	return IRQ_HANDLED;
}

static void iovnet_fault_release_irq(void)
{
	if (iovnet_fault_irq) {
		free_irq(iovnet_fault_irq, &iovnet_fault_irq);
		iovnet_fault_irq = 0;
	}
}

static int iovnet_fault_hold(const char *arg)
{
	unsigned int domain, bus, slot, fn, entry;
	struct pci_dev *pdev;
	int irq, err;

	if (sscanf(arg, "%x:%x:%x.%x %u", &domain, &bus, &slot, &fn,
		   &entry) != 5)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	irq = pci_irq_vector(pdev, entry);
	pci_dev_put(pdev);
	if (irq < 0)
		return irq;
	err = request_irq(irq, iovnet_fault_irq_handler, 0, "iovnet_fault",
			  &iovnet_fault_irq);
	if (err)
		return err;
	iovnet_fault_irq = irq;
	return 0;
}

static ssize_t iovnet_fault_irq_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	char buf[64];
	int err = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&iovnet_fault_lock);
	iovnet_fault_release_irq();
	if (!sysfs_streq(buf, "none"))
		err = iovnet_fault_hold(buf);
	mutex_unlock(&iovnet_fault_lock);
	return err ? err : len;
}

static ssize_t iovnet_fault_irq_read(struct file *file, char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	char buf[16];
	int n;

	mutex_lock(&iovnet_fault_lock);
	n = scnprintf(buf, sizeof(buf), "%d\n", iovnet_fault_irq);
	mutex_unlock(&iovnet_fault_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations iovnet_fault_irq_fops = {
	.owner = THIS_MODULE,
	.read = iovnet_fault_irq_read,
	.write = iovnet_fault_irq_write,
	.llseek = default_llseek,
};

static int __init iovnet_fault_init(void)
{
	int err;

	err = register_kretprobe(&iovnet_fault_nrq_probe);
	if (err)
		return err;
	iovnet_fault_dir = debugfs_create_dir("iovnet_fault", NULL);
	debugfs_create_file_unsafe("fail_real_num_queues", 0600,
				   iovnet_fault_dir, NULL,
				   &iovnet_fault_nrq_fops);
	debugfs_create_file("hold_irq", 0600, iovnet_fault_dir, NULL,
			    &iovnet_fault_irq_fops);
	return 0;
}

static void __exit iovnet_fault_exit(void)
{
	debugfs_remove_recursive(iovnet_fault_dir);
	unregister_kretprobe(&iovnet_fault_nrq_probe);
	mutex_lock(&iovnet_fault_lock);
	iovnet_fault_release_irq();
	mutex_unlock(&iovnet_fault_lock);
}

module_init(iovnet_fault_init);
module_exit(iovnet_fault_exit);
MODULE_DESCRIPTION("iovnet selftests: injected failures");
MODULE_LICENSE("GPL");
