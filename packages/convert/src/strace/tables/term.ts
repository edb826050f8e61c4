/** Terminal constants (include/uapi/asm-generic/termbits.h, termbits-common.h): the termios flag words. */
import { xlat, type Xlat } from '../xlat.js';

const H = 'include/uapi/asm-generic/termbits.h';

export const TERM_IFLAGS = xlat({ header: H, dflt: 'I???' }, [
  [0x1, 'IGNBRK'], [0x2, 'BRKINT'], [0x4, 'IGNPAR'], [0x8, 'PARMRK'], [0x10, 'INPCK'], [0x20, 'ISTRIP'], [0x40, 'INLCR'],
  [0x80, 'IGNCR'], [0x100, 'ICRNL'], [0x200, 'IUCLC'], [0x400, 'IXON'], [0x800, 'IXANY'], [0x1000, 'IXOFF'],
  [0x2000, 'IMAXBEL'], [0x4000, 'IUTF8'],
]);

export const TERM_OFLAGS = xlat({ header: H, dflt: 'O???' }, [
  [0o1, 'OPOST'], [0o2, 'OLCUC'], [0o4, 'ONLCR'], [0o10, 'OCRNL'], [0o20, 'ONOCR'], [0o40, 'ONLRET'], [0o100, 'OFILL'],
  [0o200, 'OFDEL'],
]);

/** The delay fields of c_oflag, each a value under its mask, printed before the flags. */
export const TERM_ODELAYS: readonly { mask: number; names: Xlat; dflt: string }[] = [
  { mask: 0o400, names: xlat({ header: H, dflt: 'NL?' }, [[0, 'NL0'], [0o400, 'NL1']]), dflt: 'NL?' },
  { mask: 0o3000, names: xlat({ header: H, dflt: 'CR?' }, [[0, 'CR0'], [0o1000, 'CR1'], [0o2000, 'CR2'], [0o3000, 'CR3']]), dflt: 'CR?' },
  { mask: 0o14000, names: xlat({ header: H, dflt: 'TAB?' }, [[0, 'TAB0'], [0o4000, 'TAB1'], [0o10000, 'TAB2'], [0o14000, 'TAB3']]), dflt: 'TAB?' },
  { mask: 0o20000, names: xlat({ header: H, dflt: 'BS?' }, [[0, 'BS0'], [0o20000, 'BS1']]), dflt: 'BS?' },
  { mask: 0o40000, names: xlat({ header: H, dflt: 'VT?' }, [[0, 'VT0'], [0o40000, 'VT1']]), dflt: 'VT?' },
  { mask: 0o100000, names: xlat({ header: H, dflt: 'FF?' }, [[0, 'FF0'], [0o100000, 'FF1']]), dflt: 'FF?' },
];

/** c_cflag baud rates (CBAUD). */
export const BAUD_RATES = xlat({ header: H, dflt: 'B???' }, [
  [0o0, 'B0'], [0o1, 'B50'], [0o2, 'B75'], [0o3, 'B110'], [0o4, 'B134'], [0o5, 'B150'], [0o6, 'B200'], [0o7, 'B300'],
  [0o10, 'B600'], [0o11, 'B1200'], [0o12, 'B1800'], [0o13, 'B2400'], [0o14, 'B4800'], [0o15, 'B9600'], [0o16, 'B19200'],
  [0o17, 'B38400'], [0o10001, 'B57600'], [0o10002, 'B115200'], [0o10003, 'B230400'], [0o10004, 'B460800'],
  [0o10005, 'B500000'], [0o10006, 'B576000'], [0o10007, 'B921600'], [0o10010, 'B1000000'], [0o10011, 'B1152000'],
  [0o10012, 'B1500000'], [0o10013, 'B2000000'], [0o10014, 'B2500000'], [0o10015, 'B3000000'], [0o10016, 'B3500000'],
  [0o10017, 'B4000000'], [0o10000, 'BOTHER'],
]);
export const CBAUD = 0o10017;
export const CIBAUD = 0o2003600000;
export const IBSHIFT = 16;

/** c_cflag character size (CSIZE). */
export const CHAR_SIZES = xlat({ header: H, dflt: 'CS?' }, [[0, 'CS5'], [0o20, 'CS6'], [0o40, 'CS7'], [0o60, 'CS8']]);
export const CSIZE = 0o60;

export const TERM_CFLAGS = xlat({ header: H, dflt: 'C???' }, [
  [0o100, 'CSTOPB'], [0o200, 'CREAD'], [0o400, 'PARENB'], [0o1000, 'PARODD'], [0o2000, 'HUPCL'], [0o4000, 'CLOCAL'],
  [0o10000000000, 'CMSPAR'], [0o20000000000, 'CRTSCTS'],
]);

export const TERM_LFLAGS = xlat({ header: H, dflt: 'L???' }, [
  [0o1, 'ISIG'], [0o2, 'ICANON'], [0o4, 'XCASE'], [0o10, 'ECHO'], [0o20, 'ECHOE'], [0o40, 'ECHOK'], [0o100, 'ECHONL'],
  [0o200, 'NOFLSH'], [0o100000, 'IEXTEN'], [0o1000, 'ECHOCTL'], [0o2000, 'ECHOPRT'], [0o4000, 'ECHOKE'], [0o10000, 'FLUSHO'],
  [0o40000, 'PENDIN'], [0o400, 'TOSTOP'], [0o200000, 'EXTPROC'],
]);
