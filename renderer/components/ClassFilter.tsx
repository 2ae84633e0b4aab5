/**
 * A searchable class picker: type to narrow the model's classes (the ones with predictions first,
 * with their counts), arrows and Enter to pick, Escape to leave. A combobox, not a <select>,
 * because ImageNet has 1,000 classes.
 */
import { useMemo, useState } from 'react';
import { useAppStore } from '../store/context.js';
import { className, formatCount } from '../format.js';

const MAX_OPTIONS = 60;

export function ClassFilter() {
  const classes = useAppStore((s) => s.classes);
  const distribution = useAppStore((s) => s.classDistribution);
  const classIndex = useAppStore((s) => s.filter.classIndex);
  const setFilter = useAppStore((s) => s.setFilter);
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  const options = useMemo(() => {
    const counts = new Map(distribution.map((entry) => [entry.index, entry.count]));
    const needle = text.trim().toLowerCase();
    return classes
      .filter((c) => needle === '' || className(c.name).toLowerCase().includes(needle) || String(c.index) === needle)
      .map((c) => ({ ...c, count: counts.get(c.index) ?? 0 }))
      .sort((a, b) => b.count - a.count || a.index - b.index)
      .slice(0, MAX_OPTIONS);
  }, [classes, distribution, text]);

  const chosen = classIndex === null ? null : classes[classIndex];
  const pick = (index: number | null) => {
    setFilter({ classIndex: index });
    setText('');
    setOpen(false);
  };

  return (
    <div className="class-filter">
      <input
        id="class-filter"
        data-testid="class-filter"
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls="class-filter-options"
        aria-label="Filter by predicted class"
        placeholder={chosen ? className(chosen.name) : 'Any class  c'}
        className={chosen ? 'has-value' : ''}
        value={text}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 120)}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') setActive((a) => Math.min(options.length - 1, a + 1));
          else if (event.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
          else if (event.key === 'Enter') {
            const option = options[active];
            if (option) pick(option.index);
            event.currentTarget.blur();
          } else return;
          event.preventDefault();
        }}
      />
      {chosen && (
        <button
          type="button"
          className="clear"
          aria-label="Any class"
          data-testid="class-filter-clear"
          onClick={() => pick(null)}
        >
          ×
        </button>
      )}
      {open && options.length > 0 && (
        <ul id="class-filter-options" className="options" role="listbox">
          {options.map((option, i) => (
            <li
              key={option.index}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              data-class-index={option.index}
              onMouseDown={(event) => {
                event.preventDefault();
                pick(option.index);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span>{className(option.name)}</span>
              <span className="count">{option.count > 0 ? formatCount(option.count) : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
