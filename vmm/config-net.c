// SPDX-License-Identifier: GPL-2.0
/*
 * The network options of `pocvm run`: -n/--network (kvmtool's spelling,
 * plus hostfwd= for mode=user), --passt PATH and --vsock CID. Only the
 * form is checked here; taps, passt and /dev/vhost-* are met later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-opts.h"
#include "log.h"

/* The CIDs below 3 name the hypervisor, the loopback and the host. */
#define VSOCK_CID_MIN	3
/* VMADDR_CID_ANY; vhost-vsock takes 32-bit CIDs only. */
#define VSOCK_CID_ANY	0xffffffffU

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &end) != 6 || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	/* A multicast source address would never get a reply. */
	return (mac[0] & 1) ? -EINVAL : 0;
}

/* A TCP or UDP port, 1 to 65535, in decimal. */
static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/* "tcp:HOSTPORT:GUESTPORT" or "udp:...", into n->fwds. */
static int parse_hostfwd(struct net_config *n, char *val)
{
	char *host, *guest, word[32];
	struct net_fwd f = { 0 };
	unsigned int i;

	snprintf(word, sizeof(word), "%s", val);	/* for messages */
	host = strchr(val, ':');
	guest = host ? strchr(host + 1, ':') : NULL;
	if (!guest)
		goto bad;
	*host++ = '\0';
	*guest++ = '\0';
	if (!strcmp(val, "udp"))
		f.udp = true;
	else if (strcmp(val, "tcp"))
		goto bad;
	if (parse_port(host, &f.host_port) || parse_port(guest, &f.guest_port))
		goto bad;
	for (i = 0; i < n->nr_fwds; i++)
		if (n->fwds[i].udp == f.udp &&
		    n->fwds[i].host_port == f.host_port)
			return err_set(-EINVAL, "--network: hostfwd: %s port %u "
				       "is forwarded twice", val, f.host_port);
	if (n->nr_fwds == CONFIG_MAX_FWDS)
		return err_set(-EINVAL, "--network: at most %d hostfwd= per "
			       "network", CONFIG_MAX_FWDS);
	n->fwds[n->nr_fwds++] = f;
	return 0;
bad:
	return err_set(-EINVAL, "--network: hostfwd '%s' is not "
		       "tcp|udp:HOSTPORT:GUESTPORT (ports 1-65535)", word);
}

/* kvmtool's syntax: comma-separated key=value words. */
int config_parse_network(struct config *cfg, const char *value)
{
	struct net_config n = { .mode = NET_TAP };
	unsigned int index = cfg->nr_nets;
	char buf[512], *word, *next, *val;
	bool have_mode = false;
	int ret;

	if (strlen(value) >= sizeof(buf))
		return err_set(-EINVAL, "--network: '%s' is too long", value);
	strcpy(buf, value);

	/* A locally administered MAC that differs per device. */
	memcpy(n.guest_mac, "\x02\x15\x15\x15\x15\x00", 6);
	n.guest_mac[5] = index;
	for (word = buf; word; word = next) {
		next = strchr(word, ',');
		if (next)
			*next++ = '\0';
		val = strchr(word, '=');
		if (!val)
			return err_set(-EINVAL, "--network: '%s' is not "
				       "key=value", word);
		*val++ = '\0';
		if (!strcmp(word, "mode")) {
			if (!strcmp(val, "tap"))
				n.mode = NET_TAP;
			else if (!strcmp(val, "user"))
				n.mode = NET_USER;
			else if (!strcmp(val, "none"))
				n.mode = NET_NONE;
			else
				return err_set(-EINVAL, "--network: mode '%s' "
					       "is not supported (tap, user, "
					       "none)", val);
			have_mode = true;
		} else if (!strcmp(word, "tapif")) {
			if (!*val || strlen(val) > CONFIG_TAPIF_MAX ||
			    strchr(val, '/'))
				return err_set(-EINVAL, "--network: tapif '%s' "
					       "is not an interface name", val);
			strcpy(n.tapif, val);
		} else if (!strcmp(word, "guest_mac")) {
			if (parse_mac(val, n.guest_mac))
				return err_set(-EINVAL, "--network: guest_mac "
					       "'%s' is not a unicast "
					       "xx:xx:xx:xx:xx:xx", val);
		} else if (!strcmp(word, "vhost")) {
			if (strcmp(val, "0") && strcmp(val, "1"))
				return err_set(-EINVAL, "--network: vhost="
					       "'%s' is not 0 or 1", val);
			n.vhost = val[0] == '1';
		} else if (!strcmp(word, "hostfwd")) {
			ret = parse_hostfwd(&n, val);
			if (ret)
				return ret;
		} else {
			return err_set(-EINVAL, "--network: unknown key '%s' "
				       "(mode, tapif, guest_mac, vhost, "
				       "hostfwd)", word);
		}
	}
	if (!have_mode)
		return err_set(-EINVAL, "--network: give mode=tap, mode=user "
			       "or mode=none");
	if (n.mode == NET_USER && (n.tapif[0] || n.vhost))
		return err_set(-EINVAL, "--network: mode=user has no tap: "
			       "tapif= and vhost=1 are mode=tap's");
	if (n.mode == NET_TAP && n.nr_fwds)
		return err_set(-EINVAL, "--network: hostfwd= is mode=user's "
			       "(a tap is reached at its own address)");
	cfg->net_given = true;
	if (n.mode == NET_NONE)
		return 0;
	if (cfg->nr_nets == CONFIG_MAX_NETS)
		return err_set(-EINVAL, "--network: at most %d network devices",
			       CONFIG_MAX_NETS);
	cfg->nets[cfg->nr_nets++] = n;
	return 0;
}

int config_parse_passt(struct config *cfg, const char *arg)
{
	if (!*arg)
		return err_set(-EINVAL, "--passt: empty path");
	cfg->passt = arg;
	return 0;
}

/* kvmtool's --vsock CID: the guest's context ID. */
int config_parse_vsock(struct config *cfg, const char *arg)
{
	unsigned long long cid;
	char *end;

	errno = 0;
	cid = strtoull(arg, &end, 0);
	if (*arg < '0' || *arg > '9' || errno || *end ||
	    cid < VSOCK_CID_MIN || cid >= VSOCK_CID_ANY)
		return err_set(-EINVAL, "--vsock: '%s' is not a guest CID "
			       "(%u to %u)", arg, VSOCK_CID_MIN,
			       VSOCK_CID_ANY - 1);
	cfg->vsock_cid = cid;
	return 0;
}

int config_check_network(const struct config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_nets; i++)
		if (cfg->nets[i].mode == NET_USER)
			return 0;
	/* With no -n at all a host-rootfs guest may run it: rootfs.c. */
	if (cfg->passt && cfg->net_given)
		return err_set(-EINVAL, "--passt: only -n mode=user starts "
			       "passt");
	return 0;
}
