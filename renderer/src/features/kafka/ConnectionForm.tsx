import { useState } from 'react';
import type { KafkaConnection } from '#contract/kafka.js';
import { useStore } from '../../store/index.js';

/** Direct bootstrap (any Kafka) or the installed stack through port-forwards. */
export function ConnectionForm({ connection, onDone }: { connection: KafkaConnection | null; onDone?: () => void }) {
  const setConnection = useStore((s) => s.kafkaSetConnection);
  const [brokers, setBrokers] = useState(
    (connection?.source === 'saved' || connection?.source === 'session' ? connection.brokers : (connection?.saved.brokers ?? [])).join(
      ', ',
    ),
  );
  const [save, setSave] = useState(true);
  const [busy, setBusy] = useState(false);
  const list = brokers.split(/[\s,]+/).filter(Boolean);
  const valid = list.length > 0 && list.every((b) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?):\d{1,5}$/.test(b));
  return (
    <form
      className="kf-connection"
      aria-label="Kafka connection"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        setBusy(true);
        void setConnection({ mode: 'direct', brokers: list, save }).then((ok) => {
          setBusy(false);
          if (ok) onDone?.();
        });
      }}
    >
      <label className="kf-grow">
        Bootstrap brokers
        <input
          aria-label="Bootstrap brokers"
          className="mono"
          placeholder="127.0.0.1:9092"
          value={brokers}
          onChange={(event) => setBrokers(event.target.value)}
          aria-invalid={brokers.trim() !== '' && !valid}
        />
      </label>
      <label className="kf-check">
        <input type="checkbox" checked={save} onChange={(event) => setSave(event.target.checked)} /> Remember
      </label>
      <button type="submit" className="primary" disabled={!valid || busy}>
        {busy ? 'Connecting…' : 'Connect'}
      </button>
      {connection?.saved.mode === 'direct' && (
        <button
          type="button"
          onClick={() => {
            setBusy(true);
            void setConnection({ mode: 'auto', brokers: [], save: true }).then(() => {
              setBusy(false);
              onDone?.();
            });
          }}
        >
          Use the installed stack
        </button>
      )}
      <p className="muted small kf-full">
        host:port of any broker (several separated by commas); the same as <span className="mono">--kafka-brokers</span> on the CLI. Without
        one, the app reaches the installed stack’s brokers through port-forwards.
      </p>
    </form>
  );
}
