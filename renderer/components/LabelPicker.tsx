/**
 * The label picker (`l`): a search box over the vocabulary with fuzzy matching (common and
 * scientific name, genus, family, order, CUB id), the focused image's top-5 first, then recent
 * labels; for CUB the list is grouped order → family → genus → species, and choosing a group
 * labels at that coarser rank ("back-off"). ↑ ↓ move, Enter applies to the whole selection.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { TopClass } from '../../main/contract/types.js';
import { pickerChoices, type PickerChoice, type PickerSection } from '../labels/picker-options.js';
import { useAppStore, useStoreApi } from '../store/context.js';
import { imageIdAt } from '../store/grid-slice.js';
import { targetImageIds } from '../store/selection-slice.js';
import { className, formatCount, formatPercent } from '../format.js';

const SECTION_TITLES: Record<PickerSection, string> = {
  prediction: 'Predictions',
  recent: 'Recent',
  vocabulary: 'All labels',
  new: 'New label',
};

/** Rows rendered at most: the full CUB tree is ~370 rows, ImageNet 1000; matching narrows it. */
const MAX_ROWS = 400;

export function LabelPicker() {
  const open = useAppStore((s) => s.pickerOpen);
  if (!open) return null;
  return <PickerDialog />;
}

function PickerDialog() {
  const store = useStoreApi();
  const vocabulary = useAppStore((s) => s.vocabulary);
  const recent = useAppStore((s) => s.recentLabels);
  const count = useAppStore((s) => targetImageIds(s).length);
  const focusedId = useAppStore((s) => imageIdAt(s, s.selectedIndex));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [predictions, setPredictions] = useState<TopClass[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => input.current?.focus(), []);

  // The focused image's top-5 come first; the detail panel may already hold them.
  useEffect(() => {
    if (focusedId === null) return;
    const detail = store.getState().detail;
    if (detail?.id === focusedId) {
      setPredictions(detail.topk);
      return;
    }
    let current = true;
    void store
      .getState()
      .loadTopK(focusedId)
      .then((topk) => current && setPredictions(topk));
    return () => {
      current = false;
    };
  }, [store, focusedId]);

  const choices = useMemo(
    () => (vocabulary ? pickerChoices(vocabulary, query, predictions, recent) : []).slice(0, MAX_ROWS),
    [vocabulary, query, predictions, recent],
  );
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    list.current?.querySelector(`[data-position="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = (item: PickerChoice | undefined) => {
    if (!item) return;
    const state = store.getState();
    state.setPickerOpen(false);
    void state.applyLabel(item.label, item.rank, item.section === 'prediction' ? 'accepted' : 'manual');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (event.key in moves) {
      event.preventDefault();
      setActive((current) => Math.max(0, Math.min(choices.length - 1, current + (moves[event.key] ?? 0))));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(choices[active]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      store.getState().setPickerOpen(false);
    }
  };

  let lastSection: PickerSection | null = null;
  return (
    <div
      className="overlay picker-overlay"
      role="dialog"
      aria-modal="true"
      aria-label="Label picker"
      onClick={() => store.getState().setPickerOpen(false)}
    >
      <div className="overlay-card picker" onClick={(event) => event.stopPropagation()}>
        <div className="picker-head">
          <span>
            Label <strong>{formatCount(count)}</strong> image{count === 1 ? '' : 's'}
          </span>
          {vocabulary?.hierarchical && (
            <span className="muted">Choose a genus, family or order when unsure of the species</span>
          )}
        </div>
        <input
          ref={input}
          className="picker-input"
          data-testid="label-picker"
          type="search"
          placeholder="Type a name, scientific name, genus, family, order or id…"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
          aria-label="Search labels"
          aria-controls="picker-options"
          aria-activedescendant={choices[active] ? `picker-option-${active}` : undefined}
        />
        <ul className="picker-options" id="picker-options" role="listbox" ref={list}>
          {!vocabulary && <li className="muted">Loading…</li>}
          {choices.map((item, position) => {
            const heading = item.section !== lastSection ? SECTION_TITLES[item.section] : null;
            lastSection = item.section;
            return [
              heading && (
                <li key={`h:${item.section}`} className="picker-section" role="presentation">
                  {heading}
                </li>
              ),
              <li
                key={item.key}
                id={`picker-option-${position}`}
                role="option"
                aria-selected={position === active}
                className={`picker-option rank-${item.rank}${position === active ? ' active' : ''}`}
                style={{ paddingLeft: 12 + item.depth * 14 }}
                data-testid="label-option"
                data-label={item.label}
                data-rank={item.rank}
                data-position={position}
                onMouseEnter={() => setActive(position)}
                onClick={() => choose(item)}
              >
                <span className="option-label">{className(item.label)}</span>
                {item.rank !== 'species' && <span className="option-rank">{item.rank}</span>}
                {item.detail && item.rank === 'species' && <span className="option-detail">{item.detail}</span>}
                {item.prob !== null && <span className="option-prob">{formatPercent(item.prob, 1)}</span>}
                {item.section === 'prediction' && position < 5 && <kbd>{position + 1}</kbd>}
              </li>,
            ];
          })}
        </ul>
      </div>
    </div>
  );
}
