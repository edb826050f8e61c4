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
export const SOL = { IP: 0, SOCKET: 1, TCP: 6, UDP: 17, IPV6: 41, NETLINK: 270 } as const;

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

/** SOL_IP options (include/uapi/linux/in.h). */
export const IP_OPTIONS = xlat({ header: 'include/uapi/linux/in.h', dflt: 'IP_???' }, [
  [1, 'IP_TOS'], [2, 'IP_TTL'], [3, 'IP_HDRINCL'], [4, 'IP_OPTIONS'], [5, 'IP_ROUTER_ALERT'], [6, 'IP_RECVOPTS'],
  [7, 'IP_RETOPTS'], [8, 'IP_PKTINFO'], [9, 'IP_PKTOPTIONS'], [10, 'IP_MTU_DISCOVER'], [11, 'IP_RECVERR'], [12, 'IP_RECVTTL'],
  [13, 'IP_RECVTOS'], [14, 'IP_MTU'], [15, 'IP_FREEBIND'], [16, 'IP_IPSEC_POLICY'], [17, 'IP_XFRM_POLICY'], [18, 'IP_PASSSEC'],
  [19, 'IP_TRANSPARENT'], [20, 'IP_ORIGDSTADDR'], [21, 'IP_MINTTL'], [22, 'IP_NODEFRAG'], [23, 'IP_CHECKSUM'],
  [24, 'IP_BIND_ADDRESS_NO_PORT'], [25, 'IP_RECVFRAGSIZE'], [26, 'IP_RECVERR_RFC4884'], [32, 'IP_MULTICAST_IF'],
  [33, 'IP_MULTICAST_TTL'], [34, 'IP_MULTICAST_LOOP'], [35, 'IP_ADD_MEMBERSHIP'], [36, 'IP_DROP_MEMBERSHIP'],
  [37, 'IP_UNBLOCK_SOURCE'], [38, 'IP_BLOCK_SOURCE'], [39, 'IP_ADD_SOURCE_MEMBERSHIP'], [40, 'IP_DROP_SOURCE_MEMBERSHIP'],
  [41, 'IP_MSFILTER'], [42, 'MCAST_JOIN_GROUP'], [43, 'MCAST_BLOCK_SOURCE'], [44, 'MCAST_UNBLOCK_SOURCE'],
  [45, 'MCAST_LEAVE_GROUP'], [46, 'MCAST_JOIN_SOURCE_GROUP'], [47, 'MCAST_LEAVE_SOURCE_GROUP'], [48, 'MCAST_MSFILTER'],
  [49, 'IP_MULTICAST_ALL'], [50, 'IP_UNICAST_IF'], [51, 'IP_LOCAL_PORT_RANGE'], [52, 'IP_PROTOCOL'],
]);

/** SOL_IPV6 options (include/uapi/linux/in6.h, ipv6.h). */
export const IPV6_OPTIONS = xlat({ header: 'include/uapi/linux/in6.h', dflt: 'IPV6_???' }, [
  [1, 'IPV6_ADDRFORM'], [2, 'IPV6_2292PKTINFO'], [3, 'IPV6_2292HOPOPTS'], [4, 'IPV6_2292DSTOPTS'], [5, 'IPV6_2292RTHDR'],
  [6, 'IPV6_2292PKTOPTIONS'], [7, 'IPV6_CHECKSUM'], [8, 'IPV6_2292HOPLIMIT'], [9, 'IPV6_NEXTHOP'], [10, 'IPV6_AUTHHDR'],
  [11, 'IPV6_FLOWINFO'], [16, 'IPV6_UNICAST_HOPS'], [17, 'IPV6_MULTICAST_IF'], [18, 'IPV6_MULTICAST_HOPS'],
  [19, 'IPV6_MULTICAST_LOOP'], [20, 'IPV6_ADD_MEMBERSHIP'], [21, 'IPV6_DROP_MEMBERSHIP'], [22, 'IPV6_ROUTER_ALERT'],
  [23, 'IPV6_MTU_DISCOVER'], [24, 'IPV6_MTU'], [25, 'IPV6_RECVERR'], [26, 'IPV6_V6ONLY'], [27, 'IPV6_JOIN_ANYCAST'],
  [28, 'IPV6_LEAVE_ANYCAST'], [29, 'IPV6_MULTICAST_ALL'], [30, 'IPV6_ROUTER_ALERT_ISOLATE'], [31, 'IPV6_RECVERR_RFC4884'],
  [32, 'IPV6_FLOWLABEL_MGR'], [33, 'IPV6_FLOWINFO_SEND'], [34, 'IPV6_IPSEC_POLICY'], [35, 'IPV6_XFRM_POLICY'],
  [36, 'IPV6_HDRINCL'], [42, 'MCAST_JOIN_GROUP'], [45, 'MCAST_LEAVE_GROUP'], [49, 'IPV6_RECVPKTINFO'], [50, 'IPV6_PKTINFO'],
  [51, 'IPV6_RECVHOPLIMIT'], [52, 'IPV6_HOPLIMIT'], [53, 'IPV6_RECVHOPOPTS'], [54, 'IPV6_HOPOPTS'],
  [55, 'IPV6_RTHDRDSTOPTS'], [56, 'IPV6_RECVRTHDR'], [57, 'IPV6_RTHDR'], [58, 'IPV6_RECVDSTOPTS'], [59, 'IPV6_DSTOPTS'],
  [60, 'IPV6_RECVPATHMTU'], [61, 'IPV6_PATHMTU'], [62, 'IPV6_DONTFRAG'], [66, 'IPV6_RECVTCLASS'], [67, 'IPV6_TCLASS'],
  [70, 'IPV6_AUTOFLOWLABEL'], [72, 'IPV6_ADDR_PREFERENCES'], [73, 'IPV6_MINHOPCOUNT'], [74, 'IPV6_ORIGDSTADDR'],
  [75, 'IPV6_TRANSPARENT'], [76, 'IPV6_UNICAST_IF'], [77, 'IPV6_RECVFRAGSIZE'], [78, 'IPV6_FREEBIND'],
]);

/** SOL_UDP options (include/uapi/linux/udp.h). */
export const UDP_OPTIONS = xlat({ header: 'include/uapi/linux/udp.h', dflt: 'UDP_???' }, [
  [1, 'UDP_CORK'], [100, 'UDP_ENCAP'], [101, 'UDP_NO_CHECK6_TX'], [102, 'UDP_NO_CHECK6_RX'], [103, 'UDP_SEGMENT'], [104, 'UDP_GRO'],
]);

/** SOL_NETLINK options (include/uapi/linux/netlink.h). */
export const NETLINK_OPTIONS = xlat({ header: 'include/uapi/linux/netlink.h', dflt: 'NETLINK_???' }, [
  [1, 'NETLINK_ADD_MEMBERSHIP'], [2, 'NETLINK_DROP_MEMBERSHIP'], [3, 'NETLINK_PKTINFO'], [4, 'NETLINK_BROADCAST_ERROR'],
  [5, 'NETLINK_NO_ENOBUFS'], [6, 'NETLINK_RX_RING'], [7, 'NETLINK_TX_RING'], [8, 'NETLINK_LISTEN_ALL_NSID'],
  [9, 'NETLINK_LIST_MEMBERSHIPS'], [10, 'NETLINK_CAP_ACK'], [11, 'NETLINK_EXT_ACK'], [12, 'NETLINK_GET_STRICT_CHK'],
]);
export const SO = { LINGER: 13, PEERCRED: 17, ERROR: 4 } as const;
