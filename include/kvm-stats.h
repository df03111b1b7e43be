/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_KVM_STATS_H
#define POCVM_KVM_STATS_H

#include <stdint.h>

/*
 * KVM binary statistics (KVM_GET_STATS_FD): find a stat by name once, then
 * read its value as often as needed. Both take the stats file descriptor.
 */

/* Offset in the file of the first value of @name, or -ENOENT/-EINVAL/-errno */
int kvm_stats_find(int fd, const char *name, uint64_t *value_off);
int kvm_stats_read(int fd, uint64_t value_off, uint64_t *value);

#endif
