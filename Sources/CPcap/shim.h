#ifndef PANTAU_CPCAP_SHIM_H
#define PANTAU_CPCAP_SHIM_H
// Same include order as CNetSNMP's shim, so fd_set is defined identically in every module.
#include <sys/types.h>
#include <sys/select.h>
#include <pcap/pcap.h>
#endif
