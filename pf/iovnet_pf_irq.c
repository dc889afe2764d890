// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

#include <linux/interrupt.h>

#include "iovnet_pf.h"

#define IOVNET_PF_OTHER_EIMS	BIT(IOVNET_PF_OTHER_VECTOR)
#define IOVNET_PF_OTHER_CAUSES	(IOVNET_ICR_LSC | IOVNET_ICR_VMMB | \
				 IOVNET_ICR_DOUTSYNC)

static irqreturn_t iovnet_pf_other_irq(int irq, void *data)
{
	struct iovnet_pf *pf = data;
	u32 icr = pf_rd32(pf, IOVNET_ICR);	/* clears it (GPIE.NSICR) */

	WRITE_ONCE(pf->other_irqs, pf->other_irqs + 1);

	if ((icr & IOVNET_ICR_LSC) && !test_bit(IOVNET_PF_REMOVING, pf->state))
		mod_delayed_work(system_dfl_wq, &pf->service_task, 0);
	/* Mailbox requests and VF resets: served by the mailbox work */
	if (icr & IOVNET_ICR_VMMB)
		iovnet_pf_mbx_irq(pf);
	/* Anti-spoofing dropped a VF's frames: the mailbox work reads WVBR */
	if (icr & IOVNET_ICR_DOUTSYNC) {
		set_bit(IOVNET_PF_SPOOF_EVENT, pf->state);
		iovnet_pf_mbx_schedule(pf);
	}

	return IRQ_HANDLED;
}

/**
 * iovnet_pf_irq_init() - allocate MSI-X vectors and the "other" interrupt
 * @pf: the PF
 *
 * One vector serves link (and later mailbox) causes; each queue pair gets
 * its own. Sets the number of queue pairs the vectors allow.
 *
 * Return: 0 or a negative errno.
 */
int iovnet_pf_irq_init(struct iovnet_pf *pf)
{
	/* All eight queue pairs may be asked for ("ethtool -L"), whatever the
	 * CPUs online now; one per CPU is only the default
	 */
	unsigned int want = 1 + IOVNET_PF_MAX_QUEUES;
	int nvec, err;

	nvec = pci_alloc_irq_vectors(pf->pdev, 2, want, PCI_IRQ_MSIX);
	if (nvec < 0) {
		dev_err(&pf->pdev->dev, "cannot get MSI-X vectors: %d\n", nvec);
		return nvec;
	}
	pf->num_vectors = nvec;
	pf->port.max_queues = nvec - 1;
	pf->port.num_queues = min_t(unsigned int, nvec - 1, num_online_cpus());

	snprintf(pf->other_irq_name, sizeof(pf->other_irq_name), "%s-other",
		 dev_name(&pf->pdev->dev));
	err = request_irq(pci_irq_vector(pf->pdev, IOVNET_PF_OTHER_VECTOR),
			  iovnet_pf_other_irq, 0, pf->other_irq_name, pf);
	if (err) {
		pci_free_irq_vectors(pf->pdev);
		return err;
	}

	iovnet_pf_irq_configure(pf);
	return 0;
}

/**
 * iovnet_pf_irq_configure() - the device's side of the interrupt setup
 * @pf: the PF, vectors allocated; again after a device reset
 */
void iovnet_pf_irq_configure(struct iovnet_pf *pf)
{
	/*
	 * MSI-X mode; ICR clears on any read; EICR bits clear when sent; EIAM
	 * auto-masking on
	 */
	pf_wr32(pf, IOVNET_GPIE, IOVNET_GPIE_MSIX_MODE | IOVNET_GPIE_NSICR |
		IOVNET_GPIE_EIAME | IOVNET_GPIE_PBA);
	pf_wr32(pf, IOVNET_IVAR_MISC,
		FIELD_PREP(IOVNET_IVAR_MISC_OTHER,
			   IOVNET_PF_OTHER_VECTOR | IOVNET_IVAR_VALID));
}

/**
 * iovnet_pf_irq_fini() - undo iovnet_pf_irq_init()
 * @pf: the PF, interrupts disabled
 */
void iovnet_pf_irq_fini(struct iovnet_pf *pf)
{
	free_irq(pci_irq_vector(pf->pdev, IOVNET_PF_OTHER_VECTOR), pf);
	pci_free_irq_vectors(pf->pdev);
}

/**
 * iovnet_pf_irq_enable() - unmask the "other" causes
 * @pf: the PF
 *
 * Queue vectors are unmasked by the datapath when it starts.
 */
void iovnet_pf_irq_enable(struct iovnet_pf *pf)
{
	u32 all = GENMASK(pf->num_vectors - 1, 0);

	/*
	 * Every vector's EICR bit clears when its message is sent; a bit left
	 * set would keep that vector from ever firing again.
	 */
	pf_wr32(pf, IOVNET_EIAC, all);
	pf_wr32(pf, IOVNET_EICR, all);
	/* Causes latched while masked (autoneg at probe) would never re-raise */
	pf_rd32(pf, IOVNET_ICR);
	pf_wr32(pf, IOVNET_IMS, IOVNET_PF_OTHER_CAUSES);
	pf_wr32(pf, IOVNET_EIMS, IOVNET_PF_OTHER_EIMS);
	pf_flush(pf);
}

/**
 * iovnet_pf_irq_disable() - mask every cause and wait for handlers
 * @pf: the PF
 */
void iovnet_pf_irq_disable(struct iovnet_pf *pf)
{
	unsigned int v;

	pf_wr32(pf, IOVNET_IMC, ~0U);
	pf_wr32(pf, IOVNET_EIMC, ~0U);
	pf_flush(pf);
	for (v = 0; v < pf->num_vectors; v++)
		synchronize_irq(pci_irq_vector(pf->pdev, v));
}
