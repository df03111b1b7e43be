// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm run` options: the input is the argument list, NUL-separated,
 * after an implied "run". Each argument is its own exact-size heap block
 * so a read past its end is caught. A config that parses must be valid.
 */
#include "config.h"
#include "fuzz.h"
#include "log.h"

#define MAX_ARGS	64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_verbose_init();
	return 0;
}

static void check_config(const struct config *cfg)
{
	unsigned int i;

	FUZZ_CHECK(cfg->kernel || cfg->firmware);
	FUZZ_CHECK(cfg->nr_cpus >= 1 && cfg->nr_cpus <= CONFIG_MAX_CPUS);
	FUZZ_CHECK(cfg->ram_size && !(cfg->ram_size % (2ULL << 20)));
	FUZZ_CHECK(!(cfg->ram_base % (2ULL << 20)));
	FUZZ_CHECK(cfg->ram_base + cfg->ram_size > cfg->ram_base);
	FUZZ_CHECK(cfg->nr_disks <= CONFIG_MAX_DISKS);
	FUZZ_CHECK(cfg->nr_nets <= CONFIG_MAX_NETS);
	FUZZ_CHECK(!cfg->name || !config_name_valid(cfg->name));
	FUZZ_CHECK(!(cfg->dtb && cfg->dump_dtb));
	for (i = 0; i < cfg->nr_disks; i++)
		FUZZ_CHECK(cfg->disks[i].path && *cfg->disks[i].path);
	for (i = 0; i < cfg->nr_nets; i++) {
		FUZZ_CHECK(cfg->nets[i].mode == NET_TAP);
		FUZZ_CHECK(strlen(cfg->nets[i].tapif) <= CONFIG_TAPIF_MAX);
		FUZZ_CHECK(!(cfg->nets[i].guest_mac[0] & 1));
	}
	FUZZ_CHECK((cfg->guest_argc > 0) == !!cfg->guest_argv);
	for (i = 0; i < (unsigned int)cfg->guest_argc; i++)
		FUZZ_CHECK(cfg->guest_argv[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	struct config cfg;
	int argc = 1, i, ret;
	size_t start = 0, end;

	argv[0] = strdup("run");
	while (start < size && argc <= MAX_ARGS) {
		for (end = start; end < size && data[end]; end++)
			;
		argv[argc] = strndup((const char *)data + start, end - start);
		FUZZ_CHECK(argv[argc]);
		argc++;
		start = end + 1;
	}
	argv[argc] = NULL;
	ret = config_parse_run(&cfg, argc, argv);
	fuzz_report("config_parse_run", ret);
	if (!ret) {
		check_config(&cfg);
		config_release(&cfg);
	}
	err_clear();
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
