// SPDX-License-Identifier: MIT
/*
 * Smallest libneuron-drm program: list the neuron devices of this machine
 * and show what the first one says about itself.  Built against the installed library with
 *
 *   cc -o list-devices list-devices.c $(pkg-config --cflags --libs libneuron-drm)
 *
 * Exit status: 0 devices listed, 2 no device, 1 error.
 */
#include <stdio.h>

#include <neuron_drm.h>

int main(void)
{
	struct drm_neuron_query_device_info info;
	struct neuron_drm_node nodes[16];
	int count, i, fd, ret;

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
	ret = neuron_drm_query_device_info(fd, &info);
	neuron_drm_close(fd);
	if (ret < 0) {
		fprintf(stderr, "list-devices: device info: %s\n",
			neuron_drm_strerror(ret));
		return 1;
	}
	printf("device 0: id %u, %u NeuronCores, %llu MiB DRAM, firmware %s\n",
	       info.device_id, info.nc_count,
	       (unsigned long long)(info.dram_size >> 20),
	       (info.fw_status & DRM_NEURON_FW_STATUS_READY) ? "ready" : "not ready");
	return 0;
}
