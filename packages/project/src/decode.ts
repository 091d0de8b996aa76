/** Bytes from disk → text, or why they are not UTF-8 text (never silently mangled into U+FFFD). */

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const SAVE_AS_UTF8 = "save it as UTF-8 (in most editors: Save with Encoding → UTF-8)";

/**
 * `bytes` as text, with a UTF-8 byte order mark dropped; or a problem in words. `refuseNul`
 * also refuses NUL bytes, which no YAML file holds (YAML forbids most control characters).
 */
export function decodeText(bytes: Uint8Array, options: { refuseNul?: boolean } = {}): { text: string } | { problem: string } {
  const [b0, b1, b2, b3] = bytes;
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)) {
    return { problem: `is UTF-32 text; ${SAVE_AS_UTF8}` };
  }
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return { problem: `is UTF-16 text; ${SAVE_AS_UTF8}` };
  if (options.refuseNul && bytes.includes(0)) {
    const utf16 = bytes.length >= 4 && ((bytes[1] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[2] === 0));
    return { problem: utf16 ? `looks like UTF-16 text (without a byte order mark); ${SAVE_AS_UTF8}` : "is binary (it holds NUL bytes), not YAML text" };
  }
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { problem: `is not UTF-8 text (a binary file, or text saved in another encoding such as Latin-1); ${SAVE_AS_UTF8}` };
  }
}
