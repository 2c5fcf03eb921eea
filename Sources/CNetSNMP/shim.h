#ifndef PANTAU_CNETSNMP_SHIM_H
#define PANTAU_CNETSNMP_SHIM_H

// Why these two come first: net-snmp-config.h defines _GNU_SOURCE, which renames glibc's
// fd_set member. If any other module (CPcap, Foundation/Dispatch) includes sys/select.h
// without it, Clang sees two different fd_set definitions and the Swift build fails with
// "__fds_bits ... is not present in definition of fd_set". Including them here, before
// net-snmp-config.h, makes every module agree.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

// Composite macros ((ASN_CONTEXT | ASN_CONSTRUCTOR | n) and friends) do not import into
// Swift; each is re-exported as a prefixed constant so nobody mistakes it for library API.
static const int cnetsnmp_MSG_GET = SNMP_MSG_GET;
static const int cnetsnmp_MSG_GETNEXT = SNMP_MSG_GETNEXT;
static const int cnetsnmp_MSG_GETBULK = SNMP_MSG_GETBULK;
static const int cnetsnmp_MSG_RESPONSE = SNMP_MSG_RESPONSE;
static const int cnetsnmp_MSG_REPORT = SNMP_MSG_REPORT;
static const unsigned char cnetsnmp_NOSUCHOBJECT = SNMP_NOSUCHOBJECT;
static const unsigned char cnetsnmp_NOSUCHINSTANCE = SNMP_NOSUCHINSTANCE;
static const unsigned char cnetsnmp_ENDOFMIBVIEW = SNMP_ENDOFMIBVIEW;
static const unsigned char cnetsnmp_ASN_IPADDRESS = ASN_IPADDRESS;
static const unsigned char cnetsnmp_ASN_COUNTER = ASN_COUNTER;
static const unsigned char cnetsnmp_ASN_GAUGE = ASN_GAUGE;
static const unsigned char cnetsnmp_ASN_TIMETICKS = ASN_TIMETICKS;
static const unsigned char cnetsnmp_ASN_OPAQUE = ASN_OPAQUE;
static const unsigned char cnetsnmp_ASN_COUNTER64 = ASN_COUNTER64;
static const unsigned char cnetsnmp_ASN_INTEGER = ASN_INTEGER;
static const unsigned char cnetsnmp_ASN_OCTET_STR = ASN_OCTET_STR;
static const unsigned char cnetsnmp_ASN_OBJECT_ID = ASN_OBJECT_ID;
static const unsigned char cnetsnmp_ASN_NULL = ASN_NULL;
static const unsigned char cnetsnmp_ASN_BIT_STR = ASN_BIT_STR;
static const unsigned char cnetsnmp_ASN_UINTEGER = ASN_UINTEGER;

// Security levels and callback operations are plain #defines of small ints; re-exported for
// symmetry and so the Swift side never hard-codes their values.
static const int cnetsnmp_SEC_LEVEL_NOAUTH = SNMP_SEC_LEVEL_NOAUTH;
static const int cnetsnmp_SEC_LEVEL_AUTHNOPRIV = SNMP_SEC_LEVEL_AUTHNOPRIV;
static const int cnetsnmp_SEC_LEVEL_AUTHPRIV = SNMP_SEC_LEVEL_AUTHPRIV;
static const int cnetsnmp_OP_RECEIVED_MESSAGE = NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE;
static const int cnetsnmp_OP_TIMED_OUT = NETSNMP_CALLBACK_OP_TIMED_OUT;
static const int cnetsnmp_OP_SEND_FAILED = NETSNMP_CALLBACK_OP_SEND_FAILED;
static const int cnetsnmp_OP_DISCONNECT = NETSNMP_CALLBACK_OP_DISCONNECT;
static const int cnetsnmp_OP_RESEND = NETSNMP_CALLBACK_OP_RESEND;
static const int cnetsnmp_OP_SEC_ERROR = NETSNMP_CALLBACK_OP_SEC_ERROR;

// The variable_list value is a C union; Swift reads it through these typed accessors.
static inline long cnetsnmp_var_integer(const netsnmp_variable_list *v) {
    return v->val.integer ? *v->val.integer : 0;
}
static inline const unsigned char *cnetsnmp_var_bytes(const netsnmp_variable_list *v) {
    return v->val.string;
}
static inline const oid *cnetsnmp_var_objid(const netsnmp_variable_list *v) {
    return v->val.objid;
}
static inline unsigned long long cnetsnmp_var_counter64(const netsnmp_variable_list *v) {
    if (!v->val.counter64) return 0;
    return (((unsigned long long)v->val.counter64->high) << 32) | (unsigned long long)v->val.counter64->low;
}

// Authentication and privacy protocol OIDs are global arrays whose length is a macro
// (USM_AUTH_PROTO_*_LEN); these accessors hand Swift the pointer and the length together.
// Returns NULL when this libnetsnmp build lacks the protocol.
static inline const oid *cnetsnmp_auth_proto(int which, size_t *len) {
    switch (which) {
    case 1: *len = USM_AUTH_PROTO_MD5_LEN; return usmHMACMD5AuthProtocol;
    case 2: *len = USM_AUTH_PROTO_SHA_LEN; return usmHMACSHA1AuthProtocol;
#ifdef HAVE_EVP_SHA224
    case 3: *len = OID_LENGTH(usmHMAC128SHA224AuthProtocol); return usmHMAC128SHA224AuthProtocol;
    case 4: *len = OID_LENGTH(usmHMAC192SHA256AuthProtocol); return usmHMAC192SHA256AuthProtocol;
#endif
#ifdef HAVE_EVP_SHA384
    case 5: *len = OID_LENGTH(usmHMAC256SHA384AuthProtocol); return usmHMAC256SHA384AuthProtocol;
    case 6: *len = OID_LENGTH(usmHMAC384SHA512AuthProtocol); return usmHMAC384SHA512AuthProtocol;
#endif
    default: *len = 0; return NULL;
    }
}
static inline const oid *cnetsnmp_priv_proto(int which, size_t *len) {
    switch (which) {
#ifndef NETSNMP_DISABLE_DES
    case 1: *len = USM_PRIV_PROTO_DES_LEN; return usmDESPrivProtocol;
#endif
    case 2: *len = USM_PRIV_PROTO_AES_LEN; return usmAESPrivProtocol;
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
    case 3: *len = OID_LENGTH(usmAES192PrivProtocol); return usmAES192PrivProtocol;
    case 4: *len = OID_LENGTH(usmAES256PrivProtocol); return usmAES256PrivProtocol;
#endif
    default: *len = 0; return NULL;
    }
}

#endif
