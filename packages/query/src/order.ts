/**
 * String order as `a.localeCompare(b)` gives it (the order of file names and syscall names in
 * reports), without paying for the collator where it cannot matter: the first call to
 * localeCompare sets up ICU's collator, ~10 ms of a command that takes a few hundred.
 *
 * Fast path: both strings are lowercase ASCII letters, digits and the punctuation below, and
 * they first differ at two letters or digits (or one ends there). ICU's root collation gives
 * every one of these characters a single primary weight of its own, digits before letters, in
 * ASCII order among themselves, so the first difference decides, as in code-point order; a
 * prefix sorts first in both. Anything else (upper case, other punctuation, non-ASCII, a first
 * difference at punctuation, whose ICU order is not ASCII's) goes to localeCompare.
 */
const PLAIN = /^[a-z0-9._=-]*$/;
const ALNUM = /[a-z0-9]/;

export function textOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (PLAIN.test(a) && PLAIN.test(b)) {
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    if (i === n) return a.length < b.length ? -1 : 1;
    if (ALNUM.test(a[i]!) && ALNUM.test(b[i]!)) return a.charCodeAt(i) < b.charCodeAt(i) ? -1 : 1;
  }
  return a.localeCompare(b);
}
