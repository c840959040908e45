import type { ErrorPayload } from '#contract/index.js';
import { CopyButton } from './CopyButton.js';

/** One actionable line (message + hint), the code small beside it, and "copy details". */
export function ErrorLine({ error }: { error: ErrorPayload }) {
  return (
    <div className="error-line" role="alert">
      <div>
        <strong>{error.message}</strong>
        {error.hint && <div className="hint">{error.hint}</div>}
      </div>
      <code className="code">{error.code}</code>
      <CopyButton text={JSON.stringify(error, null, 2)} label="Copy details" />
    </div>
  );
}
