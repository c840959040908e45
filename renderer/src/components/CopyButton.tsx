import { type ReactNode, useEffect, useState } from 'react';

/**
 * Copies `text` to the clipboard and says "Copied" for a moment. `title` shows a command on hover
 * ("copy as command"); `aria-label` names the button when its label alone would be ambiguous.
 */
export function CopyButton({
  text,
  label,
  title,
  className,
  disabled,
  'aria-label': ariaLabel,
}: {
  text: string;
  label: ReactNode;
  title?: string;
  className?: string;
  disabled?: boolean;
  'aria-label'?: string;
}) {
  // Remembers what was copied, so a button whose text changes (another row) reads its label again.
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => setCopied(null), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={className}
      title={title}
      aria-label={ariaLabel}
      disabled={disabled}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(text),
          () => setCopied(null),
        )
      }
    >
      {copied === text ? 'Copied' : label}
    </button>
  );
}

/** A command shown on one line (whole on hover) with a button that copies it. */
export function CopyCommand({ command, label = 'Copy command' }: { command: string; label?: string }) {
  return (
    <div className="copy-command">
      <code title={command}>{command}</code>
      <CopyButton text={command} label="Copy" aria-label={label} />
    </div>
  );
}
