import { type ReactNode, useEffect, useState } from 'react';

/**
 * Asks before an action. The title names the action and the thing ("Delete index logs-1"); a
 * destructive action also asks for the thing's name to be typed (ui.md). Modal dialogs sit over the
 * screen (Esc or a click outside cancels); inline ones stay in the panel that asked.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel = confirmLabel,
  cancelLabel = 'Cancel',
  typeToConfirm,
  tone = 'danger',
  modal = false,
  role = 'dialog',
  onConfirm,
  onClose,
}: {
  title: string;
  /** What the action changes, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  cancelLabel?: string;
  typeToConfirm?: { name: string; inputLabel: string };
  tone?: 'danger' | 'primary';
  modal?: boolean;
  role?: 'dialog' | 'alertdialog';
  /** Runs the action. A promise keeps the dialog open while it runs; resolving false keeps it open after (the action shows its error). */
  onConfirm(): Promise<boolean> | void;
  onClose(): void;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const ready = !busy && (!typeToConfirm || typed === typeToConfirm.name);

  useEffect(() => {
    if (!modal) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [modal, onClose]);

  const dialog = (
    <form
      className={modal ? 'confirm-dialog' : `confirm-inline confirm-${tone}`}
      role={role}
      aria-modal={modal || undefined}
      aria-label={title}
      // A modal's backdrop cancels on click and the window on Esc; an inline dialog takes Esc while focused.
      onClick={modal ? (event) => event.stopPropagation() : undefined}
      onKeyDown={modal ? undefined : (event) => event.key === 'Escape' && onClose()}
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready) return;
        const pending = onConfirm();
        if (!pending) return onClose();
        setBusy(true);
        void pending.then((done) => (done ? onClose() : setBusy(false)));
      }}
    >
      {modal ? <h2>{title}</h2> : <strong>{title}</strong>}
      <div className="confirm-body">{children}</div>
      {typeToConfirm && (
        <label>
          <span className="small">
            Type <strong className="mono">{typeToConfirm.name}</strong> to confirm
          </span>
          <input
            autoFocus
            aria-label={typeToConfirm.inputLabel}
            className="mono"
            autoComplete="off"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
        </label>
      )}
      <div className="confirm-actions">
        <button type="button" autoFocus={!typeToConfirm} onClick={onClose}>
          {cancelLabel}
        </button>
        <button type="submit" className={tone} disabled={!ready}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </form>
  );
  return modal ? (
    <div className="palette-backdrop" onClick={onClose}>
      {dialog}
    </div>
  ) : (
    dialog
  );
}
