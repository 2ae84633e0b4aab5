/** Filter and sort: file-name search, class, confidence range, status, sort key and order. */
import { useEffect, useState } from 'react';
import { useAppStore } from '../store/context.js';
import type { GridFilter } from '../store/grid-slice.js';
import { formatCount } from '../format.js';
import { ClassFilter } from './ClassFilter.js';
import { SelectionCount } from './SelectionCount.js';
import { MAX_TILE_SIZE, MIN_TILE_SIZE } from '../store/ui-slice.js';

const LABEL_FILTERS: { value: GridFilter['label']; label: string; testId: string; title: string }[] = [
  { value: 'labelled', label: 'Labelled', testId: 'filter-labelled', title: 'Only labelled images' },
  { value: 'unlabelled', label: 'Unlabelled', testId: 'filter-unlabelled', title: 'Only images without a label' },
  {
    value: 'disagree',
    label: 'Label ≠ prediction',
    testId: 'filter-disagree',
    title: 'Labelled images whose label differs from the top-1 prediction',
  },
];

const STATUSES: { value: GridFilter['status']; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'indexed', label: 'Indexed' },
  { value: 'pending', label: 'Pending' },
  { value: 'failed', label: 'Failed' },
];

export function FilterBar() {
  const filter = useAppStore((s) => s.filter);
  const setFilter = useAppStore((s) => s.setFilter);
  const toggleSuspectFilter = useAppStore((s) => s.toggleSuspectFilter);
  const gridTotal = useAppStore((s) => s.gridTotal);
  const tileSize = useAppStore((s) => s.tileSize);
  const setTileSize = useAppStore((s) => s.setTileSize);
  const [search, setSearch] = useState(filter.pathContains);

  // Typing waits for a pause before querying, so each keystroke does not refetch the grid.
  useEffect(() => {
    if (search === filter.pathContains) return;
    const timer = setTimeout(() => setFilter({ pathContains: search }), 200);
    return () => clearTimeout(timer);
  }, [search, filter.pathContains, setFilter]);

  const filtered =
    filter.status !== 'all' ||
    filter.classIndex !== null ||
    filter.minConfidence > 0 ||
    filter.maxConfidence < 100 ||
    filter.pathContains !== '' ||
    filter.label !== 'all' ||
    filter.labelIs !== null ||
    filter.suspectIds !== null;
  return (
    <div className="filterbar" role="toolbar" aria-label="Filter and sort">
      <input
        id="path-search"
        data-testid="path-search"
        className="search"
        type="search"
        placeholder="Search file names  /"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        aria-label="Search file names"
      />
      <ClassFilter />
      <label className="confidence" title="Top-1 confidence range (%)">
        <span>Conf.</span>
        <input
          type="number"
          min={0}
          max={100}
          step={5}
          value={filter.minConfidence}
          data-testid="min-confidence"
          aria-label="Minimum confidence (%)"
          onChange={(event) => setFilter({ minConfidence: clampPercent(event.target.valueAsNumber, 0) })}
        />
        <span>–</span>
        <input
          type="number"
          min={0}
          max={100}
          step={5}
          value={filter.maxConfidence}
          data-testid="max-confidence"
          aria-label="Maximum confidence (%)"
          onChange={(event) => setFilter({ maxConfidence: clampPercent(event.target.valueAsNumber, 100) })}
        />
        <span>%</span>
      </label>
      <div className="segmented" role="radiogroup" aria-label="Status">
        {STATUSES.map(({ value, label }) => (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={filter.status === value}
            className={filter.status === value ? 'active' : ''}
            data-testid={`status-${value}`}
            onClick={() => setFilter({ status: value })}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label="Labels">
        {LABEL_FILTERS.map(({ value, label, testId, title }) => (
          <button
            key={value}
            type="button"
            aria-pressed={filter.label === value}
            className={filter.label === value ? 'active' : ''}
            data-testid={testId}
            title={title}
            onClick={() => setFilter({ label: filter.label === value ? 'all' : value, suspectIds: null })}
          >
            {label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={filter.suspectIds !== null}
          className={filter.suspectIds !== null ? 'active' : ''}
          data-testid="filter-suspect"
          title="Labels most likely wrong (cross-validated head and neighbours), most suspect first; g gives the suggested label"
          onClick={() => void toggleSuspectFilter()}
        >
          Suspect
        </button>
      </div>
      {filter.labelIs && (
        <button
          type="button"
          className="chip"
          data-testid="filter-label-is"
          data-label={filter.labelIs.label}
          data-rank={filter.labelIs.rank}
          onClick={() => setFilter({ labelIs: null })}
          title="Remove this filter"
        >
          {filter.labelIs.rank === 'species' ? 'label' : filter.labelIs.rank}: {filter.labelIs.label} ✕
        </button>
      )}
      <label className="sort">
        <span>Sort</span>
        <select
          value={filter.sort}
          data-testid="sort-key"
          aria-label="Sort by"
          onChange={(event) => setFilter(sortChange(event.target.value as GridFilter['sort']))}
        >
          <option value="name">Name</option>
          <option value="date">Date</option>
          <option value="confidence">Confidence</option>
          <option value="uncertainty">Uncertainty (review queue)</option>
        </select>
        <button
          type="button"
          className="icon-button"
          data-testid="sort-order"
          onClick={() => setFilter({ order: filter.order === 'asc' ? 'desc' : 'asc' })}
          aria-label={filter.order === 'asc' ? 'Ascending' : 'Descending'}
          title={filter.order === 'asc' ? 'Ascending' : 'Descending'}
        >
          {filter.order === 'asc' ? '↑' : '↓'}
        </button>
      </label>
      <input
        type="range"
        className="tile-size"
        min={MIN_TILE_SIZE}
        max={MAX_TILE_SIZE}
        step={10}
        value={tileSize}
        onChange={(event) => setTileSize(event.target.valueAsNumber)}
        data-testid="tile-size"
        aria-label="Thumbnail size"
        title="Thumbnail size (+ −)"
      />
      <span className="grid-count" data-testid="grid-count" data-count={gridTotal ?? ''}>
        {gridTotal === null ? '…' : `${formatCount(gridTotal)} shown`}
      </span>
      {filtered && (
        <button
          type="button"
          className="small-button"
          onClick={() => {
            setSearch('');
            setFilter({
              status: 'all',
              classIndex: null,
              minConfidence: 0,
              maxConfidence: 100,
              pathContains: '',
              label: 'all',
              labelIs: null,
              suspectIds: null,
            });
          }}
        >
          Clear filters
        </button>
      )}
      <SelectionCount />
    </div>
  );
}

function clampPercent(value: number, fallback: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(100, Math.round(value))) : fallback;
}

/**
 * Choosing a sort key also picks its natural order: confidence starts with the highest (the user
 * can still turn it with the order button); names and dates start at A and the oldest.
 */
export function sortChange(sort: GridFilter['sort']): Pick<GridFilter, 'sort' | 'order'> {
  return { sort, order: sort === 'confidence' ? 'desc' : 'asc' };
}
