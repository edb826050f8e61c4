/** Descriptor constants: epoll(7), eventfd(2), inotify(7), memfd_create(2), ioctl(2) requests. */
import { xlat } from '../xlat.js';

export const EPOLL_CTL_OPS = xlat({ header: 'include/uapi/linux/eventpoll.h', dflt: 'EPOLL_CTL_???' }, [
  [1, 'EPOLL_CTL_ADD'], [2, 'EPOLL_CTL_DEL'], [3, 'EPOLL_CTL_MOD'],
]);
export const EPOLL_CREATE_FLAGS = xlat({ header: 'include/uapi/linux/eventpoll.h', dflt: 'EPOLL_???' }, [[0o2000000, 'EPOLL_CLOEXEC']]);
export const EFD_FLAGS = xlat({ header: 'include/linux/eventfd.h', dflt: 'EFD_???' }, [
  [1, 'EFD_SEMAPHORE'], [0o2000000, 'EFD_CLOEXEC'], [0o4000, 'EFD_NONBLOCK'],
]);
export const INOTIFY_INIT_FLAGS = xlat({ header: 'include/uapi/linux/inotify.h', dflt: 'IN_???' }, [
  [0o4000, 'IN_NONBLOCK'], [0o2000000, 'IN_CLOEXEC'],
]);
export const MFD_FLAGS = xlat({ header: 'include/uapi/linux/memfd.h', dflt: 'MFD_???' }, [
  [1, 'MFD_CLOEXEC'], [2, 'MFD_ALLOW_SEALING'], [4, 'MFD_HUGETLB'], [8, 'MFD_NOEXEC_SEAL'], [0x10, 'MFD_EXEC'],
]);
export const TFD_FLAGS = xlat({ header: 'include/uapi/linux/timerfd.h', dflt: 'TFD_???' }, [
  [0o2000000, 'TFD_CLOEXEC'], [0o4000, 'TFD_NONBLOCK'],
]);

/** Common ioctl requests (x86_64): terminals, FIO*, a few file-system ones. Others print in hex. */
export const IOCTL_CMDS = xlat({ header: 'include/uapi/asm-generic/ioctls.h, include/uapi/linux/fs.h', dflt: 'ioctl ???' }, [
  [0x5401, 'TCGETS'], [0x5402, 'TCSETS'], [0x5403, 'TCSETSW'], [0x5404, 'TCSETSF'], [0x5405, 'TCGETA'], [0x5406, 'TCSETA'],
  [0x5407, 'TCSETAW'], [0x5408, 'TCSETAF'], [0x5409, 'TCSBRK'], [0x540a, 'TCXONC'], [0x540b, 'TCFLSH'], [0x540c, 'TIOCEXCL'],
  [0x540d, 'TIOCNXCL'], [0x540e, 'TIOCSCTTY'], [0x540f, 'TIOCGPGRP'], [0x5410, 'TIOCSPGRP'], [0x5411, 'TIOCOUTQ'],
  [0x5412, 'TIOCSTI'], [0x5413, 'TIOCGWINSZ'], [0x5414, 'TIOCSWINSZ'], [0x5415, 'TIOCMGET'], [0x5416, 'TIOCMBIS'],
  [0x5417, 'TIOCMBIC'], [0x5418, 'TIOCMSET'], [0x541b, 'FIONREAD'], [0x541c, 'TIOCLINUX'], [0x541d, 'TIOCCONS'],
  [0x5421, 'FIONBIO'], [0x5422, 'TIOCNOTTY'], [0x5429, 'TIOCGSID'],
  [0x5441, 'TIOCGPTPEER'], [0x5450, 'FIONCLEX'], [0x5451, 'FIOCLEX'], [0x5452, 'FIOASYNC'],
  [0x80045430, 'TIOCGPTN'], [0x40045431, 'TIOCSPTLCK'], [0x802c542a, 'TCGETS2'], [0x402c542b, 'TCSETS2'],
  [0x80086601, 'FS_IOC_GETFLAGS'], [0x40086602, 'FS_IOC_SETFLAGS'], [0x40049409, 'FICLONE'], [0x4020940d, 'FICLONERANGE'],
  [0x5460, 'FIOQSIZE'], [0x8008, 'SIOCGPGRP'], [0x8910, 'SIOCGIFNAME'], [0x8912, 'SIOCGIFCONF'], [0x8913, 'SIOCGIFFLAGS'],
  [0x8915, 'SIOCGIFADDR'], [0x8927, 'SIOCGIFHWADDR'], [0x8933, 'SIOCGIFINDEX'],
]);

/** poll(2) events and revents. */
export const POLL_EVENTS = xlat({ header: 'include/uapi/asm-generic/poll.h', dflt: 'POLL???' }, [
  [0x1, 'POLLIN'], [0x2, 'POLLPRI'], [0x4, 'POLLOUT'], [0x8, 'POLLERR'], [0x10, 'POLLHUP'], [0x20, 'POLLNVAL'],
  [0x40, 'POLLRDNORM'], [0x80, 'POLLRDBAND'], [0x100, 'POLLWRNORM'], [0x200, 'POLLWRBAND'], [0x400, 'POLLMSG'],
  [0x1000, 'POLLREMOVE'], [0x2000, 'POLLRDHUP'], [0x8000, 'POLL_BUSY_LOOP'],
]);

/** epoll_event events. */
export const EPOLL_EVENTS = xlat({ header: 'include/uapi/linux/eventpoll.h', dflt: 'EPOLL???' }, [
  [0x1, 'EPOLLIN'], [0x2, 'EPOLLPRI'], [0x4, 'EPOLLOUT'], [0x8, 'EPOLLERR'], [0x10, 'EPOLLHUP'], [0x20, 'EPOLLNVAL'],
  [0x40, 'EPOLLRDNORM'], [0x80, 'EPOLLRDBAND'], [0x100, 'EPOLLWRNORM'], [0x200, 'EPOLLWRBAND'], [0x400, 'EPOLLMSG'],
  [0x2000, 'EPOLLRDHUP'], [0x10000000, 'EPOLLEXCLUSIVE'], [0x20000000, 'EPOLLWAKEUP'], [0x40000000, 'EPOLLONESHOT'],
  [0x80000000, 'EPOLLET'],
]);
export const EPOLL_CTL_DEL = 2;

/** timerfd_settime(2) flags. */
export const TFD_SETTIME_FLAGS = xlat({ header: 'include/uapi/linux/timerfd.h', dflt: 'TFD_???' }, [
  [1, 'TFD_TIMER_ABSTIME'], [2, 'TFD_TIMER_CANCEL_ON_SET'], [0o2000000, 'TFD_CLOEXEC'], [0o4000, 'TFD_NONBLOCK'],
]);
