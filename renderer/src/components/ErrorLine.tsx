import type { ErrorPayload } from '../../../electron/contract/index.js';

/** One actionable line (message + hint), the code small beside it, and "copy details". */
export function ErrorLine({ error }: { error: ErrorPayload }) {
  const details = JSON.stringify(error, null, 2);
  return (
    <div className="error-line" role="alert">
      <div>
        <strong>{error.message}</strong>
        {error.hint && <div className="hint">{error.hint}</div>}
      </div>
      <code className="code">{error.code}</code>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(details)}>
        Copy details
      </button>
    </div>
  );
}
