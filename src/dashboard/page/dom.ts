/** Small DOM helpers. Study data only ever enters the page as text (textContent), never as markup. */

/** The element with this id; throws when the page skeleton lacks it (a bug, not bad data). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`dashboard page: no element #${id}`);
  return element as T;
}

/** Sets the text of every `[data-field=name]` element. */
export function setField(name: string, text: string): void {
  for (const element of document.querySelectorAll<HTMLElement>(`[data-field="${name}"]`)) {
    if (element.textContent !== text) element.textContent = text;
  }
}

export function fieldElement(name: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-field="${name}"]`);
}

type Child = Node | string | null | undefined;

/** Creates an element with attributes (strings) and children (nodes or text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

/** A definition list (`<dt>` / `<dd>` pairs); a `dd` may carry a data-field name for tests and scripts. */
export function fillFacts(list: HTMLElement, facts: ReadonlyArray<readonly [term: string, value: string | Node, field?: string]>): void {
  const nodes: Node[] = [];
  for (const [term, value, field] of facts) {
    nodes.push(el('dt', {}, term), el('dd', field === undefined ? {} : { 'data-field': field }, value));
  }
  list.replaceChildren(...nodes);
}

/** Calls `render` with the element's width now and whenever it changes. */
export function onWidth(element: HTMLElement, render: (width: number) => void): void {
  let last = -1;
  new ResizeObserver(() => {
    const width = Math.floor(element.clientWidth);
    if (width !== last && width > 0) {
      last = width;
      render(width);
    }
  }).observe(element);
}
