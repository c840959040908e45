import type { Notice } from '#contract/index.js';

/** Conditions the backend reports about a pane's setup (a saved file it ignored, a fallback it took). */
export function Notices({ notices }: { notices: readonly Notice[] }) {
  return notices.map((notice) => (
    <p key={notice.id} className="notice-card" role="alert">
      {notice.message} <span className="muted">{notice.hint}</span>
    </p>
  ));
}
