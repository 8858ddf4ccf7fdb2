// SPDX-License-Identifier: MIT
/*
 * Smallest libneuron-drm program: list the neuron devices of this machine
 * and open the first one.  Built against the installed library with
 *
 *   cc -o list-devices list-devices.c $(pkg-config --cflags --libs libneuron-drm)
 *
 * Exit status: 0 devices listed, 2 no device, 1 error.
 */
#include <stdio.h>

#include <neuron_drm.h>

int main(void)
{
	struct neuron_drm_node nodes[16];
	int count, i, fd;

	count = neuron_drm_list(nodes, 16);
	if (count < 0) {
		fprintf(stderr, "list-devices: %s\n", neuron_drm_strerror(count));
		return 1;
	}
	if (count == 0) {
		printf("no neuron device\n");
		return 2;
	}
	for (i = 0; i < count && i < 16; i++)
		printf("%d: %s pci %s driver %d.%d.%d\n", i, nodes[i].path,
		       nodes[i].pci_slot[0] ? nodes[i].pci_slot : "-",
		       nodes[i].drv_major, nodes[i].drv_minor,
		       nodes[i].drv_patchlevel);

	fd = neuron_drm_open_index(0);
	if (fd < 0) {
		fprintf(stderr, "list-devices: open: %s\n", neuron_drm_strerror(fd));
		return 1;
	}
	neuron_drm_close(fd);
	return 0;
}
