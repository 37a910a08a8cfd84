/** A parsed XML element: enough to check an SVG's structure in tests. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/**
 * A strict, small XML well-formedness parser (elements, attributes, text, comments, declarations): throws
 * on unbalanced or mismatched tags, unquoted or duplicate attributes, a raw '<' or a bare '&', or content
 * outside the single root element.
 */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (message: string): never => {
    throw new Error(`XML: ${message} at offset ${at}: ${JSON.stringify(source.slice(at, at + 40))}`);
  };
  const checkText = (text: string): string => {
    if (text.includes('<')) fail('raw < in text');
    if (text.replace(ENTITY, '').includes('&')) fail('bare & (not an entity)');
    return text;
  };
  while (at < source.length) {
    if (source.startsWith('<!--', at)) {
      const end = source.indexOf('-->', at);
      if (end < 0) fail('unterminated comment');
      at = end + 3;
    } else if (source.startsWith('<?', at)) {
      const end = source.indexOf('?>', at);
      if (end < 0 || stack.length > 0 || root) fail('misplaced declaration');
      at = end + 2;
    } else if (source.startsWith('</', at)) {
      const name = NAME.exec(source.slice(at + 2))?.[0] ?? fail('bad closing tag');
      const open = stack.pop() ?? fail(`closing </${name}> without an open element`);
      if (open.name !== name) fail(`</${name}> closes <${open.name}>`);
      at += 2 + name.length;
      const close = /^\s*>/.exec(source.slice(at)) ?? fail('bad closing tag end');
      at += close[0].length;
    } else if (source[at] === '<') {
      const name = NAME.exec(source.slice(at + 1))?.[0] ?? fail('bad tag name');
      if (root && stack.length === 0) fail('content after the root element');
      at += 1 + name.length;
      const attributes: Record<string, string> = {};
      for (;;) {
        const attr = /^\s+([A-Za-z_:][\w:.-]*)\s*=\s*("[^"<]*"|'[^'<]*')/.exec(source.slice(at));
        if (!attr) break;
        const key = attr[1] ?? '';
        if (key in attributes) fail(`duplicate attribute ${key}`);
        attributes[key] = checkText((attr[2] ?? '""').slice(1, -1));
        at += attr[0].length;
      }
      const end = /^\s*(\/?)>/.exec(source.slice(at)) ?? fail(`bad attribute or tag end in <${name}>`);
      at += end[0].length;
      const node: XmlElement = { name, attributes, children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(node);
      else root = node;
      if (end[1] !== '/') stack.push(node);
    } else {
      const next = source.indexOf('<', at);
      const text = source.slice(at, next < 0 ? source.length : next);
      const parent = stack.at(-1);
      if (parent) parent.text += checkText(text);
      else if (text.trim() !== '') fail('text outside the root element');
      at = next < 0 ? source.length : next;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack.at(-1)?.name}>`);
  return root ?? fail('no root element');
}

/** Every element below `node` (itself included) with this name. */
export function findAll(node: XmlElement, name: string): XmlElement[] {
  return [...(node.name === name ? [node] : []), ...node.children.flatMap((child) => findAll(child, name))];
}
