/**
 * The grid's list queries (issue 12): on a read-only connection of their own, so they never wait
 * on the writer (WAL). A page is read by walking the sort's index from the nearer end of the list
 * (catalog list-walk.ts: at most half the list, no sort), so any page after a commit stays cheap.
 * Select-all builds the query's whole ordered id list; it is kept until the catalog changes
 * (PRAGMA data_version moves on every commit of another connection), and pages of that query are
 * sliced from it meanwhile.
 */
import { Catalog } from '../engine/catalog/catalog.js';
import type { ImageListItem, ListImagesQuery } from '../engine/catalog/types.js';
import { toErrorData } from '../util/errors.js';

/** Queries whose id lists are kept (filters and sorts the user switches between). */
const CACHED_QUERIES = 8;

interface CachedList {
  version: number;
  ids: Int32Array;
}

export interface ListPage {
  total: number;
  items: ImageListItem[];
}

export class ImagePager {
  private readonly lists = new Map<string, CachedList>();
  private readonly reader: Catalog;
  /** The writer's own connection (fallback): data_version does not see its own commits, so nothing is cached. */
  private readonly shared: boolean;

  /**
   * Over a read-only catalog: uses (and closes) it. Over the writer: opens a reader of its file, or
   * falls back to the writer's connection (and says so) where a read-only open fails.
   */
  constructor(
    catalog: Catalog,
    log?: (message: string) => void,
    /** Lists up to this long are sorted instead of walked (catalog image-queries.ts; tests pass 0). */
    private readonly sortUpTo?: number,
  ) {
    let reader = catalog;
    if (!catalog.readonly) {
      try {
        reader = Catalog.open(catalog.file, { readonly: true });
      } catch (error) {
        log?.(
          `fieldmark: list queries share the writer's connection: cannot open ${catalog.file} read-only: ${toErrorData(error).message}`,
        );
      }
    }
    this.reader = reader;
    this.shared = !catalog.readonly && reader === catalog;
  }

  /** One page of the query, equal to `ORDER BY ... LIMIT limit OFFSET offset`. @throws FieldmarkError InvalidArgument */
  page(query: ListImagesQuery, offset: number, limit: number): ListPage {
    const cached = this.shared ? undefined : this.lists.get(listKey(query));
    if (cached === undefined || cached.version !== this.reader.dataVersion())
      return this.reader.listImages({ ...query, offset, limit }, this.sortUpTo);
    const ids = Array.from(cached.ids.subarray(offset, offset + limit));
    return { total: cached.ids.length, items: this.reader.listItemsByIds(ids, query.modelRowId) };
  }

  /** One page of a fixed id list, in its order (ids no longer in the catalog are left out of the page). */
  pageOfIds(ids: readonly number[], modelRowId: number | null, offset: number, limit: number): ListPage {
    return { total: ids.length, items: this.reader.listItemsByIds(ids.slice(offset, offset + limit), modelRowId) };
  }

  /** Every id of the query in its order (select all); builds and keeps the list for the pages that follow. */
  ids(query: ListImagesQuery): number[] {
    if (this.shared) return this.reader.listImageIds(query);
    const key = listKey(query);
    const version = this.reader.dataVersion();
    const cached = this.lists.get(key);
    return Array.from(cached?.version === version ? cached.ids : this.build(key, query, version).ids);
  }

  close(): void {
    this.lists.clear();
    if (!this.shared) this.reader.close();
  }

  private build(key: string, query: ListImagesQuery, version: number): CachedList {
    const list = { version, ids: Int32Array.from(this.reader.listImageIds(query)) };
    this.lists.delete(key);
    this.lists.set(key, list);
    while (this.lists.size > CACHED_QUERIES) this.lists.delete(this.lists.keys().next().value as string);
    return list;
  }
}

/** The query without its paging: pages of one query share one list. */
function listKey(query: ListImagesQuery): string {
  const { offset: _offset, limit: _limit, ...filters } = query;
  return JSON.stringify(filters);
}
