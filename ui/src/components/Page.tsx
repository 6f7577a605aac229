import type { ReactNode } from "react";

/** A page heading with its one-line purpose (and any actions beside it), then the page. */
export function Page({
  title,
  lead,
  actions,
  children,
  testId,
}: {
  title: string;
  lead?: string;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="page" data-testid={testId}>
      <header className="page-header">
        <div>
          <h1>{title}</h1>
          {lead && <p className="lead">{lead}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </div>
  );
}
