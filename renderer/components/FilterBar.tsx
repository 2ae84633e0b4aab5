/** Filter and sort: file-name search, class, confidence range, status, sort key and order. */
import { useEffect, useState } from 'react';
import { useAppStore } from '../store/context.js';
import type { GridFilter } from '../store/grid-slice.js';
import { formatCount } from '../format.js';
import { ClassFilter } from './ClassFilter.js';

const STATUSES: { value: GridFilter['status']; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'indexed', label: 'Indexed' },
  { value: 'pending', label: 'Pending' },
  { value: 'failed', label: 'Failed' },
];

export function FilterBar() {
  const filter = useAppStore((s) => s.filter);
  const setFilter = useAppStore((s) => s.setFilter);
  const gridTotal = useAppStore((s) => s.gridTotal);
  const [search, setSearch] = useState(filter.pathContains);

  // Typing waits for a pause before querying, so each keystroke does not refetch the grid.
  useEffect(() => {
    if (search === filter.pathContains) return;
    const timer = setTimeout(() => setFilter({ pathContains: search }), 200);
    return () => clearTimeout(timer);
  }, [search, filter.pathContains, setFilter]);

  const filtered = filter.status !== 'all' || filter.classIndex !== null || filter.minConfidence > 0 || filter.maxConfidence < 100 || filter.pathContains !== '';
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
          <button key={value} type="button" role="radio" aria-checked={filter.status === value} className={filter.status === value ? 'active' : ''} data-testid={`status-${value}`} onClick={() => setFilter({ status: value })}>
            {label}
          </button>
        ))}
      </div>
      <label className="sort">
        <span>Sort</span>
        <select value={filter.sort} data-testid="sort-key" aria-label="Sort by" onChange={(event) => setFilter({ sort: event.target.value as GridFilter['sort'] })}>
          <option value="name">Name</option>
          <option value="date">Date</option>
          <option value="confidence">Confidence</option>
        </select>
        <button type="button" className="icon-button" data-testid="sort-order" onClick={() => setFilter({ order: filter.order === 'asc' ? 'desc' : 'asc' })} aria-label={filter.order === 'asc' ? 'Ascending' : 'Descending'} title={filter.order === 'asc' ? 'Ascending' : 'Descending'}>
          {filter.order === 'asc' ? '↑' : '↓'}
        </button>
      </label>
      <span className="grid-count" data-testid="grid-count" data-count={gridTotal ?? ''}>
        {gridTotal === null ? '…' : `${formatCount(gridTotal)} shown`}
      </span>
      {filtered && (
        <button
          type="button"
          className="small-button"
          onClick={() => {
            setSearch('');
            setFilter({ status: 'all', classIndex: null, minConfidence: 0, maxConfidence: 100, pathContains: '' });
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

function clampPercent(value: number, fallback: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(100, Math.round(value))) : fallback;
}
