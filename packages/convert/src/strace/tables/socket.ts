/** Socket constants: socket(2), send/recv flags, shutdown(2), socket options. */
import { xlat } from '../xlat.js';

/** Address families. */
export const ADDRESS_FAMILIES = xlat({ header: 'include/linux/socket.h', dflt: 'AF_???', lookup: 'indexed' }, [
  [0, 'AF_UNSPEC'], [1, 'AF_UNIX'], [2, 'AF_INET'], [3, 'AF_AX25'], [4, 'AF_IPX'], [5, 'AF_APPLETALK'], [6, 'AF_NETROM'],
  [7, 'AF_BRIDGE'], [8, 'AF_ATMPVC'], [9, 'AF_X25'], [10, 'AF_INET6'], [11, 'AF_ROSE'], [12, 'AF_DECnet'], [13, 'AF_NETBEUI'],
  [14, 'AF_SECURITY'], [15, 'AF_KEY'], [16, 'AF_NETLINK'], [17, 'AF_PACKET'], [18, 'AF_ASH'], [19, 'AF_ECONET'],
  [20, 'AF_ATMSVC'], [21, 'AF_RDS'], [22, 'AF_SNA'], [23, 'AF_IRDA'], [24, 'AF_PPPOX'], [25, 'AF_WANPIPE'], [26, 'AF_LLC'],
  [27, 'AF_IB'], [28, 'AF_MPLS'], [29, 'AF_CAN'], [30, 'AF_TIPC'], [31, 'AF_BLUETOOTH'], [32, 'AF_IUCV'], [33, 'AF_RXRPC'],
  [34, 'AF_ISDN'], [35, 'AF_PHONET'], [36, 'AF_IEEE802154'], [37, 'AF_CAIF'], [38, 'AF_ALG'], [39, 'AF_NFC'], [40, 'AF_VSOCK'],
  [41, 'AF_KCM'], [42, 'AF_QIPCRTR'], [43, 'AF_SMC'], [44, 'AF_XDP'], [45, 'AF_MCTP'],
]);
export const AF = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16 } as const;

/** Socket type: a value in the low 4 bits (SOCK_TYPE_MASK). */
export const SOCK_TYPES = xlat({ header: 'include/linux/net.h', dflt: 'SOCK_???' }, [
  [1, 'SOCK_STREAM'], [2, 'SOCK_DGRAM'], [3, 'SOCK_RAW'], [4, 'SOCK_RDM'], [5, 'SOCK_SEQPACKET'], [6, 'SOCK_DCCP'],
  [10, 'SOCK_PACKET'],
]);
export const SOCK_TYPE_MASK = 0xf;

/** Flags above the socket type (socket(2), socketpair(2), accept4(2)). */
export const SOCK_TYPE_FLAGS = xlat({ header: 'include/linux/net.h', dflt: 'SOCK_???' }, [
  [0o2000000, 'SOCK_CLOEXEC'], [0o4000, 'SOCK_NONBLOCK'],
]);

/** IP protocols (socket(2) protocol for AF_INET/AF_INET6, and socket option levels). */
export const INET_PROTOCOLS = xlat({ header: 'include/uapi/linux/in.h', dflt: 'IPPROTO_???' }, [
  [0, 'IPPROTO_IP'], [1, 'IPPROTO_ICMP'], [2, 'IPPROTO_IGMP'], [4, 'IPPROTO_IPIP'], [6, 'IPPROTO_TCP'], [8, 'IPPROTO_EGP'],
  [12, 'IPPROTO_PUP'], [17, 'IPPROTO_UDP'], [22, 'IPPROTO_IDP'], [29, 'IPPROTO_TP'], [33, 'IPPROTO_DCCP'], [41, 'IPPROTO_IPV6'],
  [43, 'IPPROTO_ROUTING'], [44, 'IPPROTO_FRAGMENT'], [46, 'IPPROTO_RSVP'], [47, 'IPPROTO_GRE'], [50, 'IPPROTO_ESP'],
  [51, 'IPPROTO_AH'], [58, 'IPPROTO_ICMPV6'], [59, 'IPPROTO_NONE'], [60, 'IPPROTO_DSTOPTS'], [92, 'IPPROTO_MTP'],
  [94, 'IPPROTO_BEETPH'], [98, 'IPPROTO_ENCAP'], [103, 'IPPROTO_PIM'], [108, 'IPPROTO_COMP'], [115, 'IPPROTO_L2TP'],
  [132, 'IPPROTO_SCTP'], [135, 'IPPROTO_MH'], [136, 'IPPROTO_UDPLITE'], [137, 'IPPROTO_MPLS'], [143, 'IPPROTO_ETHERNET'],
  [255, 'IPPROTO_RAW'], [262, 'IPPROTO_MPTCP'],
]);

/** Netlink protocols (socket(2) protocol for AF_NETLINK). */
export const NETLINK_PROTOCOLS = xlat({ header: 'include/uapi/linux/netlink.h', dflt: 'NETLINK_???', lookup: 'sorted' }, [
  [0, 'NETLINK_ROUTE'], [1, 'NETLINK_UNUSED'], [2, 'NETLINK_USERSOCK'], [3, 'NETLINK_FIREWALL'], [4, 'NETLINK_SOCK_DIAG'],
  [5, 'NETLINK_NFLOG'], [6, 'NETLINK_XFRM'], [7, 'NETLINK_SELINUX'], [8, 'NETLINK_ISCSI'], [9, 'NETLINK_AUDIT'],
  [10, 'NETLINK_FIB_LOOKUP'], [11, 'NETLINK_CONNECTOR'], [12, 'NETLINK_NETFILTER'], [13, 'NETLINK_IP6_FW'],
  [14, 'NETLINK_DNRTMSG'], [15, 'NETLINK_KOBJECT_UEVENT'], [16, 'NETLINK_GENERIC'], [18, 'NETLINK_SCSITRANSPORT'],
  [19, 'NETLINK_ECRYPTFS'], [20, 'NETLINK_RDMA'], [21, 'NETLINK_CRYPTO'], [22, 'NETLINK_SMC'],
]);

/** send/recv flags. */
export const MSG_FLAGS = xlat({ header: 'include/linux/socket.h', dflt: 'MSG_???' }, [
  [0x1, 'MSG_OOB'], [0x2, 'MSG_PEEK'], [0x4, 'MSG_DONTROUTE'], [0x8, 'MSG_CTRUNC'], [0x10, 'MSG_PROXY'], [0x20, 'MSG_TRUNC'],
  [0x40, 'MSG_DONTWAIT'], [0x80, 'MSG_EOR'], [0x100, 'MSG_WAITALL'], [0x200, 'MSG_FIN'], [0x400, 'MSG_SYN'],
  [0x800, 'MSG_CONFIRM'], [0x1000, 'MSG_RST'], [0x2000, 'MSG_ERRQUEUE'], [0x4000, 'MSG_NOSIGNAL'], [0x8000, 'MSG_MORE'],
  [0x10000, 'MSG_WAITFORONE'], [0x40000, 'MSG_BATCH'], [0x4000000, 'MSG_ZEROCOPY'], [0x20000000, 'MSG_FASTOPEN'],
  [0x40000000, 'MSG_CMSG_CLOEXEC'],
]);

/** shutdown(2) how. */
export const SHUTDOWN_MODES = xlat({ header: 'include/linux/net.h', dflt: 'SHUT_???', lookup: 'indexed' }, [
  [0, 'SHUT_RD'], [1, 'SHUT_WR'], [2, 'SHUT_RDWR'],
]);

/** Socket option levels. */
export const SOCKET_LEVELS = xlat({ header: 'include/linux/socket.h', dflt: 'SOL_???' }, [
  [0, 'SOL_IP'], [1, 'SOL_SOCKET'], [6, 'SOL_TCP'], [17, 'SOL_UDP'], [41, 'SOL_IPV6'], [58, 'SOL_ICMPV6'], [132, 'SOL_SCTP'],
  [255, 'SOL_RAW'], [263, 'SOL_PACKET'], [270, 'SOL_NETLINK'], [282, 'SOL_TLS'], [283, 'SOL_XDP'],
]);
export const SOL = { SOCKET: 1, TCP: 6 } as const;

/** SOL_SOCKET options (x86_64 values). */
export const SO_OPTIONS = xlat({ header: 'include/uapi/asm-generic/socket.h', dflt: 'SO_???' }, [
  [1, 'SO_DEBUG'], [2, 'SO_REUSEADDR'], [3, 'SO_TYPE'], [4, 'SO_ERROR'], [5, 'SO_DONTROUTE'], [6, 'SO_BROADCAST'],
  [7, 'SO_SNDBUF'], [8, 'SO_RCVBUF'], [9, 'SO_KEEPALIVE'], [10, 'SO_OOBINLINE'], [11, 'SO_NO_CHECK'], [12, 'SO_PRIORITY'],
  [13, 'SO_LINGER'], [14, 'SO_BSDCOMPAT'], [15, 'SO_REUSEPORT'], [16, 'SO_PASSCRED'], [17, 'SO_PEERCRED'],
  [18, 'SO_RCVLOWAT'], [19, 'SO_SNDLOWAT'], [20, 'SO_RCVTIMEO_OLD'], [21, 'SO_SNDTIMEO_OLD'], [25, 'SO_BINDTODEVICE'],
  [26, 'SO_ATTACH_FILTER'], [27, 'SO_DETACH_FILTER'], [28, 'SO_PEERNAME'], [29, 'SO_TIMESTAMP_OLD'], [30, 'SO_ACCEPTCONN'],
  [31, 'SO_PEERSEC'], [32, 'SO_SNDBUFFORCE'], [33, 'SO_RCVBUFFORCE'], [34, 'SO_PASSSEC'], [36, 'SO_MARK'],
  [38, 'SO_PROTOCOL'], [39, 'SO_DOMAIN'], [47, 'SO_BUSY_POLL'], [49, 'SO_INCOMING_CPU'], [59, 'SO_PEERGROUPS'],
  [60, 'SO_ZEROCOPY'],
]);

/** SOL_TCP options. */
export const TCP_OPTIONS = xlat({ header: 'include/uapi/linux/tcp.h', dflt: 'TCP_???' }, [
  [1, 'TCP_NODELAY'], [2, 'TCP_MAXSEG'], [3, 'TCP_CORK'], [4, 'TCP_KEEPIDLE'], [5, 'TCP_KEEPINTVL'], [6, 'TCP_KEEPCNT'],
  [7, 'TCP_SYNCNT'], [8, 'TCP_LINGER2'], [9, 'TCP_DEFER_ACCEPT'], [10, 'TCP_WINDOW_CLAMP'], [11, 'TCP_INFO'],
  [12, 'TCP_QUICKACK'], [13, 'TCP_CONGESTION'], [18, 'TCP_USER_TIMEOUT'], [23, 'TCP_FASTOPEN'],
]);
