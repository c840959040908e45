import { useState } from 'react';
import { useStore } from '../../store/index.js';

/** Saved queries: pick one to run it, save the current one under a name, delete the one picked. */
export function SavedQueries({ saved, savedId }: { saved: { id: string; name: string }[]; savedId: string | null }) {
  const apply = useStore((s) => s.applySavedQuery);
  const save = useStore((s) => s.saveSearchQuery);
  const remove = useStore((s) => s.deleteSavedQuery);
  const [naming, setNaming] = useState(false);
  const current = saved.find((q) => q.id === savedId);
  const [name, setName] = useState('');
  return (
    <div className="sr-saved">
      <select aria-label="Saved queries" value={savedId ?? ''} onChange={(event) => event.target.value && void apply(event.target.value)}>
        <option value="">{saved.length ? 'Saved queries…' : 'No saved queries'}</option>
        {saved.map((query) => (
          <option key={query.id} value={query.id}>
            {query.name}
          </option>
        ))}
      </select>
      {naming ? (
        <form
          className="sr-inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (!name.trim()) return;
            void save(name).then((ok) => ok && setNaming(false));
          }}
        >
          <input
            autoFocus
            aria-label="Query name"
            placeholder="Name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => event.key === 'Escape' && setNaming(false)}
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          onClick={() => {
            setName(current?.name ?? '');
            setNaming(true);
          }}
        >
          Save query…
        </button>
      )}
      {current && !naming && (
        <button
          type="button"
          className="link danger"
          aria-label={`Delete saved query ${current.name}`}
          onClick={() => void remove(current.id)}
        >
          delete
        </button>
      )}
    </div>
  );
}
