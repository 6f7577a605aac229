import { type ReactNode, useId } from "react";

/** A titled block of a page, with an optional action on the right of its heading. */
export function Section({
  title,
  action,
  children,
  testId,
  className,
}: {
  title: string;
  action?: ReactNode;
  children: ReactNode;
  testId?: string;
  className?: string;
}) {
  const id = useId();
  return (
    <section
      className={className ? `section ${className}` : "section"}
      aria-labelledby={id}
      data-testid={testId}
    >
      <div className="section-header">
        <h2 id={id}>{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}
