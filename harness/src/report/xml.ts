/**
 * Escaping for XML 1.0 text and attribute values. Characters XML 1.0 cannot carry at all
 * (most C0 controls, lone surrogates) are replaced by U+FFFD rather than producing a file
 * that CI's parser rejects; newlines in attributes are kept as character references.
 */
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

export function escapeXmlText(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(/[&<>]/g, (ch) => ENTITIES[ch] ?? ch);
}

export function escapeXmlAttr(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(/[&<>"'\n\r\t]/g, (ch) => ENTITIES[ch] ?? ch);
}

/** `name="value" …` from an object; undefined values are left out. */
export function xmlAttrs(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${escapeXmlAttr(String(value))}"`)
    .join(' ');
}
