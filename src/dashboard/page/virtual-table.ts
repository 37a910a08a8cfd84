import { el } from './dom.ts';

/** One column of a {@link VirtualTable}. */
export interface Column<Row> {
  readonly key: string;
  readonly title: string;
  /** Right-aligned, and sorted highest first on its first click. */
  readonly numeric?: boolean;
  /** What the column sorts on; null sorts last in either direction. */
  readonly sortValue: (row: Row) => number | string | null;
  readonly text: (row: Row) => string;
  /** An extra class for the cell (e.g. a state's colour). */
  readonly cellClass?: (row: Row) => string | undefined;
  /** A tooltip with the whole text, for cells that may be cut. */
  readonly tooltip?: (row: Row) => string | undefined;
}

export interface TableOptions<Row> {
  readonly columns: readonly Column<Row>[];
  /** A stable key per row (selection, tests: it becomes the row's data-key). */
  readonly rowKey: (row: Row) => string;
  readonly sort: { readonly key: string; readonly descending: boolean };
  /** Height of the scrolling box at most (px). */
  readonly maxHeight?: number;
  readonly onRowClick?: (row: Row) => void;
  /** A label for tests and screen readers. */
  readonly label: string;
}

const OVERSCAN = 8;
const DEFAULT_ROW_HEIGHT = 27;

/**
 * A sortable table that renders only the rows in view (plus a few), so 10 000 steps cost a sort, not 10 000
 * DOM rows. Rows have one fixed height (cells do not wrap), measured after the first render.
 */
export class VirtualTable<Row> {
  private readonly options: TableOptions<Row>;
  private readonly scroller: HTMLDivElement;
  private readonly head: HTMLTableRowElement;
  private readonly body: HTMLTableSectionElement;
  /** The rows with their sort keys, in display order. */
  private keyed: Array<Keyed<Row>> = [];
  private sortKey: string;
  private descending: boolean;
  private rowHeight = DEFAULT_ROW_HEIGHT;
  private measured = false;
  private selected: string | null = null;
  private frame = 0;
  /**
   * NOTE: the scroll position and the box's height are remembered from scroll events and a ResizeObserver:
   * reading them while rendering would force the browser to lay out the whole page after every update.
   */
  private scrollTop = 0;
  private viewport: number;

  constructor(container: HTMLElement, options: TableOptions<Row>) {
    this.options = options;
    this.sortKey = options.sort.key;
    this.descending = options.sort.descending;
    this.head = el('tr');
    this.body = el('tbody');
    const table = el('table', { class: 'grid', 'aria-label': options.label }, el('thead', {}, this.head), this.body);
    this.scroller = el('div', { class: 'vt-scroll' }, table);
    this.viewport = options.maxHeight ?? 420;
    this.scroller.style.maxHeight = `${this.viewport}px`;
    this.scroller.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.scroller.scrollTop;
        this.schedule();
      },
      { passive: true },
    );
    new ResizeObserver((entries) => {
      const height = entries[0]?.contentRect.height;
      if (height !== undefined && height > 0 && Math.abs(height - this.viewport) > 1) {
        this.viewport = height;
        this.schedule();
      }
    }).observe(this.scroller);
    this.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest('tr[data-index]');
      const index = Number(row?.getAttribute('data-index'));
      const item = Number.isInteger(index) ? this.keyed[index] : undefined;
      if (item !== undefined) this.options.onRowClick?.(item.row);
    });
    container.replaceChildren(this.scroller);
    this.renderHead();
  }

  /**
   * Replaces the rows (kept in the current sort order) and redraws what is in view. `appended`: the caller
   * promises that the rows are the previous ones plus more at the end (a growing list of steps), so only the
   * new rows are sorted and merged in: a live update of 10 000 steps costs what it adds.
   */
  setRows(rows: readonly Row[], appended = false): void {
    const column = this.sortColumn();
    if (!column) return;
    const from = appended && rows.length >= this.keyed.length ? this.keyed.length : 0;
    const fresh = rows.slice(from).map((row, j) => ({ row, i: from + j, key: column.sortValue(row) }));
    fresh.sort(this.comparator());
    this.keyed = from === 0 ? fresh : merge(this.keyed, fresh, this.comparator());
    this.render();
  }

  /** Highlights the row with this key (null: none). */
  select(key: string | null): void {
    this.selected = key;
    this.render();
  }

  /** Scrolls so that the row with this key is in view (when it is a row). */
  reveal(key: string): void {
    const index = this.keyed.findIndex((k) => this.options.rowKey(k.row) === key);
    if (index < 0) return;
    const top = index * this.rowHeight;
    if (top < this.scrollTop || top > this.scrollTop + this.viewport - 2 * this.rowHeight) {
      this.scrollTop = Math.max(0, top - this.viewport / 3);
      this.scroller.scrollTop = this.scrollTop;
    }
    this.render();
  }

  private sortBy(key: string): void {
    const column = this.options.columns.find((c) => c.key === key);
    if (!column) return;
    this.descending = key === this.sortKey ? !this.descending : column.numeric === true;
    this.sortKey = key;
    this.renderHead();
    const rows = [...this.keyed].sort((a, b) => a.i - b.i).map((k) => k.row);
    this.setRows(rows);
  }

  private sortColumn(): Column<Row> | undefined {
    return this.options.columns.find((c) => c.key === this.sortKey) ?? this.options.columns[0];
  }

  /** NOTE: keys are computed once per row, not per comparison; equal keys keep the rows' order. */
  private comparator(): (a: Keyed<Row>, b: Keyed<Row>) => number {
    const direction = this.descending ? -1 : 1;
    return (a, b) => {
      if (a.key === b.key) return a.i - b.i;
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      return (a.key < b.key ? -1 : 1) * direction;
    };
  }

  private renderHead(): void {
    this.head.replaceChildren(
      ...this.options.columns.map((column) => {
        const button = el('button', { type: 'button', 'data-sort': column.key }, column.title);
        button.addEventListener('click', () => this.sortBy(column.key));
        const th = el('th', column.numeric ? { class: 'num' } : {}, button);
        th.setAttribute('aria-sort', column.key === this.sortKey ? (this.descending ? 'descending' : 'ascending') : 'none');
        return th;
      }),
    );
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const total = this.keyed.length;
    const first = Math.max(0, Math.floor(this.scrollTop / this.rowHeight) - OVERSCAN);
    const last = Math.min(total, first + Math.ceil(this.viewport / this.rowHeight) + 2 * OVERSCAN);
    const columns = this.options.columns;
    const rows: HTMLTableRowElement[] = [spacer(first * this.rowHeight, columns.length)];
    for (let i = first; i < last; i++) {
      const row = this.keyed[i]?.row;
      if (row === undefined) continue;
      const key = this.options.rowKey(row);
      const tr = el('tr', { class: key === this.selected ? 'row selected' : 'row', 'data-index': String(i), 'data-key': key });
      for (const column of columns) {
        const td = el('td', {}, column.text(row));
        const extra = column.cellClass?.(row);
        td.className = [column.numeric ? 'num' : '', extra ?? ''].join(' ').trim();
        const tip = column.tooltip?.(row);
        if (tip) td.title = tip;
        tr.append(td);
      }
      rows.push(tr);
    }
    rows.push(spacer((total - last) * this.rowHeight, columns.length));
    this.body.replaceChildren(...rows);
    if (!this.measured && last > first) this.measure();
  }

  /** NOTE: the real row height depends on the font; virtual scrolling needs it exactly. */
  private measure(): void {
    const row = this.body.querySelector<HTMLTableRowElement>('tr.row');
    const height = row?.getBoundingClientRect().height ?? 0;
    if (height > 0) {
      this.measured = true;
      if (Math.abs(height - this.rowHeight) > 0.5) {
        this.rowHeight = height;
        this.render();
      }
    }
  }
}

interface Keyed<Row> {
  readonly row: Row;
  /** The row's position in the list given: ties keep it. */
  readonly i: number;
  readonly key: number | string | null;
}

/** Merges two lists sorted by `compare` (the rows already shown and the new ones). */
function merge<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const out: T[] = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i] as T, b[j] as T) <= 0 ? (a[i++] as T) : (b[j++] as T);
  while (i < a.length) out[k++] = a[i++] as T;
  while (j < b.length) out[k++] = b[j++] as T;
  return out;
}

function spacer(height: number, columns: number): HTMLTableRowElement {
  const td = el('td', { colspan: String(columns) });
  td.style.height = `${height}px`;
  td.style.padding = '0';
  td.style.border = '0';
  const tr = el('tr', { 'aria-hidden': 'true' }, td);
  if (height === 0) tr.hidden = true;
  return tr;
}
