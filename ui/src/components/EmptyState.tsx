import type { ReactNode } from "react";

/** What a page shows when it has nothing yet: what will be here and how it gets here. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      <p>{children}</p>
    </section>
  );
}
