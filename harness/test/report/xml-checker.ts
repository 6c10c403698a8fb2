/**
 * A tiny strict XML parser for tests: enough of XML 1.0 to prove a JUnit file is well formed
 * (one root, nested tags, quoted attributes, no raw `<`/`&` in text or values, only known or
 * numeric entities) and to read it back as a tree. Throws on the first violation.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Decoded text directly inside this element. */
  text: string;
}

const NAME = /[A-Za-z_][\w.-]*/y;
const ENTITY = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>;

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 30))}`);
  };
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const decode = (raw: string): string => {
    if (raw.includes('<')) fail('raw < in text or attribute');
    return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) fail(`unterminated entity ${whole}`);
      if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
      if (!(ref in ENTITY)) fail(`unknown entity &${ref};`);
      return ENTITY[ref]!;
    });
  };

  if (xml.startsWith('<?xml')) {
    i = xml.indexOf('?>') + 2;
    if (i < 2) fail('unterminated declaration');
  }
  skipSpace();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml.startsWith('</', i)) {
      i += 2;
      const closing = name();
      skipSpace();
      if (xml[i] !== '>') fail('expected >');
      i++;
      const open = stack.pop();
      if (!open || open.name !== closing) fail(`</${closing}> does not close <${open?.name}>`);
      if (stack.length === 0) {
        skipSpace();
        if (i < xml.length) fail('content after the root element');
      }
    } else if (xml[i] === '<') {
      i++;
      const element: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
      for (;;) {
        skipSpace();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        const attr = name();
        if (xml[i] !== '=') fail('expected =');
        const quote = xml[i + 1];
        if (quote !== '"' && quote !== "'") fail('attribute value not quoted');
        const end = xml.indexOf(quote!, i + 2);
        if (end < 0) fail('unterminated attribute');
        if (attr in element.attrs) fail(`duplicate attribute ${attr}`);
        element.attrs[attr] = decode(xml.slice(i + 2, end));
        i = end + 1;
      }
      if (stack.length === 0 && root) fail('second root element');
      if (stack.length > 0) stack.at(-1)!.children.push(element);
      else root = element;
      if (xml.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(element);
      }
    } else {
      if (stack.length === 0) fail('text outside the root element');
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (raw.includes('>') && raw.includes(']]>')) fail(']]> in text');
      stack.at(-1)!.text += decode(raw);
      i += raw.length;
    }
  }
  if (stack.length > 0) fail(`<${stack.at(-1)!.name}> never closed`);
  if (!root) fail('no root element');
  return root!;
}

/** Every descendant element named `name`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)]);
}
