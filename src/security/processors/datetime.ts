/**
 * Strict xsd:dateTime for WS-Security (Timestamp and UsernameToken Created/Expires).
 *
 * Accepted: `YYYY-MM-DDThh:mm:ss(.fraction)?Z`, nothing else:
 * - UTC only, written `Z` (BSP R3217 Created, R3223 Expires). Offsets, even `+00:00`, and
 *   local times without a zone are refused: an offset is legal xsd but not "UTC format", and a
 *   zone-less time has no instant at all.
 * - seconds below 60 (BSP R3213 Created, R3215 Expires): no leap second; hour 24 (xsd 1.0's
 *   `24:00:00`) is refused too.
 * - a real calendar day (February 29 only in Gregorian leap years), years 0001–9999.
 * - at most 9 fraction digits (BSP R3220/R3229 only say SHOULD ≤ 3; WCF writes 7), truncated to
 *   the millisecond.
 * xsd:dateTime has the whiteSpace facet `collapse`, so XML whitespace (space, tab, CR, LF) around
 * the value is dropped; any other character, inside or around, makes the value invalid.
 */

const WS_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
const XML_WS_EDGES = /^[ \t\r\n]+|[ \t\r\n]+$/g;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The instant a WS-Security dateTime names, or undefined when the text is not one. */
export function parseWsDateTime(text: string): Date | undefined {
  const m = WS_DATETIME.exec(text.replace(XML_WS_EDGES, ''));
  if (m === null) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (year < 1) return undefined;
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  d.setUTCFullYear(year);
  return d;
}
