import { useState } from 'react';
import { FILTER_PATTERN } from '@/lib/url-state';

/** Dashboard-wide filters (`dimension:op:value`), added to every widget's query and kept in the address. */
export function FilterBar({ filters, onChange }: { filters: string[]; onChange: (filters: string[]) => void }) {
  const [text, setText] = useState('');
  const valid = FILTER_PATTERN.test(text.trim());
  return (
    <div className="filter-bar">
      <form onSubmit={(e) => {
        e.preventDefault();
        if (valid && !filters.includes(text.trim())) onChange([...filters, text.trim()]);
        setText('');
      }}>
        <label htmlFor="add-filter" className="label">Filter</label>
        <input id="add-filter" value={text} onChange={(e) => setText(e.target.value)} placeholder="region:eq:eu-west"
          aria-invalid={text !== '' && !valid} />
        <button type="submit" className="button subtle" disabled={!valid}>Add filter</button>
      </form>
      <ul className="chips" aria-label="Active filters">
        {filters.map((f) => (
          <li key={f} className="chip">{f}
            <button type="button" className="chip-remove" aria-label={`Remove filter ${f}`}
              onClick={() => onChange(filters.filter((g) => g !== f))}>×</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
